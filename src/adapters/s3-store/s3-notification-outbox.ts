import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { notificationEventSchema } from '../../domain/notifications/notification-event.js';
import type { NotificationOutbox, OutboxDelivery } from '../../ports/notification-outbox.js';
import { createS3Clients, type S3Clients, type S3ConnectionOptions } from './s3-client.js';
import { isNotFound, statusOf, toStoreError } from './s3-errors.js';
import { parseJsonOrUndefined } from '../../domain/shared/parse-json.js';
import { deliveredMarkerBody, markerExpired } from '../../domain/notifications/delivered-marker.js';

/** Key prefix of the outbox in the rendered bucket (beside `rendered/` and `deployments/`). */
export const NOTIFICATIONS_KEY_PREFIX = 'notifications/';
const PENDING = `${NOTIFICATIONS_KEY_PREFIX}pending/`;
const DELIVERED = `${NOTIFICATIONS_KEY_PREFIX}delivered/`;
const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

export interface S3NotificationOutboxOptions {
  readonly connection: S3ConnectionOptions;
  /** The rendered bucket (`store.s3.buckets.rendered`); it must exist. */
  readonly bucket: string;
  /** For tests: clients to use instead of building them from `connection`. */
  readonly clients?: S3Clients;
}

/**
 * The outbox on any S3 API, in the rendered bucket: a pending delivery is created with
 * `If-None-Match: *` (the store decides which of concurrent adds wins, across replicas), a
 * delivered marker holds its `keepUntil` in its body. Faults map through `toStoreError`
 * (503 with `Retry-After`, or 502 on a refusal).
 */
export function createS3NotificationOutbox(
  options: S3NotificationOutboxOptions,
): NotificationOutbox {
  const { read, write } = options.clients ?? createS3Clients(options.connection);
  const Bucket = options.bucket;
  const keyOf = (prefix: string, { sink, event }: OutboxDelivery): string => {
    for (const segment of [sink, event.id]) {
      if (!SEGMENT.test(segment))
        throw new TypeError(`not a valid key segment: ${JSON.stringify(segment)}`);
    }
    return `${prefix}${sink}/${event.id}.json`;
  };
  const guard = async <T>(operation: string, key: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, operation, `${Bucket}/${key}`);
    }
  };
  const exists = (Key: string): Promise<boolean> =>
    read.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      },
    );
  const getText = async (Key: string): Promise<string | undefined> => {
    try {
      const object = await read.send(new GetObjectCommand({ Bucket, Key }));
      return await object.Body?.transformToString('utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  async function* keys(prefix: string): AsyncGenerator<string> {
    let ContinuationToken: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await read.send(
        new ListObjectsV2Command({
          Bucket,
          Prefix: prefix,
          ...(ContinuationToken === undefined ? {} : { ContinuationToken }),
        }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key?.endsWith('.json') === true) yield object.Key;
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  return {
    location: `s3://${Bucket}/${NOTIFICATIONS_KEY_PREFIX}`,

    async add(delivery) {
      const Key = keyOf(PENDING, delivery);
      const marker = keyOf(DELIVERED, delivery);
      return guard('queue', Key, async () => {
        if (await exists(marker)) return false;
        try {
          await write.send(
            new PutObjectCommand({
              Bucket,
              Key,
              Body: `${JSON.stringify(delivery.event)}\n`,
              ContentType: 'application/json',
              IfNoneMatch: '*',
            }),
          );
        } catch (error) {
          // 412 on RGW and AWS; 409 when AWS sees a concurrent conditional write.
          const status = statusOf(error);
          if (status === 412 || status === 409) return false;
          throw error;
        }
        // Delivered and marked between the check and the create: take the copy back.
        if (await exists(marker)) {
          await write.send(new DeleteObjectCommand({ Bucket, Key }));
          return false;
        }
        return true;
      });
    },

    async pending(limit) {
      return guard('list', PENDING, async () => {
        const found: OutboxDelivery[] = [];
        for await (const key of keys(PENDING)) {
          if (found.length >= limit) break;
          const [sink, file] = key.slice(PENDING.length).split('/');
          if (sink === undefined || file === undefined || !SEGMENT.test(sink)) continue;
          const text = await getText(key);
          if (text === undefined) continue;
          const parsed = notificationEventSchema.safeParse(parseJsonOrUndefined(text));
          // A damaged object is left for an operator; one bad document must not stop the queue.
          if (parsed.success) found.push({ sink, event: parsed.data });
        }
        return found;
      });
    },

    async complete(delivery, keepUntil) {
      const Key = keyOf(PENDING, delivery);
      return guard('complete', Key, async () => {
        if (keepUntil !== undefined) {
          await write.send(
            new PutObjectCommand({
              Bucket,
              Key: keyOf(DELIVERED, delivery),
              Body: deliveredMarkerBody(keepUntil),
              ContentType: 'application/json',
            }),
          );
        }
        await write.send(new DeleteObjectCommand({ Bucket, Key }));
      });
    },

    async prune(now) {
      return guard('prune', DELIVERED, async () => {
        let removed = 0;
        for await (const Key of keys(DELIVERED)) {
          const text = await getText(Key);
          if (text === undefined) continue;
          if (!markerExpired(text, now)) continue;
          await write.send(new DeleteObjectCommand({ Bucket, Key }));
          removed++;
        }
        return removed;
      });
    },
  };
}
