import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What the platform tells its sinks about (issue 15). */
export const NOTIFICATION_EVENT_TYPES = [
  'expiring',
  'expired',
  'created',
  'deleted',
  'failed',
] as const;
export const notificationEventTypeSchema = z.enum(NOTIFICATION_EVENT_TYPES);
export type NotificationEventType = z.infer<typeof notificationEventTypeSchema>;

/**
 * One notification as the outbox keeps it and as a `json` sink receives it. `id` is stable
 * for the fact it reports (an `expiring` warning of one environment and expiry date has
 * one id however often and wherever it is enqueued), so receivers can drop repeats.
 */
export const notificationEventSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z]+-[a-z0-9-]+-[0-9a-f]{16}$/),
    type: notificationEventTypeSchema,
    environment: z.string().min(1),
    environment_type: z.string().min(1),
    pool: z.string(),
    user: z.string(),
    /** The expiry the event speaks of; `null` for an environment that does not expire. */
    expires_at: z.string().nullable(),
    /** When the platform noticed the fact (RFC 3339, UTC). */
    time: z.string(),
    /** For `failed`: why, as the deployer reported it. */
    reason: z.string().optional(),
  })
  .meta({ id: 'NotificationEvent' });
export type NotificationEvent = z.infer<typeof notificationEventSchema>;

/** The environment fields every event carries. */
export interface EventSubject {
  readonly environment: string;
  readonly environment_type: string;
  readonly pool: string;
  readonly user: string;
  readonly expires_at: string | null;
}

/**
 * The id of an event: `<type>-<environment>-<16 hex>`, where the hex is a SHA-256 of what
 * makes the fact unique: for `expiring` and `expired` the expiry date (so one warning per
 * environment and date, and a new one after an extension), for the others the `occurrence`
 * the caller names (the claim's etag, a deployment revision). It is also the outbox key,
 * which is what makes the dedupe durable across restarts and replicas.
 */
export function notificationEventId(
  type: NotificationEventType,
  subject: Pick<EventSubject, 'environment' | 'expires_at'>,
  occurrence = '',
): string {
  const basis = type === 'expiring' || type === 'expired' ? (subject.expires_at ?? '') : occurrence;
  const digest = createHash('sha256')
    .update(`${type}\n${subject.environment}\n${basis}`)
    .digest('hex')
    .slice(0, 16);
  return `${type}-${subject.environment}-${digest}`;
}

/** A complete event for `subject`, its id derived as `notificationEventId` says. */
export function notificationEvent(options: {
  type: NotificationEventType;
  subject: EventSubject;
  time: string;
  occurrence?: string;
  reason?: string;
}): NotificationEvent {
  const { type, subject, time, occurrence, reason } = options;
  return {
    id: notificationEventId(type, subject, occurrence),
    type,
    ...subject,
    time,
    ...(reason === undefined ? {} : { reason }),
  };
}
