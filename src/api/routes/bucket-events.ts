import {
  bucketEventsRequestSchema,
  bucketEventsResultSchema,
} from '../../domain/bucket-events/bucket-event-schema.js';
import { defineRoute, jsonResponse, problemResponse } from '../route-definition.js';

/** Where storage servers post S3 event notifications; outside the user-authenticated API. */
export const receiveBucketEvents = defineRoute({
  operationId: 'receiveBucketEvents',
  method: 'post',
  path: '/api/v1/bucket-events',
  summary: 'Receive S3 event notifications: each create or remove re-reads that key',
  description:
    'For storage servers, not users: authenticated by the shared secret PLATFORM_BUCKET_EVENTS_TOKEN as a bearer token (MinIO `auth_token`) or a `token` query parameter (Ceph RGW push endpoint, SNS subscription URL). Accepts a MinIO webhook body, a Ceph RGW push, or an Amazon SNS message whose `Message` is the S3 event; the body is read as JSON whatever its Content-Type (SNS sends text/plain). The event content is never trusted: the key is re-read from the bucket, asynchronously. Events for other buckets, for keys under a prefix, or of other types are counted as ignored. An SNS SubscriptionConfirmation is logged for confirmation by hand, never fetched.',
  auth: 'bucket-events',
  body: { schema: bucketEventsRequestSchema },
  responses: {
    200: jsonResponse(bucketEventsResultSchema, 'Handed over for re-reading; nothing waited for'),
    400: problemResponse('Malformed notification; nothing was done'),
    401: problemResponse('Missing or wrong shared secret'),
    404: problemResponse('PLATFORM_BUCKET_EVENTS_TOKEN is not set on this server'),
    413: problemResponse('Body over 1 MiB'),
    503: problemResponse('The claim index is still loading; the sender should retry'),
  },
});
