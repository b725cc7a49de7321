/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h } from 'preact';
import { IMAGE_SIZES, type AspectRatio } from '../../sdk/types.js';
import type { Strings } from '../i18n.js';
import type { OnDemand } from '../on-demand-loader.js';
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
  /** The negative prompt and seed fields, loaded on demand. */
  parts: OnDemand | undefined;
}

const RATIOS = Object.keys(IMAGE_SIZES) as AspectRatio[];

export function Options({ strings, values, onChange, parts }: Props) {
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
        {/* Behind a click, which the on-demand parts (loaded as the pointer comes near) precede. */}
        {parts && <parts.MoreOptions strings={strings} values={values} onChange={onChange} />}
      </details>
    </>
  );
}
