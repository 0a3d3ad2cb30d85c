import { z } from 'zod';

/**
 * One record of an S3 event notification, as AWS S3, MinIO and Ceph RGW send it. Only the
 * fields the platform reads are checked; the rest (sizes, etags, identities) is never
 * trusted, since an event is only a hint to re-read the key.
 */
export const s3EventRecordSchema = z.looseObject({
  /** `ObjectCreated:Put`, `s3:ObjectRemoved:Delete`, … (MinIO and RGW add the `s3:` prefix). */
  eventName: z.string(),
  /** `aws:s3`, `minio:s3`, `ceph:s3`: decides how the key is encoded. */
  eventSource: z.string().optional(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string().min(1) }),
    object: z.looseObject({ key: z.string() }),
  }),
});

/**
 * An S3 event notification: the body of a MinIO webhook (which adds `EventName` and `Key`),
 * of a Ceph RGW HTTP push endpoint, and the `Message` of an Amazon SNS notification.
 */
export const s3EventNotificationSchema = z
  .looseObject({
    Records: z.array(s3EventRecordSchema),
    EventName: z.string().optional(),
    Key: z.string().optional(),
  })
  .meta({ id: 'S3EventNotification' });

/** The test message AWS S3 sends when a notification configuration is saved. */
export const s3TestEventSchema = z
  .looseObject({ Service: z.string().optional(), Event: z.literal('s3:TestEvent') })
  .meta({ id: 'S3TestEvent' });

/** An Amazon SNS delivery to an HTTP(S) subscription: `Message` holds the S3 event as JSON text. */
export const snsNotificationSchema = z
  .looseObject({
    Type: z.literal('Notification'),
    TopicArn: z.string().optional(),
    Message: z.string(),
  })
  .meta({ id: 'SnsNotification' });

/** The first message of an SNS HTTP(S) subscription: the subscription waits for confirmation. */
export const snsSubscriptionConfirmationSchema = z
  .looseObject({
    Type: z.enum(['SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    TopicArn: z.string(),
    SubscribeURL: z.string(),
    Token: z.string().optional(),
  })
  .meta({ id: 'SnsSubscriptionConfirmation' });

/** What `POST /api/v1/bucket-events` accepts (documentation; the parser dispatches by shape). */
export const bucketEventsRequestSchema = z
  .union([
    s3EventNotificationSchema,
    s3TestEventSchema,
    snsNotificationSchema,
    snsSubscriptionConfirmationSchema,
  ])
  .meta({ id: 'BucketEventsRequest' });

/** The answer: how many records became re-reads and how many were not for the platform. */
export const bucketEventsResultSchema = z
  .strictObject({
    accepted: z.number().int().min(0),
    ignored: z.number().int().min(0),
  })
  .meta({ id: 'BucketEventsResult' });

export type S3EventRecord = z.infer<typeof s3EventRecordSchema>;
export type BucketEventsResult = z.infer<typeof bucketEventsResultSchema>;
