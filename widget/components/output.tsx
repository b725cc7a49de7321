/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import type { Strings } from '../i18n.js';
import type { OnDemand } from '../on-demand-loader.js';
import type { Picture, State } from '../state.js';
import { ratioStyle } from './ratio.js';
import type { Actions } from './result.js';

interface Props {
  state: State;
  strings: Strings;
  /** The last image made, kept on screen whatever happens after it (an error, a new captcha). */
  picture: Picture | undefined;
  /** Width ÷ height of the picture being asked for, for the placeholder. */
  ratio: number;
  onCancel: () => void;
  actions: Actions;
  /** `Date.now()`, ticking each second while there is time to show. */
  now: number;
  headingRef: Ref<HTMLHeadingElement>;
  cancelRef: Ref<HTMLButtonElement>;
  /** The progress and result views, once loaded (a generation loads them before it starts). */
  parts: OnDemand | undefined;
}

/** The right-hand side: what is being made, or the last image made. Problems show beside their controls. */
export function Output({ state, strings, picture, ratio, onCancel, actions, now, headingRef, cancelRef, parts }: Props) {
  const generating = state.name === 'generating';
  return (
    <section class="output" part="output" aria-labelledby="output-heading">
      <h3 id="output-heading" ref={headingRef} tabIndex={-1}>
        {strings.resultHeading}
      </h3>
      {generating && parts ? (
        <parts.Progress strings={strings} ratio={ratio} startedAt={state.startedAt} progress={state.progress} queued={state.queued} now={now} onCancel={onCancel} cancelRef={cancelRef} />
      ) : picture && parts && !generating ? (
        <parts.Result strings={strings} picture={picture} actions={actions} />
      ) : (
        <div class={generating ? 'stage busy' : 'stage placeholder'} style={ratioStyle(ratio)}>
          {generating ? '' : strings.placeholder}
        </div>
      )}
    </section>
  );
}
