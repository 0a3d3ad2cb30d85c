import type { Logger } from 'pino';
import { formatTimestamp } from '../domain/shared/timestamp.js';
import {
  notificationEvent,
  type EventSubject,
  type NotificationEvent,
  type NotificationEventType,
} from '../domain/notifications/notification-event.js';
import { sinksFor, type NotificationSink } from '../domain/notifications/notification-sink.js';
import type { IndexedEnvironment } from '../ports/claim-index.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationOutbox, OutboxDelivery } from '../ports/notification-outbox.js';

/** What the platform calls when something worth telling happens to an environment. */
export interface Notifier {
  /**
   * Queues an event of `type` about `environment` for every sink that wants it: resolves once
   * it is durable in the outbox (or already was), never waits for a delivery. `occurrence`
   * makes the id of a `created`/`deleted`/`failed` event (the claim's etag, say); `expiring`
   * and `expired` ids come from the expiry date. Returns how many deliveries were new.
   * Throws the outbox's fault (`UnavailableError`); `publishQuietly` logs it instead.
   */
  publish(
    type: NotificationEventType,
    environment: Pick<IndexedEnvironment, 'claim' | 'expiresAt'>,
    details?: { occurrence?: string; reason?: string },
  ): Promise<number>;
  /** `publish`, with a failure logged rather than thrown: for paths where the claim is the truth. */
  publishQuietly(
    type: NotificationEventType,
    environment: Pick<IndexedEnvironment, 'claim' | 'expiresAt'>,
    details?: { occurrence?: string; reason?: string },
  ): Promise<void>;
  /** Whether any sink wants events of `type` (nothing to do otherwise). */
  wants(type: NotificationEventType): boolean;
}

/** The environment fields an event carries. */
export function subjectOf(
  environment: Pick<IndexedEnvironment, 'claim' | 'expiresAt'>,
): EventSubject {
  const { claim } = environment;
  return {
    environment: claim.environment_name,
    environment_type: claim.environment_type,
    pool: claim.environment_pool,
    user: claim.user,
    expires_at: environment.expiresAt === null ? null : formatTimestamp(environment.expiresAt),
  };
}

/**
 * The notifier over the durable outbox. `offer` hands each new delivery to this process's
 * sender at once (when it runs: on the leader), so a delivery does not wait for the poll.
 */
export function createNotifier(deps: {
  outbox: NotificationOutbox;
  sinks: readonly NotificationSink[];
  clock: Clock;
  logger: Logger;
  offer?: (delivery: OutboxDelivery) => void;
}): Notifier {
  const { outbox, sinks, clock, logger } = deps;
  const notifier: Notifier = {
    async publish(type, environment, details = {}) {
      const targets = sinksFor(sinks, type);
      if (targets.length === 0) return 0;
      const event: NotificationEvent = notificationEvent({
        type,
        subject: subjectOf(environment),
        time: formatTimestamp(clock.now()),
        ...(details.occurrence === undefined ? {} : { occurrence: details.occurrence }),
        ...(details.reason === undefined ? {} : { reason: details.reason }),
      });
      let added = 0;
      for (const sink of targets) {
        const delivery = { sink: sink.name, event };
        if (await outbox.add(delivery)) {
          added++;
          deps.offer?.(delivery);
        }
      }
      if (added > 0) {
        logger.info(
          { event: event.id, type, environment: event.environment, sinks: added },
          'notification queued',
        );
      }
      return added;
    },

    async publishQuietly(type, environment, details) {
      try {
        await notifier.publish(type, environment, details);
      } catch (error) {
        logger.error(
          { err: error, type, environment: environment.claim.environment_name },
          'could not queue a notification; it is lost (the environment change itself stands)',
        );
      }
    },

    wants(type) {
      return sinksFor(sinks, type).length > 0;
    },
  };
  return notifier;
}
