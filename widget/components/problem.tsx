/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h } from 'preact';
import type { Problem } from '../problems.js';
import type { Strings } from '../i18n.js';

interface Props {
  strings: Strings;
  problem: Problem;
  /** `Date.now()`, ticking each second while there is a wait to show. */
  now: number;
  onRetry: () => void;
}

/** A problem's message, announced as it appears, with the wait the API asked for. */
export function ProblemView({ strings, problem, now, onRetry }: Props) {
  const wait = problem.retryAt === undefined ? 0 : Math.ceil((problem.retryAt - now) / 1000);
  return (
    <div class="problem" part="error">
      <p role="alert">{problem.detail ?? strings.problems[problem.kind]}</p>
      {wait > 0 ? (
        // Outside the alert: a countdown read out every second would drown everything else.
        <p class="countdown">{strings.waitFor(wait)}</p>
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
