import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsNotificationOutbox } from '../../src/adapters/fs-notification-outbox/fs-notification-outbox.js';
import { createNotifier } from '../../src/app/notification-service.js';
import {
  createNotificationSender,
  type DeliveryOutcome,
} from '../../src/app/notification-sender.js';
import type { Claim } from '../../src/domain/claims/claim-schema.js';
import type {
  NotificationQueueSettings,
  NotificationSink,
} from '../../src/domain/notifications/notification-sink.js';
import { systemClock } from '../../src/ports/clock.js';
import type { NotificationOutbox } from '../../src/ports/notification-outbox.js';
import { waitFor } from '../e2e/serve-helper.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const logger = pino({ level: 'silent' });
const QUEUE: NotificationQueueSettings = {
  maxLength: 100,
  concurrency: 2,
  retryBaseMs: 20,
  retryMaxMs: 2_000,
  maxAttempts: 5,
  maxAgeMs: 3_600_000,
  pollIntervalMs: 50,
};

function environment(name: string, expiresInMs: number | null = 3_600_000) {
  const claim = {
    environment_name: name,
    environment_type: 'sue',
    environment_pool: 'checkout',
    user: 'alice@example.com',
    creation_date: '2026-01-15T10:00:00Z',
    services: {},
  } as unknown as Claim;
  return {
    claim,
    expiresAt: expiresInMs === null ? null : new Date(Date.now() + expiresInMs),
  };
}

let root: string;
let receiver: WebhookReceiver;
let outbox: NotificationOutbox;
const stops: AbortController[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sender-'));
  receiver = await startWebhookReceiver();
  outbox = await createFsNotificationOutbox(root);
});
afterEach(async () => {
  for (const stop of stops.splice(0)) stop.abort();
  await receiver.close();
  await rm(root, { recursive: true, force: true });
});

function platform(
  options: { sinks?: NotificationSink[]; queue?: Partial<NotificationQueueSettings> } = {},
) {
  const sinks = options.sinks ?? [
    {
      name: 'ops',
      url: `${receiver.url}/hook`,
      format: 'json',
      events: ['expiring', 'expired', 'created', 'deleted', 'failed'],
      headers: { authorization: 'Bearer s3cret' },
      timeoutMs: 2_000,
    },
  ];
  const outcomes: { sink: string; id: string; outcome: DeliveryOutcome }[] = [];
  const sender = createNotificationSender({
    outbox,
    sinks,
    queue: { ...QUEUE, ...options.queue },
    clock: systemClock,
    logger,
    onDelivered: (delivery, outcome) =>
      outcomes.push({ sink: delivery.sink, id: delivery.event.id, outcome }),
  });
  const notifier = createNotifier({
    outbox,
    sinks,
    clock: systemClock,
    logger,
    offer: (delivery) => sender.offer(delivery),
  });
  const start = () => {
    const stop = new AbortController();
    stops.push(stop);
    const stopped = sender.run(stop.signal);
    return { stop: () => (stop.abort(), stopped) };
  };
  return { sender, notifier, outcomes, start };
}

