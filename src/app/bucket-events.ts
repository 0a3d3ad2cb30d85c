import type { Logger } from 'pino';
import type { BucketEventsResult } from '../domain/bucket-events/bucket-event-schema.js';
import { parseBucketNotification } from '../domain/bucket-events/parse-bucket-events.js';
import type { ChangeInbox } from '../ports/change-inbox.js';
import { BUCKETS, type BucketName } from '../ports/claim-store.js';

/** The storage server's name of each claims bucket (`store.s3.buckets` for S3). */
export interface PhysicalBucketNames {
  readonly environments: string;
  readonly staticEnvironments: string;
}

/** The fs store's directories carry the logical names themselves. */
export const FS_BUCKET_NAMES: PhysicalBucketNames = {
  environments: 'environments',
  staticEnvironments: 'static-environments',
};

/**
 * Server bucket name → logical bucket. Only the claims buckets: events from the rendered
 * bucket (the platform's own output) or any other bucket are ignored.
 */
export function logicalBucketsByName(names: PhysicalBucketNames): ReadonlyMap<string, BucketName> {
  const map = new Map<string, BucketName>([
    [names.environments, 'environments'],
    [names.staticEnvironments, 'static-environments'],
  ]);
  if (map.size !== BUCKETS.length) {
    throw new TypeError('the environments and static-environments buckets must differ');
  }
  return map;
}

export interface BucketEventsService {
  /**
   * Validates a notification body and hands each create or remove of a top-level key in a
   * claims bucket to the inbox. Throws `InputError` for a malformed body before handing
   * anything over, so a bad request changes nothing. Never waits for a re-read.
   */
  receive(body: unknown): BucketEventsResult;
}

export function createBucketEventsService(deps: {
  inbox: ChangeInbox;
  buckets: ReadonlyMap<string, BucketName>;
  logger: Logger;
}): BucketEventsService {
  const { inbox, buckets, logger } = deps;
  return {
    receive(body) {
      const notification = parseBucketNotification(body);
      if (notification.kind !== 'events') {
        // Confirmed by hand, never by fetching SubscribeURL from here: the server makes no
        // outbound request chosen by a request body (docs/configuration.md, "AWS S3").
        logger.warn(
          {
            topic_arn: notification.topicArn,
            subscribe_url: notification.subscribeUrl,
          },
          notification.kind === 'SubscriptionConfirmation'
            ? 'SNS subscription awaits confirmation: open subscribe_url or run aws sns confirm-subscription'
            : 'SNS subscription removed',
        );
        return { accepted: 0, ignored: 0 };
      }
      let accepted = 0;
      let ignored = notification.ignored;
      for (const hint of notification.hints) {
        const bucket = buckets.get(hint.bucketName);
        // Keys under a prefix (`rendered/…`, `archive/…`) are never claims; the stores list
        // only the top level of a bucket.
        if (bucket === undefined || hint.key === '' || hint.key.includes('/')) {
          ignored++;
          continue;
        }
        inbox.notify({ bucket, key: hint.key });
        accepted++;
      }
      return { accepted, ignored };
    },
  };
}
