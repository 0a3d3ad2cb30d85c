import type { Logger } from 'pino';
import type { EnvironmentService } from '../app/environment-service.js';
import { runEvery } from './interval-loop.js';

/**
 * Deletes expired dynamic environments every `intervalMs` (the seed: "Remove expired SUE
 * environments after 24 hours"). Idempotent: a run that finds nothing expired does nothing.
 */
export function startExpiryReaper(options: {
  service: EnvironmentService;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  return runEvery({
    name: 'expiry-reaper',
    intervalMs: options.intervalMs,
    logger: options.logger,
    signal: options.signal,
    task: async () => {
      const reaped = await options.service.reapExpired();
      if (reaped.length > 0) options.logger.info({ reaped }, 'expiry reaper run');
    },
  });
}
