import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalLeaderLock } from '../../src/adapters/local-leader-lock/local-leader-lock.js';
import { afterReady, startLeaderControllers } from '../../src/controllers/leader-controllers.js';
import type { LeaderLock, LeaderTerm } from '../../src/ports/leader-lock.js';

const logger = pino({ level: 'silent' });

/** A lock the test elects and deposes by hand; `elected` resolves with each term's work. */
function manualLock(): {
  lock: LeaderLock;
  elect: () => { depose(): void; work: Promise<void> };
} {
  let onElected: ((term: LeaderTerm) => Promise<void> | void) | undefined;
  return {
    lock: {
      campaign(signal, handler) {
        onElected = handler;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    },
    elect: () => {
      const controller = new AbortController();
      const term: LeaderTerm = {
        signal: controller.signal,
        stillLeader: () => Promise.resolve(!controller.signal.aborted),
      };
      const work = Promise.resolve(onElected!(term));
      return { depose: () => controller.abort(), work };
    },
  };
}

/** A controller that logs its start and stop, stopping `stopMs` after its signal aborts. */
function recorder(name: string, events: string[], stopMs = 20) {
  return async (signal: AbortSignal): Promise<void> => {
    events.push(`${name} started`);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await new Promise((resolve) => setTimeout(resolve, stopMs));
    events.push(`${name} stopped`);
  };
}

describe('startLeaderControllers', () => {
  it('runs the controllers only during a term, awaits their stop, and starts them at the next', async () => {
    const { lock, elect } = manualLock();
    const events: string[] = [];
    const lifetime = new AbortController();
    const stopped = startLeaderControllers({
      lock,
      controllers: [recorder('reaper', events), recorder('resync', events, 50)],
      logger,
      signal: lifetime.signal,
    });
    expect(events).toEqual([]);

    const first = elect();
    expect(events).toEqual(['reaper started', 'resync started']);
    first.depose();
    await first.work;
    // The term's work settles only once both loops have stopped.
    expect(events).toEqual([
      'reaper started',
      'resync started',
      'reaper stopped',
      'resync stopped',
    ]);

    const second = elect();
    expect(events.slice(4)).toEqual(['reaper started', 'resync started']);
    second.depose();
    await second.work;
    expect(events.slice(6)).toEqual(['reaper stopped', 'resync stopped']);
    lifetime.abort();
    await stopped;
  });

  it('a failing controller stops its siblings and ends the term with its error', async () => {
    const { lock, elect } = manualLock();
    const events: string[] = [];
    const lifetime = new AbortController();
    const stopped = startLeaderControllers({
      lock,
      controllers: [
        recorder('reaper', events),
        async () => {
          await Promise.resolve();
          throw new Error('broken loop');
        },
      ],
      logger,
      signal: lifetime.signal,
    });
    const term = elect();
    await expect(term.work).rejects.toThrow('broken loop');
    expect(events).toEqual(['reaper started', 'reaper stopped']);
    lifetime.abort();
    await stopped;
  });

  it('with the local lock, starts the controllers inside the call and stops them on abort', async () => {
    const events: string[] = [];
    const lifetime = new AbortController();
    const stopped = startLeaderControllers({
      lock: createLocalLeaderLock(),
      controllers: [recorder('queue', events)],
      logger,
      signal: lifetime.signal,
    });
    expect(events).toEqual(['queue started']);
    lifetime.abort();
    await stopped;
    expect(events).toEqual(['queue started', 'queue stopped']);
  });
});

describe('afterReady', () => {
  const term: LeaderTerm = {
    signal: new AbortController().signal,
    stillLeader: () => Promise.resolve(true),
  };

  it('starts the controller once the index is loaded', async () => {
    const events: string[] = [];
    let load!: () => void;
    const ready = new Promise<void>((resolve) => (load = resolve));
    const controller = new AbortController();
    const done = afterReady(ready, recorder('reaper', events))(controller.signal, term);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([]);
    load();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(['reaper started']);
    controller.abort();
    await done;
    expect(events).toEqual(['reaper started', 'reaper stopped']);
  });

  it('never starts it if the load fails or the term ends first', async () => {
    const events: string[] = [];
    const failed = Promise.reject(new Error('load failed'));
    await afterReady(failed, recorder('reaper', events))(new AbortController().signal, term);
    const ended = new AbortController();
    const pending = afterReady(new Promise<void>(() => undefined), recorder('resync', events));
    const done = pending(ended.signal, term);
    ended.abort();
    await done;
    expect(events).toEqual([]);
  });
});
