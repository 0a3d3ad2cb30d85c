import { z } from 'zod';
import { InputError, type FieldError } from '../domain/errors.js';
import {
  NOTIFICATION_EVENT_TYPES,
  notificationEventTypeSchema,
} from '../domain/notifications/notification-event.js';
import type { NotificationSettings } from '../domain/notifications/notification-sink.js';
import { durationMs, durationSchema } from '../domain/shared/duration.js';

/**
 * A header value: written in the file, or (for secrets such as a bearer token) read from
 * the environment variable `secretEnv` at start, so the file holds no secret.
 */
const headerValueSchema = z.union([
  z.string(),
  z.strictObject({
    secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  }),
]);

const sinkSchema = z.strictObject({
  /** Names the sink in logs and in the outbox's keys. */
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label (a-z, 0-9, -)'),
  /** The webhook; `http:` or `https:`. May hold a secret (Slack's are): never logged. */
  url: z.url({ protocol: /^https?$/ }),
  /** `json`: the event itself; `slack`: a Slack incoming-webhook message (`text`, `blocks`). */
  format: z.enum(['json', 'slack']).default('json'),
  /** Which events this sink gets; all when left out. */
  events: z.array(notificationEventTypeSchema).min(1).optional(),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), headerValueSchema)
    .default({}),
  /** One attempt's limit; a sink slower than this counts as failed and is retried. */
  timeout: durationSchema.default('5s'),
});

/** `notifications` in the config file (issue 15). No sinks: nothing is queued or sent. */
export const notificationsConfigSchema = z.strictObject({
  sinks: z
    .array(sinkSchema)
    .default([])
    .refine((sinks) => new Set(sinks.map((sink) => sink.name)).size === sinks.length, {
      message: 'sink names must be unique',
    }),
  /** How often the leader looks for environments entering their warning window. */
  warnInterval: durationSchema.default('30s'),
  queue: z
    .strictObject({
      /** Deliveries held in memory at once; beyond it they wait in the store (never dropped). */
      maxLength: z.number().int().min(1).max(100_000).default(1000),
      /** Deliveries in flight at once, over all sinks. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** The first retry's wait, doubled after each failure up to `retryMax`. */
      retryBase: durationSchema.default('1s'),
      retryMax: durationSchema.default('5m'),
      /** Attempts before a delivery is given up (logged as an error). */
      maxAttempts: z.number().int().min(1).max(1000).default(20),
      /** A delivery older than this is given up whatever its attempts (an event a day late is noise). */
      maxAge: durationSchema.default('24h'),
      /** How often the store is read for deliveries not in memory (other replicas', a restart's, an overflow's). */
      pollInterval: durationSchema.default('10s'),
    })
    .prefault({}),
});
export type NotificationsConfigFile = z.infer<typeof notificationsConfigSchema>;

/**
 * `notifications` resolved: header secrets read from the environment (a missing variable is
 * a config error naming the key path, never a sink that silently sends no token).
 */
export function notificationSettings(
  file: NotificationsConfigFile,
  env: Readonly<Record<string, string | undefined>>,
): NotificationSettings {
  const problems: FieldError[] = [];
  const sinks = file.sinks.map((sink, i) => {
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(sink.headers)) {
      if (typeof value === 'string') {
        headers[header] = value;
        continue;
      }
      const secret = env[value.secretEnv]?.trim();
      if (secret === undefined || secret === '') {
        problems.push({
          path: `notifications.sinks.${i}.headers.${header}.secretEnv`,
          message: `the environment variable ${value.secretEnv} is not set`,
        });
      } else {
        headers[header] = secret;
      }
    }
    return {
      name: sink.name,
      url: sink.url,
      format: sink.format,
      events: sink.events ?? [...NOTIFICATION_EVENT_TYPES],
      headers,
      timeoutMs: durationMs(sink.timeout),
    };
  });
  if (problems.length > 0) throw new InputError('Invalid config', problems);
  const { queue } = file;
  return {
    sinks,
    warnIntervalMs: durationMs(file.warnInterval),
    queue: {
      maxLength: queue.maxLength,
      concurrency: queue.concurrency,
      retryBaseMs: durationMs(queue.retryBase),
      retryMaxMs: durationMs(queue.retryMax),
      maxAttempts: queue.maxAttempts,
      maxAgeMs: durationMs(queue.maxAge),
      pollIntervalMs: durationMs(queue.pollInterval),
    },
  };
}
