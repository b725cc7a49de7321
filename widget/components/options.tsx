/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h } from 'preact';
import { IMAGE_SIZES, NEGATIVE_PROMPT_MAX_LENGTH, SEED_MAX, type AspectRatio } from '../../sdk/types.js';
import type { Strings } from '../strings.js';
import { Segmented } from './segmented.js';

export interface OptionValues {
  ratio: AspectRatio;
  negativePrompt: string;
  /** As typed: empty means random. */
  seed: string;
}

interface Props {
  strings: Strings;
  values: OptionValues;
  onChange: (values: OptionValues) => void;
}

const RATIOS = Object.keys(IMAGE_SIZES) as AspectRatio[];

export function Options({ strings, values, onChange }: Props) {
  const set = (change: Partial<OptionValues>) => onChange({ ...values, ...change });
  return (
    <>
      <Segmented
        name="ratio"
        part="ratio"
        legend={strings.ratioLegend}
        value={values.ratio}
        onChange={(ratio) => set({ ratio })}
        choices={RATIOS.map((ratio) => ({ value: ratio, label: ratio, detail: strings.ratios[ratio] }))}
      />
      <details class="more" part="options">
        <summary>{strings.moreOptions}</summary>
        <div class="more-body">
          <div class="stack">
            <label class="label" for="negative">
              {strings.negativeLabel}
            </label>
            <textarea
              id="negative"
              class="field"
              rows={2}
              maxLength={NEGATIVE_PROMPT_MAX_LENGTH}
              placeholder={strings.negativePlaceholder}
              value={values.negativePrompt}
              onInput={(event) => set({ negativePrompt: event.currentTarget.value })}
            />
          </div>
          <div class="stack">
            <label class="label" for="seed">
              {strings.seedLabel}
            </label>
            <input
              id="seed"
              class="field"
              type="number"
              min={0}
              max={SEED_MAX}
              step={1}
              value={values.seed}
              onInput={(event) => set({ seed: event.currentTarget.value })}
              aria-describedby="seed-hint"
            />
            <p id="seed-hint" class="hint">
              {strings.seedHint}
            </p>
          </div>
        </div>
      </details>
    </>
  );
}
