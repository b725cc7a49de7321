/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type ComponentChildren } from 'preact';

export interface Choice<T extends string> {
  value: T;
  label: string;
  /** Drawn before the label; with `iconOnly` the label is for screen readers only. */
  icon?: ComponentChildren;
  /** A second, smaller line under the label. */
  detail?: string;
}

interface Props<T extends string> {
  name: string;
  legend: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
  iconOnly?: boolean;
  part: string;
}

/** A row of native radio buttons: arrow keys, labels and the group name come with them. */
export function Segmented<T extends string>({ name, legend, choices, value, onChange, iconOnly, part }: Props<T>) {
  return (
    <fieldset class={iconOnly ? 'compact' : undefined} part={part}>
      <legend class={iconOnly ? 'sr-only' : 'label'}>{legend}</legend>
      <div class="segments">
        {choices.map((choice) => (
          <label key={choice.value} class="segment" title={iconOnly ? choice.label : undefined}>
            <input
              type="radio"
              name={name}
              value={choice.value}
              checked={choice.value === value}
              onChange={() => onChange(choice.value)}
            />
            <span>
              {choice.icon}
              <span class={iconOnly ? 'sr-only' : undefined}>{choice.label}</span>
              {choice.detail && <small> {choice.detail}</small>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
