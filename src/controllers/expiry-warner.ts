import type { Logger } from 'pino';
import type { Notifier } from '../app/notification-service.js';
import { longestWarnBeforeMs, warnBeforeMs } from '../domain/notifications/expiry-warning.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import type { ClaimIndex } from '../ports/claim-index.js';
import { DYNAMIC_BUCKET } from '../ports/claim-store.js';
import type { Clock } from '../ports/clock.js';
import { runEvery } from './interval-loop.js';

/** Ids already queued in this term: skips the store round trip on each later run. */
const REMEMBERED = 10_000;

/**
 * Queues one `expiring` notification per environment and expiry date every `intervalMs`:
 * for each dynamic environment whose expiry is ahead but within its type's
 * `expiry.warnBefore`. Run by the leader only. The outbox refuses an id it holds or
 * delivered, and the id comes from name + expiry date, so neither a restart nor a new
 * leader warns twice for one date, while an extension that re-enters the window warns
 * again. One environment's failure is logged and tried again next run.
 */
export function startExpiryWarner(options: {
  notifier: Pick<Notifier, 'publish' | 'wants'>;
  index: Pick<ClaimIndex, 'expiredAt'>;
  catalogue: EnvironmentTypeCatalogue;
  clock: Clock;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { notifier, index, catalogue, clock, logger } = options;
  const horizon = longestWarnBeforeMs(catalogue);
  const queued = new Set<string>();
  return runEvery({
    name: 'expiry-warner',
    intervalMs: options.intervalMs,
    logger,
    signal: options.signal,
    task: async () => {
      if (!notifier.wants('expiring')) return;
      const now = clock.now();
      for (const environment of await index.expiredAt(new Date(now.getTime() + horizon))) {
        if (options.signal.aborted) return;
        if (environment.bucket !== DYNAMIC_BUCKET || environment.expiresAt === null) continue;
        const left = environment.expiresAt.getTime() - now.getTime();
        const window = warnBeforeMs(catalogue, environment.claim.environment_type);
        // Already past: the reaper deletes it now, and `expired` says so.
        if (left <= 0 || window === null || left > window) continue;
        const key = `${environment.claim.environment_name}@${environment.expiresAt.toISOString()}`;
        if (queued.has(key)) continue;
        try {
          await notifier.publish('expiring', environment);
          if (queued.size >= REMEMBERED) queued.clear();
          queued.add(key);
        } catch (error) {
          logger.error(
            { err: error, environment: environment.claim.environment_name },
            'could not queue an expiry warning; retrying next run',
          );
        }
      }
    },
  });
}
