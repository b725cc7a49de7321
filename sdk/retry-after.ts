/**
 * Seconds to wait from a `Retry-After` value (RFC 9110 §10.2.3): delta-seconds or an HTTP date,
 * a past date giving 0; `undefined` when absent or unreadable. Shared by the SDK and the API's
 * upstream adapters, which each add their own policy (body field first, caps) around it.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse also takes bare numbers ("-5" is a year); an HTTP date always names a month.
  const date = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
