import type { MESSAGES as FULL } from './messages.js';

/**
 * What the widget bundle ships in place of `messages.ts` (widget/rollup-plugins.js,
 * `browserSdk`): the widget builds its client from a checked URL and shows none of these to
 * visitors (it words every problem in its own strings), so a short form that still names the
 * problem is enough for the console.
 */
export const MESSAGES: typeof FULL = {
  options: () => 'Imageka: no options',
  noFetch: () => 'Imageka: no fetch',
  baseUrlMissing: () => 'Imageka: no baseUrl',
  baseUrlInvalid: (value) => `Imageka: bad baseUrl "${value}"`,
  baseUrlProtocol: () => 'Imageka: baseUrl not http(s)',
  baseUrlQuery: () => 'Imageka: baseUrl has a query or fragment',
  positive: (name, value) => `Imageka: bad ${name}: ${String(value)}`,
  count: (name, value) => `Imageka: bad ${name}: ${String(value)}`,
  status: (status) => `HTTP ${status}`,
  notJson: () => 'not JSON',
  unreachable: () => 'unreachable',
  noAnswer: (ms) => `timeout ${ms} ms`,
  timeout: (ms) => `timeout ${ms} ms`,
  aborted: () => 'aborted',
  streamEnded: () => 'stream ended',
  badResult: () => 'bad result',
  badErrorEvent: () => 'bad error event',
  powAlgorithm: (name) => `Imageka: unknown pow algorithm ${name}`,
  powUnsolved: () => 'pow unsolved',
};
