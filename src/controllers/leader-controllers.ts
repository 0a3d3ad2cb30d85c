import type { Logger } from 'pino';
import type { LeaderLock, LeaderTerm } from '../ports/leader-lock.js';

/**
 * A controller that runs for one leader term: starts its loop on `signal` (aborted when the
 * term ends or a sibling failed) and resolves once the loop has stopped.
 */
export type TermController = (signal: AbortSignal, term: LeaderTerm) => Promise<void>;

/**
 * Runs the controllers that must run once across the replicas: all of them while this
 * replica holds a leader term, none otherwise. When the term ends they are stopped, and
 * the lock is let go (or campaigned for again) only once every one has stopped; the next
 * election starts them afresh. A controller that fails ends the term for all of them.
 * Resolves once `signal` aborted and everything stopped.
 */
export function startLeaderControllers(options: {
  lock: LeaderLock;
  controllers: readonly TermController[];
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { controllers, logger } = options;
  return options.lock.campaign(options.signal, async (term) => {
    const running = new AbortController();
    const stop = (): void => running.abort(term.signal.reason);
    term.signal.addEventListener('abort', stop, { once: true });
    logger.info({ controllers: controllers.length }, 'leader: starting the leader loops');
    const results = await Promise.allSettled(
      controllers.map(async (start) => {
        try {
          await start(running.signal, term);
        } catch (error) {
          running.abort(error);
          throw error;
        }
      }),
    );
    term.signal.removeEventListener('abort', stop);
    logger.info('leader: the leader loops stopped');
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
}

/**
 * `controller`, started only once `ready` resolves (the claim index is loaded): a replica
 * still loading must not reap or re-render from a partial index. Never started if `ready`
 * rejects or the term ends first.
 */
export function afterReady(ready: Promise<void>, controller: TermController): TermController {
  return async (signal, term) => {
    const loaded = await Promise.race([
      ready.then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        if (signal.aborted) resolve(false);
        else signal.addEventListener('abort', () => resolve(false), { once: true });
      }),
    ]);
    if (loaded && !signal.aborted) await controller(signal, term);
  };
}
