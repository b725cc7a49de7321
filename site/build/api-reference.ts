import { openApiDocument } from '../../api/openapi.js';
import { ERROR_STATUS, type ErrorCode } from '../../sdk/types.js';
import { escapeHtml } from './template.js';

/**
 * The Developers page's reference tables, made from the same constants the API serves, so the
 * page cannot drift from the OpenAPI document.
 */
export function endpointTable(): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(openApiDocument.paths)) {
    for (const method of ['get', 'post'] as const) {
      const operation = operations[method];
      if (!operation) continue;
      rows.push(
        `<tr><td><code>${method.toUpperCase()} ${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary)}</td></tr>`,
      );
    }
  }
  return table('API endpoints', ['Endpoint', 'What it does'], rows);
}

/** What each error code means to someone calling the API; the type makes a new code fail the build. */
const ERROR_HELP: Record<ErrorCode, string> = {
  invalid_request: 'The body or a parameter is not valid. The message says which field.',
  captcha_missing: 'No captcha is pending in this session: fetch one first.',
  captcha_wrong: 'The answer was wrong. The captcha is spent: fetch a new one.',
  captcha_expired: 'The captcha is older than its time limit. Fetch a new one.',
  captcha_audio_limit: 'This captcha was played as often as one can be. Fetch a new one to hear another.',
  pow_missing: 'The body has no solved proof of work (pow). The SDK adds it; with raw HTTP use solvePow.',
  pow_invalid: 'The proof of work is not this captcha\'s, expired, already used or unsolved. Fetch a new captcha.',
  rate_limited: 'Too many requests from this address. Wait for Retry-After seconds.',
  concurrent_limit: 'This address already has as many images being made as it may. Wait until one is ready.',
  prompt_rejected: 'The image service refused the prompt.',
  provider_busy: 'The image service is busy. Retry after Retry-After seconds.',
  provider_error: 'The image service failed.',
  provider_timeout: 'The image service took too long.',
  overloaded: 'This server is at capacity. Retry after Retry-After seconds.',
  capacity_reached: "The operator's budget for this hour or UTC day is used up (the window field says which). Retry-After runs to its end.",
  store_unavailable: 'The session store is unreachable. Try again shortly.',
  unsupported_media_type: 'Send the body as application/json.',
  payload_too_large: 'The body is larger than 16 KiB.',
  not_found: 'No such endpoint.',
  internal_error: 'Something broke on our side. Nothing about it is shown to clients.',
};

export function errorCodeTable(): string {
  const rows = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).map(
    ([code, status]) => `<tr><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(ERROR_HELP[code])}</td></tr>`,
  );
  return table('Error codes', ['Code', 'Status', 'Meaning'], rows);
}

/** Wide tables scroll on phones; the focusable region lets keyboard users scroll them too. */
function table(label: string, headings: string[], rows: string[]): string {
  const head = headings.map((heading) => `<th scope="col">${heading}</th>`).join('');
  return `<div class="table-scroll" tabindex="0" role="region" aria-label="${label}"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
