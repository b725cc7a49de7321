/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import type { CaptchaResponse } from '../../sdk/types.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  strings: Strings;
  challenge: CaptchaResponse | undefined;
  loading: boolean;
  generating: boolean;
  answer: string;
  onAnswer: (answer: string) => void;
  onReload: () => void;
  onListen: () => void;
  /** The spoken captcha could not be played. */
  audioFailed: boolean;
  invalid: boolean;
  answerRef: Ref<HTMLInputElement>;
}

/** The challenge as an image and as speech, and the one answer field both lead to. */
export function CaptchaField({ strings, challenge, loading, generating, answer, onAnswer, onReload, onListen, audioFailed, invalid, answerRef }: Props) {
  return (
    <fieldset class="captcha" part="captcha">
      <legend class="label">{strings.captchaLegend}</legend>
      <div class="captcha-row">
        <div class="captcha-image" part="captcha-image" aria-busy={loading} style={challenge && { '--ratio': String(challenge.width / challenge.height) }}>
          {challenge ? (
            <img src={challenge.image} width={challenge.width} height={challenge.height} alt={strings.captchaAlt} />
          ) : (
            <span class="small">{generating ? strings.captchaNext : loading ? strings.captchaLoading : strings.captchaMissing}</span>
          )}
        </div>
        <button type="button" class="button icon-button" onClick={onReload} aria-label={strings.reload} title={strings.reload}>
          <Icon name="reload" />
        </button>
        <button
          type="button"
          class="button"
          onMouseDown={(event) => event.preventDefault()}
          onClick={onListen}
          aria-label={strings.listenLabel}
          part="listen"
        >
          <Icon name="listen" />
          {strings.listen}
        </button>
      </div>
      <label class="label" for="answer">
        {strings.answerLabel}
      </label>
      <input
        id="answer"
        ref={answerRef}
        class="field"
        part="answer"
        value={answer}
        onInput={(event) => onAnswer(event.currentTarget.value)}
        autocomplete="off"
        autocapitalize="characters"
        spellcheck={false}
        maxLength={16}
        aria-invalid={invalid}
        aria-describedby="answer-hint"
      />
      <p id="answer-hint" class="hint">
        {invalid ? strings.answerMissing : strings.answerHint}
      </p>
      {audioFailed && (
        <p class="inline-alert" role="alert">
          {strings.problems.audio}
        </p>
      )}
    </fieldset>
  );
}
