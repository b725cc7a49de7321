import { isConnectionError } from '../sdk/errors.js';
import { captcha } from '../sdk/requests.js';
import { createTransport, type Transport } from '../sdk/transport.js';
import type { Emit, WidgetEvents } from './events.js';
import { problemOf, type Problem } from './problems.js';
import { initialState, reduce, type Action, type Picture, type State } from './state.js';
import type { Strings } from './i18n.js';
import { loadOnDemand } from './on-demand-loader.js';

/** What the visitor asked for; the captcha answer travels separately and is never emitted. */
export type ImageRequest = WidgetEvents['imageka:generate'];

export interface ControllerHost {
  strings: Strings;
  /** Whether the widget shows dark now, so the captcha is drawn to match (read once per captcha). */
  dark: () => boolean;
  emit: Emit;
  announce: (text: string) => void;
  /** A new picture, to keep in history. */
  onPicture: (picture: Picture) => void;
  /** The state changed: render it. */
  onState: (state: State) => void;
}

/**
 * The widget's requests and their effect on its state, for one API address; every request goes
 * through the SDK (its request functions over one transport, so the bundle carries only the
 * calls the widget makes). Plain class rather than hooks: the component only renders `state`.
 */
export class Controller {
  state: State = initialState;
  readonly client: Transport | undefined;
  /** Read on every use, so the host's latest strings and callbacks apply. */
  readonly #host: () => ControllerHost;
  #captchaCall: AbortController | undefined;
  #generateCall: AbortController | undefined;
  #readyAnnounced = false;
  #waitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: string, host: () => ControllerHost) {
    this.client = makeClient(api);
    this.#host = host;
  }

  /** Starts over with this API's captcha. */
  start(): void {
    this.#dispatch({ type: 'restart' });
    this.loadCaptcha();
  }

  /** The widget goes away: nothing is reported or reloaded after this. */
  stop(): void {
    this.#captchaCall?.abort(UNMOUNT);
    this.#generateCall?.abort(UNMOUNT);
    this.client?.proof.abort();
    clearTimeout(this.#waitTimer);
  }

  /** Tells the host about a problem met outside the main flow (the audio captcha). */
  report = (problem: Problem): void => {
    const { strings, emit } = this.#host();
    const message = problem.detail ?? strings.problems[problem.kind];
    const retryAfter = problem.retryAt === undefined ? undefined : Math.ceil((problem.retryAt - Date.now()) / 1000);
    emit('imageka:error', { stage: problem.stage, code: problem.code, message, ...(retryAfter === undefined ? {} : { retryAfter }) });
  };

  loadCaptcha = (): void => {
    const { client } = this;
    this.#captchaCall?.abort();
    if (!client) return this.#fail({ kind: 'config', stage: 'captcha', code: 'invalid_api' }, 'captcha-failed');
    const call = (this.#captchaCall = new AbortController());
    this.#dispatch({ type: 'captcha-requested' });
    captcha(client, { signal: call.signal, ...(this.#host().dark() ? { theme: 'dark' as const } : {}) }).then(
      (challenge) => {
        if (call.signal.aborted) return;
        this.#dispatch({ type: 'captcha-loaded', challenge });
        if (!this.#readyAnnounced) {
          this.#readyAnnounced = true;
          this.#host().emit('imageka:ready', { api: client.baseUrl });
        }
      },
      (error: unknown) => {
        if (call.signal.aborted) return;
        // Only an unreachable API hints at the setup: a 429 or 503 is the API answering, CORS included.
        if (isConnectionError(error)) {
          console.warn(`[imageka] Could not load a captcha from ${client.baseUrl}. Check the widget's api attribute and that the API allows this page's origin.`);
        }
        this.#fail(problemOf(error, 'captcha'), 'captcha-failed');
      },
    );
  };

  generate(request: ImageRequest, answer: string): void {
    const { client } = this;
    if (!client || this.#generateCall) return;
    const call = (this.#generateCall = new AbortController());
    const host = this.#host;
    this.#dispatch({ type: 'generate-started', at: Date.now() });
    host().emit('imageka:generate', request);
    host().announce(host().strings.status.generating);
    loadOnDemand()
      .then(({ runGeneration }) =>
        runGeneration(client, { ...request, captcha: answer }, call.signal, {
          dispatch: (action) => this.#dispatch(action),
          host,
          fail: (problem) => this.#fail(problem, 'generate-failed'),
        }),
      )
      .catch((error: unknown) => isUnmount(call.signal) || this.#fail(problemOf(error, 'generate'), 'generate-failed'))
      .finally(() => {
        this.#generateCall = undefined;
        // The answer is spent whatever happened: the next attempt needs a new challenge.
        if (!isUnmount(call.signal)) this.loadCaptcha();
      });
  }

  cancel = (): void => this.#generateCall?.abort();

  #fail(problem: Problem, type: 'captcha-failed' | 'generate-failed'): void {
    this.#dispatch({ type, problem });
    this.report(problem);
  }

  #dispatch(action: Action): void {
    const before = this.state;
    const state = (this.state = reduce(before, action));
    if (state === before) return;
    // When a wait the API asked for is over, the visitor may try again.
    const retryAt = state.name === 'error' ? state.problem.retryAt : undefined;
    if (retryAt !== (before.name === 'error' ? before.problem.retryAt : undefined)) {
      clearTimeout(this.#waitTimer);
      if (retryAt !== undefined) this.#waitTimer = setTimeout(this.#waitOver, Math.max(0, retryAt - Date.now()));
    }
    this.#host().onState(state);
  }

  #waitOver = (): void => {
    const now = this.state;
    this.#dispatch({ type: 'wait-over' });
    if (now.name === 'error' && !now.challenge && !now.loading) this.loadCaptcha();
  };
}

/** The abort reason when the widget goes away: nothing is reported or reloaded then. */
const UNMOUNT = new Error('unmounted');
export const isUnmount = (signal: AbortSignal) => signal.reason === UNMOUNT;

function makeClient(api: string): Transport | undefined {
  try {
    return createTransport({ baseUrl: api });
  } catch (error) {
    console.error(`[imageka] The api attribute "${api}" is not usable: ${(error as Error).message}`);
    return undefined;
  }
}
