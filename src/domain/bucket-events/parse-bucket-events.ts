import { InputError } from '../errors.js';
import { toFieldErrors } from '../shared/zod-errors.js';
import {
  s3EventNotificationSchema,
  s3TestEventSchema,
  snsNotificationSchema,
  snsSubscriptionConfirmationSchema,
  type S3EventRecord,
} from './bucket-event-schema.js';

/** A hint that `key` in the storage bucket named `bucketName` was created or removed. */
export interface BucketEventHint {
  /** The bucket's name on the S3 server (not yet the platform's logical bucket). */
  readonly bucketName: string;
  /** The object key, decoded. */
  readonly key: string;
}

/** What a notification body says, once validated. */
export type BucketNotification =
  | {
      readonly kind: 'events';
      readonly hints: readonly BucketEventHint[];
      /** Records whose event is not a create or remove (tagging, ACL, restore, …). */
      readonly ignored: number;
    }
  | {
      /** An SNS subscription (or unsubscription) handshake; carries no events. */
      readonly kind: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
      readonly topicArn: string;
      readonly subscribeUrl: string;
    };

// Lifecycle expirations remove objects too: AWS names them `LifecycleExpiration:*`,
// Ceph RGW `ObjectLifecycle:Expiration:*`.
const CHANGE_EVENTS = [
  'ObjectCreated:',
  'ObjectRemoved:',
  'LifecycleExpiration:',
  'ObjectLifecycle:Expiration:',
];

/** Whether an event name (with or without the `s3:` prefix) may change what a key holds. */
export function isChangeEvent(eventName: string): boolean {
  const name = eventName.startsWith('s3:') ? eventName.slice('s3:'.length) : eventName;
  return CHANGE_EVENTS.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}

/**
 * AWS S3 and MinIO put the key into the record URL-encoded, form style (`+` is a space;
 * AWS's event-message-structure page); Ceph RGW puts it as stored (`rgw_notify.cc` copies
 * the object name unencoded), so decoding it would turn a `+` in a key into a space.
 */
const UNENCODED_KEY_SOURCES: ReadonlySet<string> = new Set(['ceph:s3']);

/** The object key of a record, decoded; `undefined` if its percent-encoding is broken. */
export function decodeEventKey(key: string, eventSource: string | undefined): string | undefined {
  if (eventSource !== undefined && UNENCODED_KEY_SOURCES.has(eventSource)) return key;
  try {
    return decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * Validates a notification body from MinIO (webhook), Ceph RGW (HTTP push endpoint) or AWS
 * (an SNS message whose `Message` is the S3 event) and returns the create and remove hints
 * in it. Pure; throws `InputError` naming the field for anything malformed, so a caller
 * that acts only after this returns changes nothing on a bad body.
 */
export function parseBucketNotification(body: unknown): BucketNotification {
  if (!isObject(body)) throw new InputError('Expected a JSON object: an S3 event notification');
  if ('Type' in body) return parseSnsMessage(body);
  return parseS3Document(body, '');
}

function parseSnsMessage(body: Record<string, unknown>): BucketNotification {
  if (body.Type === 'Notification') {
    const message = snsNotificationSchema.safeParse(body);
    if (!message.success) throw invalid('Invalid SNS notification', message.error);
    let inner: unknown;
    try {
      inner = JSON.parse(message.data.Message);
    } catch (error) {
      throw new InputError('Invalid SNS notification', [
        { path: 'Message', message: `not JSON: ${(error as Error).message}` },
      ]);
    }
    if (!isObject(inner)) {
      throw new InputError('Invalid SNS notification', [
        { path: 'Message', message: 'expected a JSON object: an S3 event notification' },
      ]);
    }
    return parseS3Document(inner, 'Message');
  }
  const handshake = snsSubscriptionConfirmationSchema.safeParse(body);
  if (!handshake.success) throw invalid('Invalid SNS message', handshake.error);
  return {
    kind: handshake.data.Type,
    topicArn: handshake.data.TopicArn,
    subscribeUrl: handshake.data.SubscribeURL,
  };
}

function parseS3Document(document: Record<string, unknown>, at: string): BucketNotification {
  if (!('Records' in document) && s3TestEventSchema.safeParse(document).success) {
    return { kind: 'events', hints: [], ignored: 0 };
  }
  const parsed = s3EventNotificationSchema.safeParse(document);
  if (!parsed.success) throw invalid('Invalid S3 event notification', parsed.error, at);
  const hints: BucketEventHint[] = [];
  let ignored = 0;
  parsed.data.Records.forEach((record, i) => {
    if (!isChangeEvent(record.eventName)) {
      ignored++;
      return;
    }
    hints.push(hintOf(record, [at, 'Records', String(i)].filter(Boolean).join('.')));
  });
  return { kind: 'events', hints, ignored };
}

function hintOf(record: S3EventRecord, path: string): BucketEventHint {
  const key = decodeEventKey(record.s3.object.key, record.eventSource);
  if (key === undefined) {
    throw new InputError('Invalid S3 event notification', [
      { path: `${path}.s3.object.key`, message: 'broken percent-encoding' },
    ]);
  }
  return { bucketName: record.s3.bucket.name, key };
}

function invalid(message: string, error: Parameters<typeof toFieldErrors>[0], at = ''): InputError {
  return new InputError(message, toFieldErrors(error, at));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
