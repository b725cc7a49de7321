/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type ComponentChildren, type Ref } from 'preact';
import { PROMPT_MAX_LENGTH } from '../../sdk/types.js';
import type { Strings } from '../i18n.js';

interface Props {
  strings: Strings;
  value: string;
  onInput: (value: string) => void;
  invalid: boolean;
  /** A message about the prompt from the API (declined), shown under the field. */
  problem: ComponentChildren;
  inputRef: Ref<HTMLTextAreaElement>;
}

export function PromptField({ strings, value, onInput, invalid, problem, inputRef }: Props) {
  const near = value.length >= PROMPT_MAX_LENGTH * 0.9;
  const text = value.trim();
  return (
    <div class="stack">
      <label class="label" for="prompt">
        {strings.promptLabel}
      </label>
      <textarea
        id="prompt"
        ref={inputRef}
        class="field"
        part="prompt"
        rows={2}
        maxLength={PROMPT_MAX_LENGTH}
        placeholder={strings.promptPlaceholder}
        dir="auto"
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        aria-invalid={invalid}
        aria-describedby="prompt-counter prompt-error"
      />
      <div class="field-foot">
        <span id="prompt-error" class="field-error">
          {invalid ? strings.promptMissing : ''}
        </span>
        <span id="prompt-counter" class={near ? 'counter near' : 'counter'} aria-label={strings.counterLabel(PROMPT_MAX_LENGTH - value.length)}>
          {strings.counter(value.length, PROMPT_MAX_LENGTH)}
        </span>
      </div>
      {problem}
      {/* Start points: an example replaces an empty prompt; a style adds its words to the end, in view. */}
      <div class="starters" part="starters">
        <span class="muted">{text ? strings.stylesLabel : strings.examplesLabel}</span>
        {text
          ? strings.styles.map(([name, words]) => (
              <button type="button" class="chip" key={name} aria-label={strings.styleLabel(name)} disabled={text.endsWith(words)} onClick={() => onInput(`${text.replace(/[\s,.]+$/, '')}, ${words}`)}>
                {name}
              </button>
            ))
          : strings.examples.map(([name, example]) => (
              <button type="button" class="chip" key={name} onClick={() => onInput(example)}>
                {name}
              </button>
            ))}
      </div>
    </div>
  );
}
