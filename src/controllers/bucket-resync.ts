import type { Logger } from 'pino';
import type { ClaimSync } from '../app/claim-sync.js';
import type { PlatformMetrics } from '../ports/metrics.js';
import { runEvery } from './interval-loop.js';

/**
 * The periodic full resync of the buckets, run by the leader alone when the store's own
 * resync is turned off (replicas on one bucket): every `intervalMs`, reconciles everything
 * the buckets and the index know of, catching any change the change feed missed.
 * Resolves once stopped.
 */
export function startBucketResync(options: {
  sync: Pick<ClaimSync, 'fullSync'>;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
  /** Runs and failures (`platform_loop_runs_total{loop="bucket-resync"}`). */
  metrics?: Pick<PlatformMetrics, 'loopRun'> | undefined;
}): Promise<void> {
  return runEvery({
    name: 'bucket-resync',
    intervalMs: options.intervalMs,
    task: () => options.sync.fullSync(),
    logger: options.logger,
    signal: options.signal,
    metrics: options.metrics,
  });
}
