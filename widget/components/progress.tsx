/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import type { GenerateProgress } from '../../sdk/types.js';
import type { Strings } from '../i18n.js';
import { ratioStyle } from './ratio.js';

interface Props {
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

/** What is being made: place in line or progress, time so far and the usual wait, and Cancel. */
export function Progress({ strings, ratio, startedAt, progress, queued, now, onCancel, cancelRef }: Props) {
  const typical = progress?.typicalMs;
  const elapsed = strings.duration(Math.max(0, Math.floor((now - startedAt) / 1000))) + (typical ? ` · ${strings.typical(Math.max(1, Math.round(typical / 1000)))}` : '');
  const percent = progress?.percent;
  return (
    <div class="progress" part="progress">
      <div class="stage busy" style={ratioStyle(ratio)} />
      <div class="progress-line">
        <span class="progress-status">{queued === undefined ? strings.generating : strings.queued(queued)}</span>
        <span class="counter">{percent === undefined ? elapsed : `${strings.percent(percent)} · ${elapsed}`}</span>
      </div>
      <div
        class={percent === undefined ? 'bar indeterminate' : 'bar'}
        role="progressbar"
        aria-label={strings.progressLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={percent === undefined ? elapsed : strings.percent(percent)}
      >
        <span style={percent === undefined ? undefined : { width: `${percent}%` }} />
      </div>
      <button type="button" class="button" ref={cancelRef} onClick={onCancel} part="cancel">
        {strings.cancel}
      </button>
    </div>
  );
}
