import type { Logger } from 'pino';
import type { RegistryRetention } from '../app/registry-retention.js';
import type { PlatformMetrics } from '../ports/metrics.js';
import { runEvery } from './interval-loop.js';

/**
 * Sweeps the user repositories every `intervalMs` (the seed's 24-hour retention for
 * `<user>-local-repo`), on the leader only: two replicas deleting the same manifests
 * would only double the audit records, but the sweep is a registry-wide walk worth doing
 * once. `fence` (the leader term's `stillLeader`) is asked before each deletion. A sweep
 * never throws for a registry error (it counts them); the loop logs what each sweep did.
 */
export function startRegistryRetention(options: {
  retention: Pick<RegistryRetention, 'sweep'>;
  fence?: () => Promise<boolean>;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
  /** Runs and failures (`platform_loop_runs_total{loop="registry-retention"}`). */
  metrics?: Pick<PlatformMetrics, 'loopRun'> | undefined;
}): Promise<void> {
  const { retention, fence, logger } = options;
  return runEvery({
    name: 'registry-retention',
    intervalMs: options.intervalMs,
    logger,
    signal: options.signal,
    metrics: options.metrics,
    task: async () => {
      const result = await retention.sweep(fence ? { fence } : {});
      const summary = {
        repositories: result.repositories,
        deleted: result.deleted.length,
        kept: result.kept,
        skipped: result.skipped,
        errors: result.errors,
      };
      if (result.errors > 0) logger.warn(summary, 'registry retention sweep had errors');
      else logger.info(summary, 'registry retention sweep');
    },
  });
}
