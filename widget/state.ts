import type { CaptchaResponse, GenerateProgress } from '../sdk/types.js';
import type { Problem } from './problems.js';

/** A generated image with what made it; the shape kept in history. Never holds the captcha answer. */
export interface Picture {
  id: string;
  /** `data:` URL: full size in the result view, re-compressed in history. */
  image: string;
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  seed: number;
  /** Made by the offline preview provider: a picture, not AI. */
  preview: boolean;
  /** Epoch ms. */
  createdAt: number;
}

/**
 * The widget's one state. A spent captcha is replaced at once, so `done` and `error` also hold
 * the next challenge (`undefined` while it loads, or when it could not be loaded).
 */
export type State =
  | { name: 'idle' }
  | { name: 'loading-captcha' }
  | { name: 'ready'; challenge: CaptchaResponse }
  | { name: 'generating'; startedAt: number; progress?: GenerateProgress; queued?: number }
  | { name: 'done'; picture: Picture; challenge?: CaptchaResponse }
  | { name: 'error'; problem: Problem; challenge?: CaptchaResponse; loading: boolean };

export type StateName = State['name'];

export type Action =
  | { type: 'restart' }
  | { type: 'captcha-requested' }
  | { type: 'captcha-loaded'; challenge: CaptchaResponse }
  | { type: 'captcha-failed'; problem: Problem }
  | { type: 'generate-started'; at: number }
  | { type: 'queued'; position: number }
  | { type: 'progress'; progress: GenerateProgress }
  | { type: 'generated'; picture: Picture }
  | { type: 'generate-failed'; problem: Problem }
  | { type: 'cancelled' }
  | { type: 'wait-over' };

export const initialState: State = { name: 'idle' };

/** Pure transitions; anything not listed for a state leaves it unchanged (e.g. a late answer). */
export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'restart':
      return initialState;
    case 'captcha-requested':
      if (state.name === 'done') return { name: 'done', picture: state.picture };
      if (state.name === 'error') return { name: 'error', problem: state.problem, loading: true };
      return state.name === 'generating' ? state : { name: 'loading-captcha' };
    case 'captcha-loaded':
      if (state.name === 'loading-captcha') return { name: 'ready', challenge: action.challenge };
      if (state.name === 'done') return { ...state, challenge: action.challenge };
      if (state.name !== 'error') return state;
      // A captcha that loads settles a captcha problem; a failed generation stays explained.
      return state.problem.stage === 'captcha' ? { name: 'ready', challenge: action.challenge } : { ...state, challenge: action.challenge, loading: false };
    case 'captcha-failed':
      return state.name === 'generating' ? state : { name: 'error', problem: action.problem, loading: false };
    case 'generate-started':
      return challengeOf(state) ? { name: 'generating', startedAt: action.at } : state;
    case 'queued':
      return state.name === 'generating' && !state.progress ? { ...state, queued: action.position } : state;
    case 'progress':
      // Progress means the generation started: the place in line is over.
      return state.name === 'generating' ? { ...state, progress: action.progress, queued: undefined } : state;
    case 'generated':
      return state.name === 'generating' ? { name: 'done', picture: action.picture } : state;
    case 'generate-failed':
      return state.name === 'generating' ? { name: 'error', problem: action.problem, loading: false } : state;
    case 'cancelled':
      return state.name === 'generating' ? { name: 'loading-captcha' } : state;
    case 'wait-over':
      if (state.name !== 'error') return state;
      return state.challenge ? { name: 'ready', challenge: state.challenge } : { name: 'loading-captcha' };
  }
}

/** The challenge the visitor can answer now, if any. */
export function challengeOf(state: State): CaptchaResponse | undefined {
  return state.name === 'ready' || state.name === 'done' || state.name === 'error' ? state.challenge : undefined;
}

export function isCaptchaLoading(state: State): boolean {
  return state.name === 'loading-captcha' || (state.name === 'done' && !state.challenge) || (state.name === 'error' && state.loading);
}
