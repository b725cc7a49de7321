import type { Plugin, Server } from '@hapi/hapi';
import Joi from 'joi';
import type { HealthResponse, ProviderInfo } from '../../sdk/types.js';
import { ROUTE_SUMMARIES } from '../route-summaries.js';

export interface HealthPluginOptions {
  provider: ProviderInfo;
  store: HealthResponse['store'];
  /** Whether the shared store answers; load balancers take an instance out while it does not. */
  isReady: () => Promise<boolean> | boolean;
}

const optionsSchema = Joi.object<HealthPluginOptions>({
  provider: Joi.object({ name: Joi.string().required(), preview: Joi.boolean().required() }).required(),
  store: Joi.string().valid('memory', 'redis').required(),
  isReady: Joi.function().required(),
});

export const healthPlugin: Plugin<HealthPluginOptions> = {
  name: 'imageka-health',
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, 'Invalid "imageka-health" options');
    // Liveness: the process answers. It touches nothing shared, so an orchestrator never restarts
    // an instance because Redis is away (readiness takes it out of rotation instead).
    server.route({
      method: 'GET',
      path: '/api/v1/health/live',
      options: { cors: true, description: ROUTE_SUMMARIES.live },
      handler: (_request, h) => h.response({ status: 'ok' }),
    });
    server.route({
      method: 'GET',
      path: '/api/v1/health',
      options: { cors: true, description: ROUTE_SUMMARIES.health },
      async handler(_request, h) {
        const ready = await Promise.resolve(options.isReady()).catch(() => false);
        const body: HealthResponse = {
          status: ready ? 'ok' : 'unavailable',
          ready,
          provider: { name: options.provider.name, preview: options.provider.preview },
          store: options.store,
        };
        return h.response(body).code(ready ? 200 : 503);
      },
    });
  },
};
