/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type ComponentChildren, type Ref } from 'preact';
import { CAPTCHA_ALPHABET, type CaptchaResponse } from '../../sdk/types.js';
import type { Strings } from '../i18n.js';
import { Icon, ICONS } from './icon.js';

interface Props {
  strings: Strings;
  challenge: CaptchaResponse | undefined;
  loading: boolean;
  generating: boolean;
  answer: string;
  onAnswer: (answer: string) => void;
  onReload: () => void;
  onListen: () => void;
  /** The spoken captcha is being fetched or played: the button stops it. */
  playing: boolean;
  /** The last spoken captcha was not in the widget's language (the server had no voice for it). */
  spokenElsewhere: boolean;
  /** A wait the API asked for: no new captcha (image or audio) can be had until it is over. */
  waiting: boolean;
  invalid: boolean;
  /** A message about the captcha (wrong answer, could not load, could not play), shown under the answer. */
  problem: ComponentChildren;
  answerRef: Ref<HTMLInputElement>;
}

/** The characters that can occur, spaced so screen readers spell them out. */
const CHARACTERS = [...CAPTCHA_ALPHABET].join(' ');

/** The challenge as an image and as speech, and the one answer field both lead to. */
export function CaptchaField({ strings, challenge, loading, generating, answer, onAnswer, onReload, onListen, playing, spokenElsewhere, waiting, invalid, problem, answerRef }: Props) {
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
        <button type="button" class="button icon-button" onClick={onReload} aria-label={strings.reload} title={strings.reload} disabled={waiting}>
          <Icon path={ICONS.reload} />
        </button>
        <button
          type="button"
          class="button"
          onMouseDown={(event) => event.preventDefault()}
          onClick={onListen}
          aria-label={playing ? undefined : strings.listenLabel}
          part="listen"
          disabled={waiting || !challenge}
        >
          <Icon path={playing ? ICONS.stop : ICONS.listen} />
          {playing ? strings.stop : strings.listen}
        </button>
      </div>
      {spokenElsewhere && <p class="hint">{strings.audioInEnglish}</p>}
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
        aria-describedby="answer-hint answer-problem"
      />
      <p id="answer-hint" class="hint">
        {invalid ? <span class="field-error">{strings.answerMissing}</span> : strings.answerHint(CHARACTERS)}
      </p>
      <div id="answer-problem">{problem}</div>
    </fieldset>
  );
}
