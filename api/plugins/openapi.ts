import type { Plugin, Server } from '@hapi/hapi';
import Joi from 'joi';
import { openApiDocument } from '../openapi.js';
import { ROUTE_SUMMARIES } from '../route-summaries.js';

const PLUGIN = 'imageka-openapi';

/** `GET /api/v1/openapi.json`: the hosted API's contract, for client generators and reviewers. */
export const openApiPlugin: Plugin<Record<string, never>> = {
  name: PLUGIN,
  register(server: Server, rawOptions) {
    Joi.attempt(rawOptions ?? {}, Joi.object({}), `Invalid "${PLUGIN}" options`);
    // Serialised once: the document is built from constants and never changes while running.
    const body = JSON.stringify(openApiDocument);
    server.route({
      method: 'GET',
      path: '/api/v1/openapi.json',
      options: { cors: true, description: ROUTE_SUMMARIES.openapi },
      handler: (_request, h) => h.response(body).type('application/json; charset=utf-8'),
    });
  },
};
