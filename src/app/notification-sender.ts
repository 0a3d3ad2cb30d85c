import type { Logger } from 'pino';
import { parseRetryAfter, retryDelayMs } from '../domain/notifications/delivery-backoff.js';
import { sinkBody } from '../domain/notifications/notification-payload.js';
import type {
  NotificationQueueSettings,
  NotificationSink,
} from '../domain/notifications/notification-sink.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationOutbox, OutboxDelivery } from '../ports/notification-outbox.js';

/** How one attempt ended, as `onDelivered` hears it. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'given-up';

/** Counters since start, for logs and a later metrics port. */
export interface SenderStats {
  readonly delivered: number;
  readonly retried: number;
  readonly givenUp: number;
  /** Offers that found the memory queue full (the delivery waits in the store). */
  readonly overflowed: number;
  /** Deliveries in memory now. */
  readonly queued: number;
}

export interface NotificationSender {
  /** A delivery just made durable in this process: queued in memory if there is room. */
  offer(delivery: OutboxDelivery): void;
  /**
   * Delivers until `signal` aborts: reads the outbox every `pollIntervalMs` (deliveries of
   * other replicas, of a previous run, or that overflowed the memory queue), sends with at
   * most `concurrency` in flight, retries with backoff. Resolves once stopped and nothing is
   * in flight; undelivered events stay in the outbox.
   */
  run(signal: AbortSignal): Promise<void>;
  stats(): SenderStats;
}

interface Entry {
  readonly delivery: OutboxDelivery;
  failures: number;
  /** Epoch ms before which it is not tried again. */
  notBefore: number;
  inFlight: boolean;
}

/** A keep-alive the sinks see, and the header receivers dedupe on. */
const USER_AGENT = 'platform-service-notifications';
/** How long delivered `expiring` ids are remembered past their expiry date. */
const MARKER_MARGIN_MS = 86_400_000;
/** A receiver status that asks to try again later; any other 4xx will not improve. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

const keyOf = ({ sink, event }: OutboxDelivery): string => `${sink}/${event.id}`;

/**
 * The delivery half of the notifications (issue 15): a bounded in-memory queue over the
 * durable outbox. A delivery leaves the outbox only after a 2xx (or when given up), so at
 * least once: a crash between the answer and the removal sends it again, which the stable
 * event id lets receivers drop. Secrets stay out of the logs: sinks are named, their URLs
 * and headers never written.
 */
