import type Boom from '@hapi/boom';
import { apiError } from '../errors.js';

/** What every request gets while the shared store does not answer: retryable, never a 500. */
export function storeUnavailable(): Boom.Boom {
  return apiError(503, 'store_unavailable', 'The session store is unavailable. Try again in a few seconds.', { retryAfter: 2 });
}

/** Settles like `work`, except that any failure becomes 503 `store_unavailable`. */
export async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch {
    throw storeUnavailable();
  }
}
