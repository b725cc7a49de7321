/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Imageka } from '../../sdk/index.js';
import type { CaptchaResponse } from '../../sdk/types.js';
import { problemOf, type Problem } from '../problems.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  strings: Strings;
  client: Imageka | undefined;
  challenge: CaptchaResponse | undefined;
  loading: boolean;
  generating: boolean;
  answer: string;
  onAnswer: (answer: string) => void;
  onReload: () => void;
  onProblem: (problem: Problem) => void;
  invalid: boolean;
  answerRef: Ref<HTMLInputElement>;
}

/** The challenge as an image and as speech, and the one answer field both lead to. */
export function CaptchaField({ strings, client, challenge, loading, generating, answer, onAnswer, onReload, onProblem, invalid, answerRef }: Props) {
  const [audioFailed, setAudioFailed] = useState(false);
  const player = useRef<{ audio: HTMLAudioElement; url: string; challenge: CaptchaResponse } | undefined>(undefined);
  const fetching = useRef(false);

  // The audio belongs to one challenge: a new challenge (or leaving) drops it with its object URL.
  useEffect(() => {
    setAudioFailed(false);
    return () => {
      const current = player.current;
      player.current = undefined;
      if (!current) return;
      current.audio.pause();
      URL.revokeObjectURL(current.url);
    };
  }, [challenge]);

  const listen = async () => {
    // The visitor types while listening, so the answer field keeps (or gets) the focus.
    focus(answerRef);
    if (!client || !challenge || fetching.current) return;
    try {
      if (player.current?.challenge !== challenge) {
        fetching.current = true;
        const blob = await client.captchaAudio().finally(() => (fetching.current = false));
        const url = URL.createObjectURL(blob);
        player.current = { audio: new Audio(url), url, challenge };
      }
      const { audio } = player.current;
      audio.currentTime = 0;
      await audio.play();
      setAudioFailed(false);
    } catch (error) {
      setAudioFailed(true);
      onProblem(problemOf(error, 'audio'));
    }
  };

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
          onClick={listen}
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

function focus(ref: Ref<HTMLInputElement>): void {
  if (ref && typeof ref === 'object') ref.current?.focus();
}
