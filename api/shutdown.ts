import type { Server } from '@hapi/hapi';

export interface ShutdownOptions {
  /** How long requests in flight (generations included) may take to finish before they are cut. */
  timeoutMs: number;
  /** Closed once no request can use it any more. */
  redis?: { close(): Promise<void> };
}

/**
 * What SIGTERM does: stop accepting connections at once, let requests in flight finish within
 * the bound, then close the shared store.
 */
export async function shutDown(server: Server, options: ShutdownOptions): Promise<void> {
  try {
    await server.stop({ timeout: options.timeoutMs });
  } finally {
    await options.redis?.close();
  }
}
