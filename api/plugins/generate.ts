import { randomInt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Boom from '@hapi/boom';
import type { Lifecycle, Plugin, Request, ResponseToolkit, Server } from '@hapi/hapi';
import Joi from 'joi';
import {
  DEFAULT_ASPECT_RATIO,
  IMAGE_SIZES,
  SEED_MAX,
  type GenerateProgress,
  type GenerateRequest,
  type GenerateResponse,
} from '../../sdk/types.js';
import { headerText } from '../client-address.js';
import { apiError, codeOf, setCode } from '../errors.js';
import { GenerationGate } from '../generation/gate.js';
import { describeFailure, providerFailureToBoom } from '../generation/outcome.js';
import { describeValidationError, generateRequestSchema } from '../generation/request-schema.js';
import { normalizeImage, type OutputFormat } from '../providers/normalize.js';
import { ProviderError, type ImageProvider } from '../providers/types.js';

const PLUGIN = 'imageka-generate';
const PROGRESS_INTERVAL_MS = 1000;

export interface GeneratePluginOptions {
  provider: ImageProvider;
  outputFormat: OutputFormat;
  maxInFlight: number;
  maxQueued: number;
  /** Upper bound on one generation, on top of the adapter's own timeout. */
  timeoutMs: number;
  /** Largest accepted request body. */
  maxBodyBytes: number;
}

const optionsSchema = Joi.object<GeneratePluginOptions>({
  provider: Joi.object({ name: Joi.string().required(), preview: Joi.boolean().required(), generate: Joi.function().required() })
    .unknown()
    .required(),
  outputFormat: Joi.string().valid('webp', 'png').required(),
  maxInFlight: Joi.number().integer().min(1).required(),
  maxQueued: Joi.number().integer().min(0).required(),
  timeoutMs: Joi.number().integer().min(1).required(),
  maxBodyBytes: Joi.number().integer().min(1024).required(),
});

/** `POST /api/v1/generate`: JSON by default, or a Server-Sent Events stream with progress. */
export const generatePlugin: Plugin<GeneratePluginOptions> = {
  name: PLUGIN,
  dependencies: ['imageka-session', 'imageka-rate-limit', 'imageka-metrics'],
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const gate = new GenerationGate(options.maxInFlight, options.maxQueued);
    const { provider } = options;
    const { metrics } = server.plugins['imageka-metrics'];
    metrics.observe('generations', () => ({ inFlight: gate.inFlight, queued: gate.queued }));

    const produce = async (body: GenerateRequest, disconnected: AbortSignal, onProgress: (percent: number) => void): Promise<GenerateResponse> => {
      const { width, height } = body.width && body.height ? { width: body.width, height: body.height } : IMAGE_SIZES[DEFAULT_ASPECT_RATIO];
      const seed = body.seed ?? randomInt(SEED_MAX + 1);
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([disconnected, deadline]);
      const generated = await untilAborted(
        provider.generate({ prompt: body.prompt, negativePrompt: body.negativePrompt, width, height, seed, signal, onProgress }),
        signal,
      ).catch((error: unknown) => {
        if (deadline.aborted) throw new ProviderError('timeout', `no image within ${options.timeoutMs} ms`);
        throw error;
      });
      const image = await normalizeImage(generated.bytes, { width, height, format: options.outputFormat });
      return {
        image: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`,
        mimeType: image.mimeType,
        width,
        height,
        seed: generated.seed,
        provider: { name: provider.name, preview: provider.preview },
      };
    };

    const handler: Lifecycle.Method = async (request, h) => {
      const body = request.payload as GenerateRequest;
      await server.plugins['imageka-rate-limit'].check(request);
      const slot = gate.enter();
      if (!slot) {
        metrics.generationFinished(provider.name, 'overloaded');
        throw apiError(503, 'overloaded', 'The server is handling as many images as it can. Try again in a few seconds.', { retryAfter: 5 });
      }
      try {
        await server.plugins['imageka-session'].consume(request, body.captcha);
      } catch (error) {
        slot.release();
        throw error;
      }
      // Listening from here on: a visitor who leaves while queued must not cost an upstream call.
      const disconnected = new AbortController();
      // hapi's 'disconnect' fires only while the body is still arriving (Node emits 'aborted' only
      // then); after that, a response closed before it ended is the only sign the visitor left.
      const { res } = request.raw;
      res.once('close', () => {
        if (!res.writableEnded) disconnected.abort();
      });
      const run = async (onProgress: (percent: number) => void) => {
        let started: number | undefined;
        const finished = (outcome: string) => metrics.generationFinished(provider.name, outcome, started === undefined ? undefined : (performance.now() - started) / 1000);
        try {
          await untilAborted(slot.ready, disconnected.signal);
          started = performance.now();
          const result = await produce(body, disconnected.signal, onProgress);
          finished('ok');
          return result;
        } catch (error) {
          // A visitor who left is not a failure; nobody is there to read the answer.
          if (disconnected.signal.aborted) {
            finished('client_closed');
            throw new Boom.Boom('Client closed the request', { statusCode: 499 });
          }
          request.log(['generate', 'error'], describeFailure(error));
          const boom = providerFailureToBoom(error);
          finished(codeOf(boom) ?? 'internal_error');
          throw boom;
        } finally {
          slot.release();
        }
      };
      return wantsEventStream(request) ? streamEvents(h, run) : run(() => {});
    };

    server.route({
      method: 'POST',
      path: '/api/v1/generate',
      options: {
        cors: true,
        description: 'Spend the captcha answer and generate one image',
        plugins: { yar: { skip: false } },
        payload: { allow: 'application/json', maxBytes: options.maxBodyBytes, parse: true, output: 'data' },
        validate: {
          payload: generateRequestSchema,
          failAction: (_request, _h, error) => {
            const { field, missing, message } = describeValidationError(error as Joi.ValidationError | undefined);
            // Only an absent answer is "missing"; a malformed one is an invalid request like any other field.
            const missingCaptcha = field === 'captcha' && missing;
            return apiError(400, missingCaptcha ? 'captcha_missing' : 'invalid_request', missingCaptcha ? 'Send the captcha answer with the prompt.' : message);
          },
        },
        handler,
      },
    });
  },
};

function wantsEventStream(request: Request): boolean {
  return headerText(request, 'accept').includes('text/event-stream');
}

/** Settles with `work`, or rejects as soon as `signal` aborts even if `work` ignores it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Keeps no job state after the request: progress, then exactly one `result` or `error` event,
 * all on the one response. Errors before the stream opens are ordinary HTTP errors.
 */
function streamEvents(h: ResponseToolkit, run: (onProgress: (percent: number) => void) => Promise<GenerateResponse>) {
  const stream = new PassThrough();
  const started = Date.now();
  let percent: number | undefined;
  const send = (event: string, data: unknown) => {
    if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const progress = () => send('progress', { elapsedMs: Date.now() - started, ...(percent === undefined ? {} : { percent }) } satisfies GenerateProgress);
  const timer = setInterval(progress, PROGRESS_INTERVAL_MS);
  progress();
  run((value) => {
    percent = Math.max(0, Math.min(100, Math.round(value)));
    progress();
  })
    .then((result) => send('result', result))
    .catch((error: unknown) => {
      const boom = Boom.isBoom(error) ? error : Boom.badImplementation();
      if (!Boom.isBoom(error)) setCode(boom, 'internal_error');
      send('error', boom.output.payload);
    })
    .finally(() => {
      clearInterval(timer);
      stream.end();
    });
  return h.response(stream).type('text/event-stream').header('X-Accel-Buffering', 'no').compressed('identity');
}
