import { ConnectionError } from '../sdk/errors.js';
import { completeEnglish } from './languages.js';

export type OnDemand = typeof import('./on-demand.js');

let pending: Promise<OnDemand> | undefined;

/**
 * Fetches on-demand.ts's chunk once per page, from the widget's own origin. When the network
 * fails it rejects with the SDK's ConnectionError (shown as "could not be reached"), and the next
 * call tries again.
 */
export function loadOnDemand(): Promise<OnDemand> {
  pending ??= import('./on-demand.js').then(
    (parts) => {
      completeEnglish(parts.EN_ON_DEMAND);
      return parts;
    },
    (error: unknown) => {
      pending = undefined;
      throw new ConnectionError(`A part of the widget could not be loaded: ${(error as Error).message}`);
    },
  );
  return pending;
}
