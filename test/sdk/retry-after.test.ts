import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../sdk/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    ['12', 12],
    [' 0 ', 0],
    [new Date(NOW + 45_000).toUTCString(), 45],
    [new Date(NOW - 60_000).toUTCString(), 0],
  ])('%s → %s seconds', (value, seconds) => expect(parseRetryAfter(value, NOW)).toBe(seconds));

  it.each([null, undefined, '', '-5', '1.5', 'soon'])('%s → undefined (not a delta or an HTTP date)', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
