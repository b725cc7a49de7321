import { isAbortError } from '../sdk/errors.js';
import { generate } from '../sdk/generate.js';
import type { Transport } from '../sdk/transport.js';
import type { GenerateRequest } from '../sdk/types.js';
import { isUnmount, type ControllerHost } from './controller.js';
import { problemOf, type Problem } from './problems.js';
import type { Action, Picture } from './state.js';

/** What a generation may do to the controller that started it. */
export interface GenerationHooks {
  dispatch: (action: Action) => void;
  host: () => ControllerHost;
  fail: (problem: Problem) => void;
}

/**
 * One generation through the SDK's progress stream, and its outcome told to the widget: the
 * picture, a cancel, or the problem. Loaded on demand; the controller starts it and reloads
 * the captcha after it, whatever happened. Nothing is told once the widget went away.
 */
export async function runGeneration(client: Transport, request: GenerateRequest, signal: AbortSignal, { dispatch, host, fail }: GenerationHooks): Promise<void> {
  const { captcha: _answer, ...asked } = request;
  try {
    const response = await generate(client, request, {
      signal,
      onQueued: ({ position }) => dispatch({ type: 'queued', position }),
      onProgress: (progress) => dispatch({ type: 'progress', progress }),
    });
    // A Cancel pressed as the image arrived is too late to matter: the image is shown.
    if (isUnmount(signal)) return;
    const { image, width, height, seed, provider } = response;
    const picture: Picture = {
      id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      image,
      prompt: asked.prompt,
      ...(asked.negativePrompt ? { negativePrompt: asked.negativePrompt } : {}),
      width,
      height,
      seed,
      preview: provider.preview,
      createdAt: Date.now(),
    };
    dispatch({ type: 'generated', picture });
    host().announce(host().strings.status.done);
    host().emit('imageka:image', { ...asked, image, width, height, seed, provider });
    host().onPicture(picture);
  } catch (error) {
    if (isUnmount(signal)) return;
    if (isAbortError(error) && signal.aborted) {
      dispatch({ type: 'cancelled' });
      host().announce(host().strings.status.cancelled);
      host().emit('imageka:cancel', {});
    } else {
      fail(problemOf(error, 'generate'));
    }
  }
}
