import type { Logger } from 'pino';
import { runEvery } from './interval-loop.js';

/**
 * Checks the tenancy file and the policy directory every `intervalMs` and reloads them when
 * they changed. A bad edit is rejected inside `reloadIfChanged`; the loop never stops.
 */
export function startAccessModelReloader(options: {
  /** Re-reads the sources if they changed; rejects a bad edit itself. */
  reloadIfChanged: () => Promise<void>;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  return runEvery({
    name: 'access-model-reloader',
    intervalMs: options.intervalMs,
    task: options.reloadIfChanged,
    logger: options.logger,
    signal: options.signal,
  });
}
