import type { Logger } from 'pino';
import type { PlatformMetrics } from '../ports/metrics.js';

/**
 * Runs `task` every `intervalMs` until `signal` aborts; never two at once. A failing run is
 * logged and the loop goes on: one bad document must not stop a background loop.
 * Resolves when the loop has stopped and no run is in flight.
 */
export function runEvery(options: {
  name: string;
  intervalMs: number;
  task: () => Promise<void>;
  logger: Logger;
  signal: AbortSignal;
  /** Told of each run's result and duration (`platform_loop_runs_total`). */
  metrics?: Pick<PlatformMetrics, 'loopRun'> | undefined;
}): Promise<void> {
  const { name, intervalMs, task, logger, signal, metrics } = options;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    const schedule = (): void => {
      if (signal.aborted) return;
      timer = setTimeout(() => {
        const started = performance.now();
        const seconds = (): number => (performance.now() - started) / 1000;
        running = task()
          .then(() => metrics?.loopRun(name, 'success', seconds()))
          .catch((error: unknown) => {
            metrics?.loopRun(name, 'failure', seconds());
            logger.error({ err: error, loop: name }, 'loop run failed; retrying next interval');
          })
          .finally(() => {
            running = undefined;
            schedule();
          });
      }, intervalMs);
    };
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        void (running ?? Promise.resolve()).then(() => resolve());
      },
      { once: true },
    );
    if (signal.aborted) resolve();
    else schedule();
  });
}