export function createNotificationSender(deps: {
  outbox: NotificationOutbox;
  sinks: readonly NotificationSink[];
  queue: NotificationQueueSettings;
  clock: Clock;
  logger: Logger;
  fetchImpl?: typeof fetch;
  /** Told after each attempt (for a metrics counter of warnings sent, say). */
  onDelivered?: (delivery: OutboxDelivery, outcome: DeliveryOutcome) => void;
}): NotificationSender {
  const { outbox, queue, clock, logger } = deps;
  const fetchImpl = deps.fetchImpl ?? fetch;
  const sinks = new Map(deps.sinks.map((sink) => [sink.name, sink]));
  const backoff = { baseMs: queue.retryBaseMs, maxMs: queue.retryMaxMs };
  const entries = new Map<string, Entry>();
  // Finished while a poll was reading: the poll may have read them before their removal.
  const finishedDuringPoll = new Set<string>();
  const counts = { delivered: 0, retried: 0, givenUp: 0, overflowed: 0 };
  let running = false;
  let wake: (() => void) | undefined;
  const poke = (): void => wake?.();

  function admit(delivery: OutboxDelivery): boolean {
    const key = keyOf(delivery);
    if (entries.has(key)) return true;
    if (entries.size >= queue.maxLength) return false;
    entries.set(key, { delivery, failures: 0, notBefore: 0, inFlight: false });
    return true;
  }

  /** Leaves the outbox: with a marker for `expiring`, so the same date is not warned again. */
  async function finish(delivery: OutboxDelivery): Promise<void> {
    const { event } = delivery;
    const expires = event.expires_at === null ? Number.NaN : Date.parse(event.expires_at);
    const keepUntil =
      event.type === 'expiring' && !Number.isNaN(expires)
        ? new Date(expires + MARKER_MARGIN_MS)
        : undefined;
    await outbox.complete(delivery, keepUntil);
    entries.delete(keyOf(delivery));
    finishedDuringPoll.add(keyOf(delivery));
  }

  async function attempt(entry: Entry, signal: AbortSignal): Promise<void> {
    const { delivery } = entry;
    const { event } = delivery;
    const sink = sinks.get(delivery.sink);
    const age = clock.now().getTime() - Date.parse(event.time);
    if (sink === undefined || age > queue.maxAgeMs) {
      // A sink removed from the config, or an event too old to matter any more.
      logger.error(
        { sink: delivery.sink, event: event.id, type: event.type, attempts: entry.failures },
        sink === undefined
          ? 'notification dropped: no such sink configured'
          : 'notification given up: too old',
      );
      counts.givenUp++;
      deps.onDelivered?.(delivery, 'given-up');
      await finish(delivery);
      return;
    }
    let retryAfterMs: number | undefined;
    let problem: string;
    let permanent = false;
    try {
      const response = await fetchImpl(sink.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-platform-event-id': event.id,
          'x-platform-event-type': event.type,
          ...sink.headers,
        },
        body: sinkBody(event, sink.format),
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(sink.timeoutMs)]),
      });
      // The body is not needed; reading it frees the connection for the next delivery.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        counts.delivered++;
        deps.onDelivered?.(delivery, 'delivered');
        logger.info(
          { sink: sink.name, event: event.id, type: event.type, attempts: entry.failures + 1 },
          'notification delivered',
        );
        await finish(delivery);
        return;
      }
      problem = `HTTP ${response.status}`;
      if (response.status === 429 || response.status === 503) {
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
      }
      permanent =
        response.status >= 400 && response.status < 500 && !RETRYABLE_4XX.has(response.status);
    } catch (error) {
      if (signal.aborted) return; // stopping: it stays in the outbox for the next leader
      const cause = (error as { cause?: { code?: unknown } }).cause;
      problem =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${sink.timeoutMs} ms`
          : `${(error as Error).name}${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`;
    }
    entry.failures++;
    if (permanent || entry.failures >= queue.maxAttempts) {
      logger.error(
        { sink: sink.name, event: event.id, type: event.type, attempts: entry.failures, problem },
        'notification given up',
      );
      counts.givenUp++;
      deps.onDelivered?.(delivery, 'given-up');
      await finish(delivery);
      return;
    }
    const delay = retryDelayMs(entry.failures, backoff, retryAfterMs);
    entry.notBefore = clock.now().getTime() + delay;
    counts.retried++;
    deps.onDelivered?.(delivery, 'retry');
    logger.warn(
      { sink: sink.name, event: event.id, attempts: entry.failures, problem, retryInMs: delay },
      'notification not delivered; will retry',
    );
  }

  async function poll(): Promise<void> {
    if (entries.size >= queue.maxLength) return;
    finishedDuringPoll.clear();
    for (const delivery of await outbox.pending(queue.maxLength)) {
      if (finishedDuringPoll.has(keyOf(delivery))) continue;
      if (!admit(delivery)) break;
    }
    finishedDuringPoll.clear();
  }

  return {
    offer(delivery) {
      if (!running) return; // not the leader here: the leader's poll finds it in the store
      if (admit(delivery)) poke();
      else {
        counts.overflowed++;
        logger.warn(
          { sink: delivery.sink, event: delivery.event.id, queued: entries.size },
          'notification queue full; the event waits in the store for the next poll',
        );
      }
    },

    async run(signal) {
      running = true;
      const inFlight = new Set<Promise<void>>();
      let nextPoll = 0;
      try {
        while (!signal.aborted) {
          const now = clock.now().getTime();
          if (now >= nextPoll) {
            nextPoll = now + queue.pollIntervalMs;
            await poll().catch((error: unknown) =>
              logger.error(
                { err: error },
                'could not read the notification outbox; retrying at the next poll',
              ),
            );
          }
          const ready = [...entries.values()]
            .filter((entry) => !entry.inFlight && entry.notBefore <= now)
            .sort((a, b) => a.delivery.event.time.localeCompare(b.delivery.event.time));
          for (const entry of ready) {
            if (inFlight.size >= queue.concurrency) break;
            entry.inFlight = true;
            const task: Promise<void> = attempt(entry, signal)
              .catch((error: unknown) => {
                // The outbox failed to record a result: the delivery is tried again later.
                entry.notBefore = clock.now().getTime() + queue.retryBaseMs;
                logger.error(
                  { err: error, sink: entry.delivery.sink },
                  'notification bookkeeping failed',
                );
              })
              .finally(() => {
                entry.inFlight = false;
                inFlight.delete(task);
                poke();
              });
            inFlight.add(task);
          }
          let nextDue = nextPoll;
          for (const entry of entries.values()) {
            if (!entry.inFlight) nextDue = Math.min(nextDue, entry.notBefore);
          }
          const sleep = inFlight.size >= queue.concurrency ? nextPoll - now : nextDue - now;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Math.max(sleep, 1));
            const onAbort = (): void => done();
            signal.addEventListener('abort', onAbort, { once: true });
            wake = done;
            function done(): void {
              clearTimeout(timer);
              signal.removeEventListener('abort', onAbort);
              wake = undefined;
              resolve();
            }
          });
        }
      } finally {
        running = false;
        await Promise.allSettled(inFlight);
        entries.clear();
      }
    },

    stats() {
      return { ...counts, queued: entries.size };
    },
  };
}
