import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { StoreChange } from '../../ports/claim-store.js';
import { createBoundedChangeInbox } from './bounded-change-inbox.js';

const logger = pino({ level: 'silent' });
const change = (key: string): StoreChange => ({ bucket: 'environments', key });

/** A reconcile the test releases by hand. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createBoundedChangeInbox', () => {
  it('hands every distinct key of a 10,000-key burst over exactly once, 8 at a time', async () => {
    const seen: string[] = [];
    let running = 0;
    let most = 0;
    let resyncs = 0;
    const inbox = createBoundedChangeInbox({
      onChange: async ({ key }) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(key);
        running--;
      },
      onOverflow: () => Promise.resolve(void resyncs++),
      logger,
    });
    for (let i = 0; i < 10_000; i++) inbox.notify(change(`env-${i}.json`));
    expect(inbox.pending).toBeLessThanOrEqual(10_000);
    await inbox.idle();
    expect(new Set(seen).size).toBe(10_000);
    expect(seen).toHaveLength(10_000);
    expect(most).toBe(8);
    expect(resyncs).toBe(0);
  });

  it('coalesces repeated events for one key while it waits', async () => {
    const blocker = gate();
    const seen: string[] = [];
    const inbox = createBoundedChangeInbox({
      onChange: async ({ key }) => {
        if (key === 'busy.json') await blocker.opened;
        seen.push(key);
      },
      onOverflow: () => Promise.resolve(),
      logger,
      concurrency: 1,
    });
    inbox.notify(change('busy.json'));
    for (let i = 0; i < 10_000; i++) inbox.notify(change('hot.json'));
    expect(inbox.pending).toBe(1);
    blocker.open();
    await inbox.idle();
    expect(seen).toEqual(['busy.json', 'hot.json']);
  });

  it('never holds more than its capacity: an overflow becomes one full resync', async () => {
    const blocker = gate();
    let resyncs = 0;
    let most = 0;
    const inbox = createBoundedChangeInbox({
      onChange: () => blocker.opened,
      onOverflow: async () => {
        resyncs++;
        await blocker.opened;
      },
      logger,
      capacity: 100,
      concurrency: 2,
    });
    for (let i = 0; i < 10_000; i++) {
      inbox.notify(change(`env-${i}.json`));
      most = Math.max(most, inbox.pending);
    }
    expect(most).toBe(100);
    // Overflows during a running resync ask for one more, not one each.
    blocker.open();
    await inbox.idle();
    expect(resyncs).toBe(2);
  });

  it('logs a failed re-read and goes on with the next key', async () => {
    const seen: string[] = [];
    const inbox = createBoundedChangeInbox({
      onChange: ({ key }) => {
        if (key === 'bad.json') return Promise.reject(new Error('EIO'));
        seen.push(key);
        return Promise.resolve();
      },
      onOverflow: () => Promise.resolve(),
      logger,
      concurrency: 1,
    });
    inbox.notify(change('bad.json'));
    inbox.notify(change('good.json'));
    await inbox.idle();
    expect(seen).toEqual(['good.json']);
  });

  it('returns from notify before any re-read starts', () => {
    let started = false;
    const inbox = createBoundedChangeInbox({
      onChange: () => Promise.resolve(void (started = true)),
      onOverflow: () => Promise.resolve(),
      logger,
    });
    inbox.notify(change('a.json'));
    expect(started).toBe(false);
  });
});
