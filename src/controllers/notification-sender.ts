import type { Logger } from 'pino';
import type { NotificationSender } from '../app/notification-sender.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationOutbox } from '../ports/notification-outbox.js';
import { runEvery } from './interval-loop.js';

/** How often delivered markers past their `keepUntil` are removed. */
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Runs the notification sender until `signal` aborts, on the leader only (one sender, so a
 * delivery is not sent by two replicas at once), and prunes the outbox's old delivered
 * markers hourly. Resolves once both stopped; what was not delivered stays in the outbox.
 */
export async function startNotificationSender(options: {
  sender: Pick<NotificationSender, 'run'>;
  outbox: Pick<NotificationOutbox, 'prune'>;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { sender, outbox, clock, logger, signal } = options;
  const prune = async (): Promise<void> => {
    const removed = await outbox.prune(clock.now());
    if (removed > 0) logger.info({ removed }, 'pruned delivered notification markers');
  };
  await Promise.all([
    sender.run(signal),
    runEvery({
      name: 'notification-prune',
      intervalMs: PRUNE_INTERVAL_MS,
      task: prune,
      logger,
      signal,
    }),
  ]);
}
