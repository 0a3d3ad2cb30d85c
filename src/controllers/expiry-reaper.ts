import type { Logger } from 'pino';
import type { EnvironmentService } from '../app/environment-service.js';
import type { PlatformMetrics } from '../ports/metrics.js';
import { runEvery } from './interval-loop.js';

/**
 * Deletes expired dynamic environments every `intervalMs` (the seed: "Remove expired SUE
 * environments after 24 hours"). Idempotent: a run that finds nothing expired does nothing.
 * `fence` (the leader term's `stillLeader`) is asked before each delete.
 */
export function startExpiryReaper(options: {
  service: Pick<EnvironmentService, 'reapExpired'>;
  fence?: () => Promise<boolean>;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
  /** Runs, failures and deletions (`platform_reaper_deletions_total`). */
  metrics?: Pick<PlatformMetrics, 'loopRun' | 'reaperDeleted'> | undefined;
}): Promise<void> {
  return runEvery({
    name: 'expiry-reaper',
    intervalMs: options.intervalMs,
    logger: options.logger,
    signal: options.signal,
    metrics: options.metrics,
    task: async () => {
      const { fence } = options;
      const reaped = await options.service.reapExpired(fence ? { fence } : {});
      options.metrics?.reaperDeleted(reaped.length);
      if (reaped.length > 0) options.logger.info({ reaped }, 'expiry reaper run');
    },
  });
}
