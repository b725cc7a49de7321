/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h, type Ref } from 'preact';
import type { GenerateProgress } from '../../sdk/types.js';
import { fileName } from '../image.js';
import type { Problem } from '../problems.js';
import type { Picture, State } from '../state.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  state: State;
  strings: Strings;
  /** Width ÷ height of the picture being asked for, for the placeholder. */
  ratio: number;
  onCancel: () => void;
  onReuse: (picture: Picture) => void;
  onRetry: () => void;
  onCopy: (picture: Picture) => void;
  /** The last copy to the clipboard failed. */
  copyFailed: boolean;
  /** `Date.now()`, ticking each second while there is time to show. */
  now: number;
  headingRef: Ref<HTMLHeadingElement>;
  cancelRef: Ref<HTMLButtonElement>;
}

/** The right-hand side: what is being made, what was made, or what went wrong. */
export function Output({ state, strings, ratio, onCancel, onReuse, onRetry, onCopy, copyFailed, now, headingRef, cancelRef }: Props) {
  return (
    <section class="output" part="output" aria-labelledby="output-heading">
      <h3 id="output-heading" ref={headingRef} tabIndex={-1}>
        {strings.resultHeading}
      </h3>
      {state.name === 'generating' ? (
        <Progress strings={strings} ratio={ratio} startedAt={state.startedAt} progress={state.progress} queued={state.queued} now={now} onCancel={onCancel} cancelRef={cancelRef} />
      ) : state.name === 'done' ? (
        <Result strings={strings} picture={state.picture} onReuse={onReuse} onCopy={onCopy} copyFailed={copyFailed} />
      ) : (
        <>
          {state.name === 'error' && <ProblemView strings={strings} problem={state.problem} onRetry={onRetry} now={now} />}
          <div class="stage placeholder" style={ratioStyle(ratio)}>
            {strings.placeholder}
          </div>
        </>
      )}
    </section>
  );
}

interface ProgressProps {
  strings: Strings;
  ratio: number;
  startedAt: number;
  progress: GenerateProgress | undefined;
  /** Place in the server's queue, while waiting. */
  queued: number | undefined;
  now: number;
  onCancel: () => void;
  cancelRef: Ref<HTMLButtonElement>;
}

function Progress({ strings, ratio, startedAt, progress, queued, now, onCancel, cancelRef }: ProgressProps) {
  const elapsed = strings.elapsed(Math.max(0, Math.floor((now - startedAt) / 1000)));
  const percent = progress?.percent;
  return (
    <div class="progress" part="progress">
      <div class="stage busy" style={ratioStyle(ratio)} />
      <div class="progress-line">
        <span class="progress-status">{queued === undefined ? strings.generating : strings.queued(queued)}</span>
        <span class="counter">{percent === undefined ? elapsed : `${percent}% · ${elapsed}`}</span>
      </div>
      <div
        class={percent === undefined ? 'bar indeterminate' : 'bar'}
        role="progressbar"
        aria-label={strings.progressLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={percent === undefined ? elapsed : `${percent}%`}
      >
        <span style={percent === undefined ? undefined : { width: `${percent}%` }} />
      </div>
      <button type="button" class="button" ref={cancelRef} onClick={onCancel} part="cancel">
        {strings.cancel}
      </button>
    </div>
  );
}

interface ResultProps {
  strings: Strings;
  picture: Picture;
  onReuse: (picture: Picture) => void;
  onCopy: (picture: Picture) => void;
  copyFailed: boolean;
}

function Result({ strings, picture, onReuse, onCopy, copyFailed }: ResultProps) {
  return (
    <figure class="result" part="result">
      <div class="frame" style={ratioStyle(picture.width / picture.height)}>
        <img src={picture.image} width={picture.width} height={picture.height} alt={strings.resultAlt(picture.prompt)} part="result-image" />
        {picture.preview && (
          <span class="badge" part="badge" title={strings.previewNote}>
            {strings.previewBadge}
          </span>
        )}
      </div>
      <figcaption class="hint">
        {picture.width} × {picture.height} · {strings.seedUsed(picture.seed)}
      </figcaption>
      {picture.preview && <p class="hint">{strings.previewNote}</p>}
      <div class="actions">
        <a class="button soft" href={picture.image} download={fileName(picture)} part="download">
          <Icon name="download" />
          {strings.download}
        </a>
        <button type="button" class="button" onClick={() => onCopy(picture)}>
          {strings.copy}
        </button>
        <button type="button" class="button" onClick={() => onReuse(picture)}>
          <Icon name="reuse" />
          {strings.reuse}
        </button>
      </div>
      {copyFailed && (
        <p class="inline-alert" role="alert">
          {strings.copyFailed}
        </p>
      )}
    </figure>
  );
}

function ProblemView({ strings, problem, onRetry, now }: { strings: Strings; problem: Problem; onRetry: () => void; now: number }) {
  const wait = problem.retryAt === undefined ? 0 : Math.ceil((problem.retryAt - now) / 1000);
  return (
    <div class="problem" part="error">
      <p role="alert">{problem.detail ?? strings.problems[problem.kind]}</p>
      {wait > 0 ? (
        // Outside the alert: a countdown read out every second would drown everything else.
        <p class="countdown">{strings.waitFor(strings.duration(wait))}</p>
      ) : (
        problem.stage === 'captcha' && (
          <button type="button" class="button" onClick={onRetry}>
            {strings.retry}
          </button>
        )
      )}
    </div>
  );
}

/** Set through the CSSOM (not a style attribute), which a strict style-src CSP allows. */
function ratioStyle(ratio: number) {
  return { '--ratio': String(ratio) };
}
