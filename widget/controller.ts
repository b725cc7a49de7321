import { useEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { Imageka, isAbortError } from '../sdk/index.js';
import type { Emit, WidgetEvents } from './events.js';
import { problemOf, type Problem } from './problems.js';
import { initialState, reduce, type Picture, type State } from './state.js';
import type { Strings } from './strings.js';

/** What the visitor asked for; the captcha answer travels separately and is never emitted. */
export type ImageRequest = WidgetEvents['imageka:generate'];

export interface ControllerOptions {
  api: string;
  strings: Strings;
  emit: Emit;
  announce: (text: string) => void;
  /** A new picture, to keep in history. */
  onPicture: (picture: Picture) => void;
}

export interface Controller {
  state: State;
  client: Imageka | undefined;
  loadCaptcha: () => void;
  generate: (request: ImageRequest, answer: string) => void;
  cancel: () => void;
  /** Tells the host about a problem met outside the main flow (the audio captcha). */
  report: (problem: Problem) => void;
}

/** The widget's requests and their effect on its state; every request goes through the SDK. */
export function useController(options: ControllerOptions): Controller {
  const [state, dispatch] = useReducer(reduce, initialState);
  const latest = useRef(options);
  latest.current = options;
  const client = useMemo(() => makeClient(options.api), [options.api]);
  const current = useRef(state);
  current.current = state;
  const captchaCall = useRef<AbortController | undefined>(undefined);
  const generateCall = useRef<AbortController | undefined>(undefined);
  const readyAnnounced = useRef(false);

  const report = (problem: Problem) => {
    const { strings, emit } = latest.current;
    const message = problem.detail ?? strings.problems[problem.kind];
    const retryAfter = problem.retryAt === undefined ? undefined : Math.ceil((problem.retryAt - Date.now()) / 1000);
    emit('imageka:error', { stage: problem.stage, code: problem.code, message, ...(retryAfter === undefined ? {} : { retryAfter }) });
  };

  const fail = (problem: Problem, type: 'captcha-failed' | 'generate-failed') => {
    dispatch({ type, problem });
    report(problem);
  };

  const loadCaptcha = () => {
    captchaCall.current?.abort();
    if (!client) return fail({ kind: 'config', stage: 'captcha', code: 'invalid_api' }, 'captcha-failed');
    const call = (captchaCall.current = new AbortController());
    dispatch({ type: 'captcha-requested' });
    client.captcha({ signal: call.signal }).then(
      (challenge) => {
        if (call.signal.aborted) return;
        dispatch({ type: 'captcha-loaded', challenge });
        if (!readyAnnounced.current) {
          readyAnnounced.current = true;
          latest.current.emit('imageka:ready', { api: client.baseUrl });
        }
      },
      (error: unknown) => {
        if (call.signal.aborted) return;
        if (!isAbortError(error)) {
          console.warn(`[imageka] Could not load a captcha from ${client.baseUrl}. Check the widget's api attribute and that the API allows this page's origin.`);
        }
        fail(problemOf(error, 'captcha'), 'captcha-failed');
      },
    );
  };

  const generate = (request: ImageRequest, answer: string) => {
    if (!client || generateCall.current) return;
    const call = (generateCall.current = new AbortController());
    const { emit, strings, announce } = latest.current;
    dispatch({ type: 'generate-started', at: Date.now() });
    emit('imageka:generate', request);
    announce(strings.status.generating);
    client
      .generate({ ...request, captcha: answer }, { signal: call.signal, onProgress: (progress) => dispatch({ type: 'progress', progress }) })
      .then(
        (response) => {
          // A Cancel pressed as the image arrived is too late to matter: the image is shown.
          if (isUnmount(call.signal)) return;
          const picture: Picture = {
            id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
            image: response.image,
            prompt: request.prompt,
            ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
            width: response.width,
            height: response.height,
            seed: response.seed,
            preview: response.provider.preview,
            createdAt: Date.now(),
          };
          dispatch({ type: 'generated', picture });
          latest.current.announce(latest.current.strings.status.done);
          latest.current.emit('imageka:image', { ...request, image: response.image, width: response.width, height: response.height, seed: response.seed, provider: response.provider });
          latest.current.onPicture(picture);
        },
        (error: unknown) => {
          if (isUnmount(call.signal)) return;
          if (isAbortError(error) && call.signal.aborted) {
            dispatch({ type: 'cancelled' });
            latest.current.announce(latest.current.strings.status.cancelled);
            latest.current.emit('imageka:cancel', {});
          } else {
            fail(problemOf(error, 'generate'), 'generate-failed');
          }
        },
      )
      .finally(() => {
        generateCall.current = undefined;
        // The answer is spent whatever happened: the next attempt needs a new challenge.
        if (!isUnmount(call.signal)) loadCaptcha();
      });
  };

  const cancel = () => generateCall.current?.abort();

  // A new API address means a new client and session: start over with its captcha.
  useEffect(() => {
    readyAnnounced.current = false;
    dispatch({ type: 'restart' });
    loadCaptcha();
    return () => {
      captchaCall.current?.abort(UNMOUNT);
      generateCall.current?.abort(UNMOUNT);
    };
  }, [client]);

  // When a wait the API asked for is over, the visitor may try again.
  const retryAt = state.name === 'error' ? state.problem.retryAt : undefined;
  useEffect(() => {
    if (retryAt === undefined) return;
    const timer = setTimeout(() => {
      const { current: now } = current;
      dispatch({ type: 'wait-over' });
      if (now.name === 'error' && !now.challenge && !now.loading) loadCaptcha();
    }, Math.max(0, retryAt - Date.now()));
    return () => clearTimeout(timer);
  }, [retryAt]);

  return { state, client, loadCaptcha, generate, cancel, report };
}

/** The abort reason when the widget goes away: nothing is reported or reloaded then. */
const UNMOUNT = new Error('unmounted');
const isUnmount = (signal: AbortSignal) => signal.reason === UNMOUNT;

function makeClient(api: string): Imageka | undefined {
  try {
    return new Imageka({ baseUrl: api });
  } catch (error) {
    console.error(`[imageka] The api attribute "${api}" is not usable: ${(error as Error).message}`);
    return undefined;
  }
}
