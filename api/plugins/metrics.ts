import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Boom from '@hapi/boom';
import type { Plugin, Server } from '@hapi/hapi';
import Joi from 'joi';
import { ServiceMetrics } from '../metrics.js';

const PLUGIN = 'imageka-metrics';

export interface MetricsPluginOptions {
  /** Where `GET /metrics` listens: its own port and interface, never the public one. false: no listener. */
  listen: { port: number; host: string } | false;
  /** Whether the shared store answers (only with Redis). */
  redisUp?: () => Promise<boolean> | boolean;
}

const optionsSchema = Joi.object<MetricsPluginOptions>({
  listen: Joi.alternatives(Joi.object({ port: Joi.number().port().required(), host: Joi.string().required() }), Joi.valid(false)).required(),
  redisUp: Joi.function(),
});

export interface MetricsProperties {
  /** What other plugins feed; always present, so they need no "is it on?" checks. */
  metrics: ServiceMetrics;
  /** `http://host:port/metrics` once the server started with a listener, else undefined. */
  url(): string | undefined;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: MetricsProperties;
  }
}

/** Registered before the others, which feed it; serves the Prometheus text on a separate listener. */
export const metricsPlugin: Plugin<MetricsPluginOptions> = {
  name: PLUGIN,
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const metrics = new ServiceMetrics({ processMetrics: options.listen !== false });
    if (options.redisUp) metrics.observe('redisUp', options.redisUp);

    // Every 429 rate_limited, whichever limit sent it (hapi-rate-limit's or the generation counter).
    server.events.on('response', (request) => {
      const { response } = request;
      if (!response) return;
      const [status, payload] = Boom.isBoom(response) ? [response.output.statusCode, response.output.payload] : [response.statusCode, response.source];
      if (status === 429 && (payload as { code?: unknown } | null)?.code === 'rate_limited') metrics.rateLimited(request.route.path);
    });

    let listener: http.Server | undefined;
    server.expose('metrics', metrics);
    server.expose('url', () => {
      const address = listener?.address() as AddressInfo | null | undefined;
      if (!address || !options.listen) return undefined;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}/metrics`;
    });
    if (!options.listen) return;
    const { port, host } = options.listen;

    server.ext('onPostStart', async () => {
      listener = http.createServer((req, res) => {
        if (req.method !== 'GET' || req.url !== '/metrics') return res.writeHead(404).end();
        metrics.scrape().then(
          (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text),
          () => res.writeHead(500).end(),
        );
      });
      await new Promise<void>((resolve, reject) => {
        listener!.once('error', reject);
        listener!.listen(port, host, resolve);
      });
    });
    server.ext('onPostStop', async () => {
      const closing = listener;
      listener = undefined;
      if (!closing) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    });
  },
};
