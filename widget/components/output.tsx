/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h, type ComponentChildren, type Ref } from 'preact';
import type { GenerateProgress } from '../../sdk/types.js';
import { fileName } from '../image.js';
import type { Picture, State } from '../state.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  state: State;
  strings: Strings;
  /** The last image made, kept on screen whatever happens after it (an error, a new captcha). */
  picture: Picture | undefined;
  /** Width ÷ height of the picture being asked for, for the placeholder. */
  ratio: number;
  onCancel: () => void;
  actions: Omit<ActionsProps, 'strings' | 'picture'>;
  /** `Date.now()`, ticking each second while there is time to show. */
  now: number;
  headingRef: Ref<HTMLHeadingElement>;
  cancelRef: Ref<HTMLButtonElement>;
}

/** The right-hand side: what is being made, or the last image made. Problems show beside their controls. */
export function Output({ state, strings, picture, ratio, onCancel, actions, now, headingRef, cancelRef }: Props) {
  return (
    <section class="output" part="output" aria-labelledby="output-heading">
      <h3 id="output-heading" ref={headingRef} tabIndex={-1}>
        {strings.resultHeading}
      </h3>
      {state.name === 'generating' ? (
        <Progress strings={strings} ratio={ratio} startedAt={state.startedAt} progress={state.progress} now={now} onCancel={onCancel} cancelRef={cancelRef} />
      ) : picture ? (
        <Result strings={strings} picture={picture} actions={actions} />
      ) : (
        <div class="stage placeholder" style={ratioStyle(ratio)}>
          {strings.placeholder}
        </div>
      )}
    </section>
  );
}

interface ProgressProps {
  strings: Strings;
  ratio: number;
  startedAt: number;
  progress: GenerateProgress | undefined;
  now: number;
  onCancel: () => void;
  cancelRef: Ref<HTMLButtonElement>;
}

function Progress({ strings, ratio, startedAt, progress, now, onCancel, cancelRef }: ProgressProps) {
  const typical = progress?.typicalMs;
  const elapsed = strings.elapsed(Math.max(0, Math.floor((now - startedAt) / 1000))) + (typical ? ` · ${strings.typical(Math.max(1, Math.round(typical / 1000)))}` : '');
  const percent = progress?.percent;
  return (
    <div class="progress" part="progress">
      <div class="stage busy" style={ratioStyle(ratio)} />
      <div class="progress-line">
        <span>{strings.generating}</span>
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

export interface ActionsProps {
  strings: Strings;
  picture: Picture;
  onReuse: (picture: Picture) => void;
  onCopy: (picture: Picture) => void;
  /** The picture whose copy to the clipboard failed. */
  copyFailed: Picture | undefined;
  children?: ComponentChildren;
}

function Result({ strings, picture, actions }: { strings: Strings; picture: Picture; actions: Props['actions'] }) {
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
      <PictureActions strings={strings} picture={picture} {...actions} />
    </figure>
  );
}

/** Download, Copy and Reuse for a picture, here and in the history view (which adds Delete). */
export function PictureActions({ strings, picture, onReuse, onCopy, copyFailed, children }: ActionsProps) {
  return (
    <>
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
        {children}
      </div>
      {copyFailed === picture && (
        <p class="inline-alert" role="alert">
          {strings.copyFailed}
        </p>
      )}
    </>
  );
}

/** Set through the CSSOM (not a style attribute), which a strict style-src CSP allows. */
function ratioStyle(ratio: number) {
  return { '--ratio': String(ratio) };
}