describe('notification sender against a real HTTP receiver', () => {
  it('POSTs the event as JSON with its id and the sink headers, then leaves the outbox', async () => {
    const { notifier, outcomes, start } = platform();
    start();
    expect(await notifier.publish('created', environment('sue-a'), { occurrence: 'etag-1' })).toBe(
      1,
    );
    await waitFor('delivery', () => (receiver.received.length === 1 ? true : undefined));
    const [request] = receiver.received;
    expect(request?.path).toBe('/hook');
    expect(request?.headers.authorization).toBe('Bearer s3cret');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = request?.body as { id: string; type: string; environment: string; user: string };
    expect(body).toMatchObject({
      type: 'created',
      environment: 'sue-a',
      user: 'alice@example.com',
    });
    expect(request?.headers['x-platform-event-id']).toBe(body.id);
    await waitFor('the outbox to empty', async () =>
      (await outbox.pending(10)).length === 0 ? true : undefined,
    );
    expect(outcomes).toEqual([{ sink: 'ops', id: body.id, outcome: 'delivered' }]);
  });

  it('retries a sink that answers 503, waiting at least its Retry-After', async () => {
    receiver.answerWith((_, count) =>
      count === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { notifier, outcomes, start } = platform();
    start();
    await notifier.publish('deleted', environment('sue-a'), { occurrence: 'etag-1' });
    // The sender hears the second answer after the receiver has recorded the request.
    await waitFor('the retry', () => (outcomes.length === 2 ? true : undefined), 10_000);
    expect(outcomes.map((o) => o.outcome)).toEqual(['retry', 'delivered']);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.body).toEqual(receiver.received[0]?.body);
  });

  it('honours Retry-After: the second attempt comes no sooner than asked', async () => {
    const at: number[] = [];
    receiver.answerWith((_, count) => {
      at.push(Date.now());
      return count === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 };
    });
    const { notifier, start } = platform();
    start();
    await notifier.publish('deleted', environment('sue-a'), { occurrence: 'etag-1' });
    await waitFor('the retry', () => (at.length === 2 ? true : undefined), 10_000);
    // The computed backoff alone would be 20 ms.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a 4xx that cannot improve, and after maxAttempts otherwise', async () => {
    receiver.answerWith((request) =>
      (request.body as { environment: string }).environment === 'sue-bad'
        ? { status: 400 }
        : { status: 500 },
    );
    const { notifier, outcomes, start } = platform({ queue: { maxAttempts: 3 } });
    start();
    await notifier.publish('created', environment('sue-bad'), { occurrence: '1' });
    await notifier.publish('created', environment('sue-down'), { occurrence: '1' });
    await waitFor('both given up', () =>
      outcomes.filter((o) => o.outcome === 'given-up').length === 2 ? true : undefined,
    );
    const tries = (name: string) =>
      receiver.received.filter((r) => (r.body as { environment: string }).environment === name)
        .length;
    expect(tries('sue-bad')).toBe(1);
    expect(tries('sue-down')).toBe(3);
    expect(await outbox.pending(10)).toEqual([]);
  });

  it('a full memory queue leaves events in the store; the poll delivers every one', async () => {
    const { notifier, sender, start } = platform({ queue: { maxLength: 1, concurrency: 1 } });
    receiver.answerWith(() => 'hang');
    const running = start();
    for (const name of ['sue-a', 'sue-b', 'sue-c', 'sue-d']) {
      await notifier.publish('created', environment(name), { occurrence: '1' });
    }
    expect(sender.stats().overflowed).toBeGreaterThan(0);
    expect(sender.stats().queued).toBe(1);
    // Nothing was lost: all four are in the store.
    expect(await outbox.pending(10)).toHaveLength(4);
    await running.stop();
    receiver.answerWith(() => ({ status: 204 }));
    start();
    await waitFor('all four', () => {
      const names = new Set(
        receiver.received.map((r) => (r.body as { environment: string }).environment),
      );
      return names.size === 4 ? true : undefined;
    });
  });

  it('what a stopped sender did not deliver, a new one delivers (a restart)', async () => {
    receiver.answerWith(() => ({ status: 503 }));
    const first = platform();
    const running = first.start();
    await first.notifier.publish('expired', environment('sue-a', -1000));
    await waitFor('an attempt', () => (receiver.received.length > 0 ? true : undefined));
    await running.stop();
    expect(await outbox.pending(10)).toHaveLength(1);

    receiver.answerWith(() => ({ status: 204 }));
    const second = platform();
    second.start();
    await waitFor('delivery after restart', () =>
      second.outcomes.some((o) => o.outcome === 'delivered') ? true : undefined,
    );
    expect(await outbox.pending(10)).toEqual([]);
  });

  it('an expiring warning is queued once per expiry date, also after delivery', async () => {
    const { notifier, start } = platform();
    start();
    const env = environment('sue-a');
    expect(await notifier.publish('expiring', env)).toBe(1);
    expect(await notifier.publish('expiring', env)).toBe(0);
    await waitFor('delivery', () => (receiver.received.length === 1 ? true : undefined));
    await waitFor('the outbox to empty', async () =>
      (await outbox.pending(10)).length === 0 ? true : undefined,
    );
    expect(await notifier.publish('expiring', env)).toBe(0);
    // Extended: a new date is a new warning.
    const extended = { ...env, expiresAt: new Date(env.expiresAt!.getTime() + 60_000) };
    expect(await notifier.publish('expiring', extended)).toBe(1);
  });

  it('a slack sink gets {text, blocks}; a sink only gets the events it asked for', async () => {
    const { notifier, start } = platform({
      sinks: [
        {
          name: 'chat',
          url: `${receiver.url}/slack`,
          format: 'slack',
          events: ['expiring'],
          headers: {},
          timeoutMs: 2_000,
        },
      ],
    });
    start();
    expect(await notifier.publish('created', environment('sue-a'), { occurrence: '1' })).toBe(0);
    await notifier.publish('expiring', environment('sue-a'));
    await waitFor('delivery', () => (receiver.received.length === 1 ? true : undefined));
    const body = receiver.received[0]?.body as { text: string; blocks: { type: string }[] };
    expect(receiver.received[0]?.path).toBe('/slack');
    expect(body.text).toMatch(/^Environment sue-a \(sue\) expires soon: at /);
    expect(body.blocks.map((block) => block.type)).toEqual(['section', 'context']);
  });
});
