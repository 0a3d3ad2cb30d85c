import type { NotificationEventType } from './notification-event.js';
import type { SinkFormat } from './notification-payload.js';

/** A webhook the platform notifies, resolved from `notifications.sinks`. */
export interface NotificationSink {
  readonly name: string;
  /** Secret-adjacent (a Slack webhook URL is a credential): never logged. */
  readonly url: string;
  readonly format: SinkFormat;
  /** The events it wants. */
  readonly events: readonly NotificationEventType[];
  /** Secret: values may be tokens (`secretEnv`); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** The delivery settings of the queue, in milliseconds (`notifications.queue`). */
export interface NotificationQueueSettings {
  readonly maxLength: number;
  readonly concurrency: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
  readonly pollIntervalMs: number;
}

/** `notifications`, resolved: secrets read from the environment, durations in ms. */
export interface NotificationSettings {
  readonly sinks: readonly NotificationSink[];
  readonly warnIntervalMs: number;
  readonly queue: NotificationQueueSettings;
}

/** The sinks that want an event of `type`. */
export function sinksFor(
  sinks: readonly NotificationSink[],
  type: NotificationEventType,
): NotificationSink[] {
  return sinks.filter((sink) => sink.events.includes(type));
}
