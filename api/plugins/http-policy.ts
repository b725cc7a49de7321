import { randomUUID } from 'node:crypto';
import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseObject, Server } from '@hapi/hapi';
import Joi from 'joi';
import { codeOf, defaultCodeFor, setCode } from '../errors.js';

export interface HttpPolicyOptions {
  /** Send HSTS: `auto` when the request arrived over HTTPS (directly or via a trusted proxy). */
  hsts: boolean | 'auto';
  trustedProxies: number;
}

const optionsSchema = Joi.object<HttpPolicyOptions>({
  hsts: Joi.alternatives(Joi.boolean(), Joi.valid('auto')).required(),
  trustedProxies: Joi.number().integer().min(0).required(),
});

/** Content-Security-Policy for anything that is not an HTML page: nothing may load or frame it. */
const LOCKED_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS = 'max-age=63072000; includeSubDomains';

declare module '@hapi/hapi' {
  interface PluginsStates {
    'imageka-http-policy'?: { requestId: string };
  }
}

/**
 * The rules every response follows: security headers, a request id on API answers, no caching of
 * API answers, and error bodies that always carry a stable `code` and never internals.
 */
export const httpPolicyPlugin: Plugin<HttpPolicyOptions> = {
  name: 'imageka-http-policy',
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, 'Invalid "imageka-http-policy" options');

    server.ext('onRequest', (request, h) => {
      request.plugins['imageka-http-policy'] = { requestId: randomUUID() };
      // `Origin: null` is an opaque origin (sandboxed frames, file: pages, some redirects): no site
      // anyone could allow. Without the header hapi's CORS answers it nothing, even with '*'.
      if (request.headers.origin === 'null') delete request.headers.origin;
      return h.continue;
    });

    server.ext('onPreResponse', (request, h) => {
      const { response } = request;
      const headers = Boom.isBoom(response) ? response.output.headers : (response as ResponseObject).headers;
      if (Boom.isBoom(response)) normalizeError(response);
      // hapi keeps header names lower-case; a route that set its own value keeps it.
      const set = (name: string, value: string) => {
        if (headers[name] === undefined) headers[name] = value;
      };
      set('x-content-type-options', 'nosniff');
      set('referrer-policy', 'no-referrer');
      set('cross-origin-opener-policy', 'same-origin');
      set('cross-origin-resource-policy', 'same-origin');
      set('content-security-policy', LOCKED_CSP);
      if (options.hsts === true || (options.hsts === 'auto' && arrivedOverHttps(request, options.trustedProxies))) {
        set('strict-transport-security', HSTS);
      }
      if (request.path.startsWith('/api/')) {
        headers['cache-control'] = 'no-store';
        headers['x-request-id'] = request.plugins['imageka-http-policy']?.requestId ?? '';
      }
      return h.continue;
    });
  },
};

/** Errors hapi raises itself (routing, payload parsing, load limits) get a code and our wording. */
function normalizeError(error: Boom.Boom): void {
  if (codeOf(error)) return;
  const { statusCode } = error.output;
  setCode(error, defaultCodeFor(statusCode));
  const messages: Record<number, string> = {
    404: 'Not found.',
    405: 'Not found.',
    413: 'The request body is too large.',
    415: 'Send the body as application/json.',
    503: 'The server is busy. Try again in a few seconds.',
  };
  if (messages[statusCode]) error.output.payload.message = messages[statusCode]!;
}

function arrivedOverHttps(request: Request, trustedProxies: number): boolean {
  if (request.server.info.protocol === 'https') return true;
  return trustedProxies > 0 && request.headers['x-forwarded-proto'] === 'https';
}
