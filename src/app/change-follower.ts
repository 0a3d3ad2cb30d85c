import type { Logger } from 'pino';
import type { StoreChange } from '../ports/claim-store.js';

const MAX_RETRY_MS = 30_000;
/**
 * Change-feed keys reconciled at once. A resync that finds many changes (a restore, a bulk
 * `mc cp`) queues them; a bound keeps reads and memory flat instead of starting all at once.
 */
export const FEED_CONCURRENCY = 8;

export interface ChangeFollower {
  /** Queues a change-feed key; a key already waiting is not queued twice (bursts coalesce). */
  enqueue(change: StoreChange): void;
  /**
   * Reconciles one key now and, if that fails (an I/O error, say), again with back-off
   * until it succeeds or `stopped()` says so: an unchanged file would never be reported again.
   */
  follow(change: StoreChange): Promise<void>;
}

/** Turns change-feed keys into reconciles, at most `FEED_CONCURRENCY` at a time, retried. */
export function createChangeFollower(deps: {
  reconcile: (change: StoreChange) => Promise<void>;
  stopped: () => boolean;
  logger: Logger;
}): ChangeFollower {
  const { reconcile, stopped, logger } = deps;
  const queued = new Map<string, StoreChange>();
  let running = 0;

  async function follow(change: StoreChange, attempt = 0): Promise<void> {
    try {
      await reconcile(change);
    } catch (error) {
      if (stopped()) return;
      const retryInMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** attempt);
      const { bucket, key } = change;
      logger.error({ err: error, bucket, key, retry_in_ms: retryInMs }, 'reconcile failed');
      setTimeout(() => void follow(change, attempt + 1), retryInMs).unref();
    }
  }

  function drain(): void {
    while (running < FEED_CONCURRENCY && queued.size > 0) {
      const [id, change] = queued.entries().next().value as [string, StoreChange];
      queued.delete(id);
      running++;
      void follow(change).finally(() => {
        running--;
        drain();
      });
    }
  }

  return {
    enqueue(change) {
      const id = `${change.bucket}/${change.key}`;
      if (queued.has(id)) return;
      queued.set(id, { bucket: change.bucket, key: change.key });
      drain();
    },
    follow: (change) => follow(change),
  };
}
