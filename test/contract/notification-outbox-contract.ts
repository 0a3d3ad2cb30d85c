import { describe, expect, it } from 'vitest';
import {
  notificationEvent,
  type NotificationEvent,
} from '../../src/domain/notifications/notification-event.js';
import type { NotificationOutbox } from '../../src/ports/notification-outbox.js';
import { withHarness } from './with-harness.js';

export interface NotificationOutboxHarness {
  readonly outbox: NotificationOutbox;
  /** A second outbox on the same storage, as after a restart or on another replica. */
  readonly reopen: () => Promise<NotificationOutbox>;
  /** Stores a damaged pending delivery for `sink` behind the outbox's back. */
  readonly writeDamaged: (sink: string) => Promise<void>;
  close(): Promise<void>;
}

function event(environment: string, expiresAt = '2026-01-15T12:00:00Z'): NotificationEvent {
  return notificationEvent({
    type: 'expiring',
    subject: {
      environment,
      environment_type: 'sue',
      pool: 'checkout',
      user: 'alice@example.com',
      expires_at: expiresAt,
    },
    time: '2026-01-15T10:00:00Z',
  });
}

const ids = (deliveries: { sink: string; event: NotificationEvent }[]): string[] =>
  deliveries.map(({ sink, event: e }) => `${sink}/${e.environment}`).sort();

/**
 * The behaviour every `NotificationOutbox` adapter must have (fs and S3). Each adapter's
 * test file calls this with a factory for a fresh, empty outbox.
 */
export function describeNotificationOutboxContract(
  name: string,
  create: () => Promise<NotificationOutboxHarness>,
): void {
  describe(`NotificationOutbox contract: ${name}`, () => {
    const withOutbox = withHarness(create);

    it(
      'keeps what was added until completed, per sink, and refuses an id that is pending',
      withOutbox(async ({ outbox }) => {
        expect(await outbox.pending(10)).toEqual([]);
        const a = event('sue-a');
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(true);
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(false);
        expect(await outbox.add({ sink: 'chat', event: a })).toBe(true);
        expect(await outbox.add({ sink: 'ops', event: event('sue-b') })).toBe(true);
        const pending = await outbox.pending(10);
        expect(ids(pending)).toEqual(['chat/sue-a', 'ops/sue-a', 'ops/sue-b']);
        expect(
          pending.find((d) => d.sink === 'ops' && d.event.environment === 'sue-a')?.event,
        ).toEqual(a);

        await outbox.complete({ sink: 'ops', event: a });
        expect(ids(await outbox.pending(10))).toEqual(['chat/sue-a', 'ops/sue-b']);
        // Completed without a marker: the same id may be queued again.
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(true);
      }),
    );

    it(
      'a delivered marker refuses the same id until pruned after its keepUntil',
      withOutbox(async ({ outbox }) => {
        const a = event('sue-a');
        await outbox.add({ sink: 'ops', event: a });
        await outbox.complete({ sink: 'ops', event: a }, new Date('2026-01-15T12:00:00Z'));
        expect(await outbox.pending(10)).toEqual([]);
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(false);
        // Another expiry date is another warning.
        expect(
          await outbox.add({ sink: 'ops', event: event('sue-a', '2026-01-16T12:00:00Z') }),
        ).toBe(true);
        expect(await outbox.prune(new Date('2026-01-15T11:59:00Z'))).toBe(0);
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(false);
        expect(await outbox.prune(new Date('2026-01-15T12:00:01Z'))).toBe(1);
        expect(await outbox.add({ sink: 'ops', event: a })).toBe(true);
      }),
    );

    it(
      'what was added survives a reopen (a restart), markers too',
      withOutbox(async ({ outbox, reopen }) => {
        const a = event('sue-a');
        const b = event('sue-b');
        await outbox.add({ sink: 'ops', event: a });
        await outbox.add({ sink: 'ops', event: b });
        await outbox.complete({ sink: 'ops', event: b }, new Date('2026-01-15T12:00:00Z'));
        const again = await reopen();
        expect(await again.pending(10)).toEqual([{ sink: 'ops', event: a }]);
        expect(await again.add({ sink: 'ops', event: b })).toBe(false);
      }),
    );

    it(
      'of concurrent adds of one id exactly one wins',
      withOutbox(async ({ outbox, reopen }) => {
        const other = await reopen();
        const a = event('sue-a');
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? other : outbox).add({ sink: 'ops', event: a }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await outbox.pending(10)).toHaveLength(1);
      }),
    );

    it(
      'pending returns at most limit, and skips a damaged delivery instead of failing',
      withOutbox(async ({ outbox, writeDamaged }) => {
        for (const environment of ['sue-a', 'sue-b', 'sue-c']) {
          await outbox.add({ sink: 'ops', event: event(environment) });
        }
        await writeDamaged('ops');
        expect(await outbox.pending(2)).toHaveLength(2);
        expect(ids(await outbox.pending(10))).toEqual(['ops/sue-a', 'ops/sue-b', 'ops/sue-c']);
      }),
    );

    it(
      'refuses a sink name that is not a key segment',
      withOutbox(async ({ outbox }) => {
        await expect(outbox.add({ sink: '../x', event: event('sue-a') })).rejects.toThrow(
          TypeError,
        );
      }),
    );
  });
}
