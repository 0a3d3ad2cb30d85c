import type { Logger } from 'pino';
import type { LeaderLock, LeaderTerm } from '../../ports/leader-lock.js';

/**
 * The leader lock of a single process (the embedded default): the campaign is elected at
 * once, synchronously inside `campaign`, and the term lasts until `signal` aborts. Only
 * one campaign may hold it at a time in one process, as with a shared lock: a second
 * `campaign` waits until the first's term has ended and its work settled. A failing term's
 * work ends the term; it is elected again `retryMs` later.
 */
export function createLocalLeaderLock(
  options: { logger?: Logger; retryMs?: number } = {},
): LeaderLock {
  const { logger } = options;
  const retryMs = options.retryMs ?? 2_000;
  let holder: Promise<void> | undefined;

  async function runTerm(
    campaignSignal: AbortSignal,
    onElected: (term: LeaderTerm) => Promise<void> | void,
  ): Promise<void> {
    const controller = new AbortController();
    const { signal } = controller;
    const onStop = (): void => controller.abort(new Error('leader term ended: stopped'));
    campaignSignal.addEventListener('abort', onStop, { once: true });
    const term: LeaderTerm = { signal, stillLeader: () => Promise.resolve(!signal.aborted) };
    // Async, so a synchronous throw of `onElected` ends the term like a rejection.
    const work = (async () => onElected(term))().catch((error: unknown) => {
      logger?.error({ err: error }, 'the leader work failed; giving up this term');
      controller.abort(new Error('leader term ended: the leader work failed'));
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await work;
    campaignSignal.removeEventListener('abort', onStop);
  }

  return {
    async campaign(signal, onElected) {
      while (!signal.aborted) {
        while (holder) await holder;
        if (signal.aborted) return;
        const term = runTerm(signal, onElected);
        holder = term;
        await term;
        holder = undefined;
        if (!signal.aborted) await sleep(retryMs, signal);
      }
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
