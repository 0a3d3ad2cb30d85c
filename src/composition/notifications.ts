import type { Logger } from 'pino';
import { createFsNotificationOutbox } from '../adapters/fs-notification-outbox/fs-notification-outbox.js';
import {
  createNotificationSender,
  type DeliveryOutcome,
  type NotificationSender,
} from '../app/notification-sender.js';
import { createNotifier, type Notifier } from '../app/notification-service.js';
import type { PlatformConfig } from '../config/load-config.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationOutbox, OutboxDelivery } from '../ports/notification-outbox.js';

/** The notification parts: the durable outbox, the notifier that fills it, the sender. */
export interface Notifications {
  readonly outbox: NotificationOutbox;
  readonly notifier: Notifier;
  readonly sender: NotificationSender;
}

/**
 * The outbox beside the claim buckets (the fs store's directory, or the rendered bucket
 * with S3), the sender over it and the notifier; `undefined` without sinks (nothing is
 * queued then). `onNotificationDelivered` hears every attempt (for a metrics counter).
 */
export async function createNotifications(
  config: PlatformConfig,
  clock: Clock,
  logger: Logger,
  options: {
    onNotificationDelivered?: (delivery: OutboxDelivery, outcome: DeliveryOutcome) => void;
  },
): Promise<Notifications | undefined> {
  const { sinks, queue } = config.notifications;
  if (sinks.length === 0) return undefined;
  const { s3 } = config.store;
  const outbox =
    config.store.type === 's3'
      ? (await import('../adapters/s3-store/s3-notification-outbox.js')).createS3NotificationOutbox(
          {
            // Credentials: the SDK's standard chain, as for the claim store.
            connection: {
              endpoint: s3.endpoint,
              region: s3.region,
              forcePathStyle: s3.forcePathStyle,
            },
            bucket: s3.buckets.rendered,
          },
        )
      : await createFsNotificationOutbox(config.store.path);
  const sender = createNotificationSender({
    outbox,
    sinks,
    queue,
    clock,
    logger,
    ...(options.onNotificationDelivered ? { onDelivered: options.onNotificationDelivered } : {}),
  });
  const notifier = createNotifier({
    outbox,
    sinks,
    clock,
    logger,
    offer: (delivery) => sender.offer(delivery),
  });
  return { outbox, notifier, sender };
}
