import type * as definitions from '../../api/routes/bucket-events.js';
import { receiveBucketEvents } from '../../api/routes/bucket-events.js';
import { readBodyText } from '../read-body.js';
import type { BucketEventsService } from '../../app/bucket-events.js';
import { InputError } from '../../domain/errors.js';
import type { RouteHandlers } from '../mount-routes.js';

/** Where storage servers post S3 event notifications; outside the user-authenticated API. */
export const BUCKET_EVENTS_PATH = receiveBucketEvents.path;

/**
 * `POST /api/v1/bucket-events`: the body is parsed as JSON whatever its Content-Type,
 * since SNS posts `text/plain` and senders differ; the schema, not the header, decides.
 * The shared secret is checked before this (see `app.ts`).
 */
export function bucketEventHandlers(options: {
  service: BucketEventsService;
}): RouteHandlers<typeof definitions> {
  return {
    receiveBucketEvents: async (c) => {
      const text = await readBodyText(c);
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        throw new InputError(`Malformed JSON: ${(error as Error).message}`);
      }
      return c.json(options.service.receive(body), 200);
    },
  };
}
