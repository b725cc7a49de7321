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
  type GenerateQueued,
  type GenerateRequest,
  type GenerateResponse,
} from '../../sdk/types.js';
import { headerText } from '../client-address.js';
import { apiError, codeOf, setCode } from '../errors.js';
import { GenerationGate, type Slot } from '../generation/gate.js';
import { TypicalDuration } from '../generation/typical-duration.js';
import { describeFailure, providerFailureToBoom } from '../generation/outcome.js';
import { describeValidationError, generateRequestSchema } from '../generation/request-schema.js';
import { normalizeImage, type OutputFormat } from '../generation/normalize.js';
import { UpstreamError, type ImageProvider } from '../providers/types.js';
import { clientKey } from './rate-limit.js';
import { ROUTE_SUMMARIES } from '../route-summaries.js';

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

/** Read by metrics: this instance's generations now. */
export interface GenerationLoad {
  inFlight(): number;
  queued(): number;
  /** How full this instance is, for the proof of work's difficulty. */
  queue(): QueueReading;
}

/** How many generations this instance holds (running and queued) and can hold. */
export interface QueueReading {
  busy: number;
  capacity: number;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: GenerationLoad;
  }
}

/** `POST /api/v1/generate`: JSON by default, or a Server-Sent Events stream with progress. */
export const generatePlugin: Plugin<GeneratePluginOptions> = {
  name: PLUGIN,
  dependencies: ['imageka-session', 'imageka-rate-limit', 'imageka-capacity', 'imageka-metrics'],
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const gate = new GenerationGate(options.maxInFlight, options.maxQueued);
    const typical = new TypicalDuration();
    const { provider } = options;
    // How full this instance is: the proof of work grows harder as it fills.
    server.expose('queue', (): QueueReading => ({ busy: gate.inFlight + gate.queued, capacity: options.maxInFlight + options.maxQueued }));
    const { metrics } = server.plugins['imageka-metrics'];
    metrics.observe('generations', () => ({ inFlight: gate.inFlight, queued: gate.queued }));

    const produce = async (body: GenerateRequest, disconnected: AbortSignal, onProgress: (percent: number) => void): Promise<GenerateResponse> => {
      const { width, height } = body.width && body.height ? { width: body.width, height: body.height } : IMAGE_SIZES[DEFAULT_ASPECT_RATIO];
      const seed = body.seed ?? randomInt(SEED_MAX + 1);
      const started = Date.now();
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([disconnected, deadline]);
      const generated = await untilAborted(
        provider.generate({ prompt: body.prompt, negativePrompt: body.negativePrompt, width, height, seed, signal, onProgress }),
        signal,
      ).catch((error: unknown) => {
        if (deadline.aborted) throw new UpstreamError('timeout', `no image within ${options.timeoutMs} ms`);
        throw error;
      });
      const image = await normalizeImage(generated.bytes, { width, height, format: options.outputFormat });
      typical.record(Date.now() - started);
      return {
        image: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`,
        mimeType: image.mimeType,
        width,
        height,
        seed: generated.seed,
        provider: { name: provider.name, preview: provider.preview },
      };
    };

    /*
     * The order of the checks is the contract (README, "What the budget counts"): each refusal
     * before the captcha is spent leaves it pending and sends nothing upstream.
     *   validation (hapi, above) → per-client rate limit → per-client in-flight slot and the
     *   budget (capacity) → room on this instance → proof of work → captcha spent → queue → upstream.
     * The budget share taken at admission is given back unless the generation reaches the
     * upstream call: a refused captcha, a full instance or a visitor who leaves the queue costs
     * nothing; a failed upstream call counts.
     */
    const handler: Lifecycle.Method = async (request, h) => {
      const body = request.payload as GenerateRequest;
      await server.plugins['imageka-rate-limit'].check(request);
      const admission = await server.plugins['imageka-capacity'].admit(request).catch((error: unknown) => {
        if (Boom.isBoom(error) && codeOf(error) === 'capacity_reached') metrics.budgetRefused();
        throw error;
      });
      let slot: Slot | null = null;
      try {
        slot = gate.enter(clientKey(request));
        if (!slot) {
          metrics.generationFinished(provider.name, 'overloaded');
          throw apiError(503, 'overloaded', 'The server is handling as many images as it can. Try again in a few seconds.', { retryAfter: 5 });
        }
        await server.plugins['imageka-session'].consume(request, body.captcha, body.pow);
      } catch (error) {
        slot?.release();
        admission.release();
        throw error;
      }
      const admitted = slot;
      // Listening from here on: a visitor who leaves while queued must not cost an upstream call.
      const disconnected = new AbortController();
      // hapi's 'disconnect' fires only while the body is still arriving (Node emits 'aborted' only
      // then); after that, a response closed before it ended is the only sign the visitor left.
      const { res } = request.raw;
      res.once('close', () => {
        if (!res.writableEnded) disconnected.abort();
      });
      const run = async (events: GenerationEvents) => {
        let started: number | undefined;
        const finished = (outcome: string) => metrics.generationFinished(provider.name, outcome, started === undefined ? undefined : (performance.now() - started) / 1000);
        try {
          if (admitted.position > 0) events.queued(admitted.position);
          admitted.onPosition(events.queued);
          await untilAborted(admitted.ready, disconnected.signal);
          admission.start();
          events.started();
          started = performance.now();
          const result = await produce(body, disconnected.signal, events.progress);
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
          admitted.release();
          admission.release();
        }
      };
      return wantsEventStream(request) ? streamEvents(h, run, () => typical.ms) : run(SILENT);
    };

    server.expose('inFlight', () => gate.inFlight);
    server.expose('queued', () => gate.queued);

    server.route({
      method: 'POST',
      path: '/api/v1/generate',
      options: {
        cors: true,
        description: ROUTE_SUMMARIES.generate,
        plugins: { yar: { skip: false } },
        // A body without Content-Type would be read as JSON: a cross-site no-cors fetch could send
        // one without a CORS preflight. Only application/json (any charset parameter) passes.
        payload: { allow: 'application/json', defaultContentType: 'application/octet-stream', maxBytes: options.maxBodyBytes, parse: true, output: 'data' },
        validate: {
          payload: generateRequestSchema,
          failAction: (_request, _h, error) => {
            const { field, missing, message } = describeValidationError(error as Joi.ValidationError | undefined);
            // Only an absent answer is "missing"; a malformed one is an invalid request like any other field.
            if (missing && field === 'captcha') return apiError(400, 'captcha_missing', 'Send the captcha answer with the prompt.');
            return apiError(400, 'invalid_request', message);
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

/** What a generation tells its stream, in this order: queue positions, the start, progress. */
interface GenerationEvents {
  queued(position: number): void;
  started(): void;
  progress(percent: number): void;
}

const SILENT: GenerationEvents = { queued() {}, started() {}, progress() {} };

/**
 * Keeps no job state after the request: `queued` events while waiting for a slot, progress once
 * the generation started, then exactly one `result` or `error` event, all on the one response.
 * Errors before the stream opens are ordinary HTTP errors.
 */
function streamEvents(h: ResponseToolkit, run: (events: GenerationEvents) => Promise<GenerateResponse>, typicalMs: () => number | undefined) {
  const stream = new PassThrough();
  let started: number | undefined;
  let percent: number | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const send = (event: string, data: unknown) => {
    if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const typical = typicalMs();
  const progress = () =>
    send('progress', {
      elapsedMs: Date.now() - started!,
      ...(percent === undefined ? {} : { percent }),
      ...(typical === undefined ? {} : { typicalMs: typical }),
    } satisfies GenerateProgress);
  run({
    queued: (position) => {
      if (started === undefined) send('queued', { position } satisfies GenerateQueued);
    },
    started: () => {
      started = Date.now();
      timer = setInterval(progress, PROGRESS_INTERVAL_MS);
      progress();
    },
    progress: (value) => {
      percent = Math.max(0, Math.min(100, Math.round(value)));
      progress();
    },
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
