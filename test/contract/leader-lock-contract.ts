import { afterEach, describe, expect, it } from 'vitest';
import type { LeaderLock, LeaderTerm } from '../../src/ports/leader-lock.js';
import { withHarness } from './with-harness.js';

export interface LeaderLockHarness {
  /** The lock as one more replica on the same backend would open it. */
  readonly openReplica: () => LeaderLock;
  close(): Promise<void>;
}

/** The promise of a 10 s takeover, as the upper bound of every wait. */
export const TAKEOVER_MS = 10_000;

/** Campaigns a failed test left running, stopped after it. */
const running = new Set<AbortController>();

/** A campaign recording what happens, in order, to a shared `events` log. */
export interface Campaigner {
  readonly name: string;
  readonly terms: LeaderTerm[];
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

export function campaign(
  lock: LeaderLock,
  name: string,
  events: string[],
  work: (term: LeaderTerm) => Promise<void> | void = () => undefined,
): Campaigner {
  const controller = new AbortController();
  running.add(controller);
  const terms: LeaderTerm[] = [];
  const stopped = lock.campaign(controller.signal, (term) => {
    terms.push(term);
    events.push(`${name} elected`);
    term.signal.addEventListener('abort', () => events.push(`${name} term aborted`), {
      once: true,
    });
    return work(term);
  });
  return {
    name,
    terms,
    stopped,
    stop: () => {
      running.delete(controller);
      controller.abort();
      return stopped;
    },
  };
}

/** Resolves once `predicate` holds; fails after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean,
  timeoutMs = TAKEOVER_MS,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The contract every `LeaderLock` keeps, run against each adapter. */
export function describeLeaderLockContract(
  name: string,
  createHarness: () => Promise<LeaderLockHarness>,
): void {
  describe(`LeaderLock contract: ${name}`, () => {
    const test = withHarness(createHarness);
    afterEach(() => {
      for (const controller of running) controller.abort();
      running.clear();
    });

    it(
      'elects a lone campaign, which is the leader until it stops',
      test(async ({ openReplica }) => {
        const events: string[] = [];
        const one = campaign(openReplica(), 'one', events);
        await eventually(() => one.terms.length === 1, TAKEOVER_MS, 'an election');
        const term = one.terms[0]!;
        expect(term.signal.aborted).toBe(false);
        expect(await term.stillLeader()).toBe(true);
        await one.stop();
        expect(term.signal.aborted).toBe(true);
        expect(await term.stillLeader()).toBe(false);
        expect(events).toEqual(['one elected', 'one term aborted']);
      }),
    );

    it(
      'elects exactly one of two replicas; the other takes over once the first stops',
      test(async ({ openReplica }) => {
        const events: string[] = [];
        // The term's work ends a little after its signal: the next election must wait for it.
        const work = async (term: LeaderTerm): Promise<void> => {
          await new Promise((resolve) => term.signal.addEventListener('abort', resolve));
          await new Promise((resolve) => setTimeout(resolve, 100));
          events.push('work stopped');
        };
        const a = campaign(openReplica(), 'a', events, work);
        const b = campaign(openReplica(), 'b', events, work);
        await eventually(() => events.length > 0, TAKEOVER_MS, 'an election');
        // Two more check intervals: still one leader.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(events).toHaveLength(1);
        const [first, second] = events[0] === 'a elected' ? [a, b] : [b, a];
        expect(await first.terms[0]!.stillLeader()).toBe(true);
        expect(second.terms).toHaveLength(0);

        await first.stop();
        // The campaign resolves only once its term's work has stopped.
        expect(events).toContain('work stopped');
        await eventually(() => second.terms.length === 1, TAKEOVER_MS, 'the takeover');
        expect(events).toEqual([
          `${first.name} elected`,
          `${first.name} term aborted`,
          'work stopped',
          `${second.name} elected`,
        ]);
        expect(await second.terms[0]!.stillLeader()).toBe(true);
        await second.stop();
      }),
    );

    it(
      'ends a term whose work fails, and elects again',
      test(async ({ openReplica }) => {
        const events: string[] = [];
        let calls = 0;
        const one = campaign(openReplica(), 'one', events, () => {
          calls++;
          if (calls === 1) throw new Error('the leader work broke');
        });
        await eventually(() => one.terms.length === 2, TAKEOVER_MS, 'a second election');
        expect(one.terms[0]!.signal.aborted).toBe(true);
        expect(one.terms[1]!.signal.aborted).toBe(false);
        await one.stop();
        expect(events).toEqual([
          'one elected',
          'one term aborted',
          'one elected',
          'one term aborted',
        ]);
      }),
    );

    it(
      'does not elect a campaign whose signal is already aborted',
      test(async ({ openReplica }) => {
        let elected = false;
        await openReplica().campaign(AbortSignal.abort(), () => {
          elected = true;
        });
        expect(elected).toBe(false);
      }),
    );
  });
}
