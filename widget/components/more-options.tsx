/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h } from 'preact';
import { NEGATIVE_PROMPT_MAX_LENGTH, SEED_MAX } from '../../sdk/types.js';
import type { Strings } from '../i18n.js';
import type { OptionValues } from './options.js';

interface Props {
  strings: Strings;
  values: OptionValues;
  onChange: (values: OptionValues) => void;
}

/** What "More options" opens: a negative prompt and a seed. Loaded on demand. */
export function MoreOptions({ strings, values, onChange }: Props) {
  const set = (change: Partial<OptionValues>) => onChange({ ...values, ...change });
  return (
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
          dir="auto"
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
  );
}
