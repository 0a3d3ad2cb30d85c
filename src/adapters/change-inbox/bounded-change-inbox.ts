import type { Logger } from 'pino';
import type { ChangeInbox } from '../../ports/change-inbox.js';
import type { StoreChange } from '../../ports/claim-store.js';

/**
 * Keys waiting at most. An entry is a bucket and a key (S3 caps keys at 1 KiB, claim keys
 * are a few dozen bytes), so the queue stays under a few MiB however many events arrive;
 * 16,384 absorbs a burst of 10,000 distinct uploads without the fallback.
 */
export const DEFAULT_INBOX_CAPACITY = 16_384;
/** Keys re-read at once; the claim sync serialises per name behind this. */
export const DEFAULT_INBOX_CONCURRENCY = 8;

export interface BoundedChangeInbox extends ChangeInbox {
  /** Keys queued and not yet started. */
  readonly pending: number;
  /** Resolves once nothing is queued or running (for tests and shutdown). */
  idle(): Promise<void>;
}

/**
 * A `ChangeInbox` that coalesces per key and hands each key to `onChange` with bounded
 * concurrency. A key already waiting is not queued twice, so 10,000 events for one key
 * cost one entry. When `capacity` distinct keys are waiting, the queue is dropped and
 * `onOverflow` (a full resync, which re-reads every key) runs once instead: memory stays
 * bounded and no change is lost. A failed `onChange` is logged and left to the store's
 * periodic resync, which finds the key changed (its etag differs) and retries it.
 */
export function createBoundedChangeInbox(deps: {
  onChange: (change: StoreChange) => Promise<void>;
  onOverflow: () => Promise<void>;
  logger: Logger;
  capacity?: number;
  concurrency?: number;
}): BoundedChangeInbox {
  const capacity = deps.capacity ?? DEFAULT_INBOX_CAPACITY;
  const concurrency = deps.concurrency ?? DEFAULT_INBOX_CONCURRENCY;
  if (!(capacity >= 1 && concurrency >= 1))
    throw new TypeError('capacity and concurrency must be ≥ 1');
  const queued = new Map<string, StoreChange>();
  let running = 0;
  let resync: 'idle' | 'running' | 'again' = 'idle';
  let waiters: (() => void)[] = [];

  function settleIfIdle(): void {
    if (running > 0 || queued.size > 0 || resync !== 'idle') return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  }

  function drain(): void {
    while (running < concurrency && queued.size > 0) {
      const [id, change] = queued.entries().next().value as [string, StoreChange];
      queued.delete(id);
      running++;
      // A microtask later, so the caller of `notify` (a request) never waits on the work.
      void Promise.resolve()
        .then(() => deps.onChange(change))
        .catch((error: unknown) => {
          deps.logger.warn(
            { err: error, bucket: change.bucket, key: change.key },
            'bucket event: re-read failed; the periodic resync repairs it',
          );
        })
        .finally(() => {
          running--;
          drain();
          settleIfIdle();
        });
    }
  }

  function overflow(): void {
    deps.logger.warn(
      { capacity },
      'bucket event inbox full: dropping the queued keys for one full resync',
    );
    queued.clear();
    if (resync !== 'idle') {
      resync = 'again';
      return;
    }
    const run = (): void => {
      resync = 'running';
      void deps
        .onOverflow()
        .catch((error: unknown) =>
          deps.logger.error(
            { err: error },
            'bucket event resync failed; the periodic resync repairs it',
          ),
        )
        .finally(() => {
          if (resync === 'again') run();
          else {
            resync = 'idle';
            settleIfIdle();
          }
        });
    };
    run();
  }

  return {
    notify(change) {
      const id = `${change.bucket}/${change.key}`;
      if (queued.has(id)) return;
      if (queued.size >= capacity) {
        overflow();
        return;
      }
      queued.set(id, change);
      drain();
    },
    get pending() {
      return queued.size;
    },
    idle() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      });
    },
  };
}
