import { load } from './load.js';

/**
 * `GET /api/v1/captcha`, each request a first visit (autocannon keeps no cookies), under the
 * same load as the bare route it is compared with.
 * @param {{ url: string }} server
 * @param {{ requestsPerSecond: number }} bare
 */
export async function measureCaptcha(server, bare, loadOptions = {}) {
  const run = await load({ url: `${server.url}/api/v1/captcha`, ...loadOptions });
  return { run, ratio: run.requestsPerSecond / bare.requestsPerSecond };
}
