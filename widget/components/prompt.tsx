/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import { PROMPT_MAX_LENGTH } from '../../sdk/types.js';
import type { Strings } from '../strings.js';

interface Props {
  strings: Strings;
  value: string;
  onInput: (value: string) => void;
  invalid: boolean;
  inputRef: Ref<HTMLTextAreaElement>;
}

export function PromptField({ strings, value, onInput, invalid, inputRef }: Props) {
  const near = value.length >= PROMPT_MAX_LENGTH * 0.9;
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
        rows={4}
        maxLength={PROMPT_MAX_LENGTH}
        placeholder={strings.promptPlaceholder}
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
    </div>
  );
}
