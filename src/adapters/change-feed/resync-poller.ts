import type { BucketName, ObjectInfo, StoreChange } from '../../ports/claim-store.js';

/** The listing the poller compares: batches of (key, etag), yielding between batches. */
export type BatchedListing = (
  bucket: BucketName,
  signal: AbortSignal,
) => AsyncIterable<ObjectInfo[]>;

/** Told of one resync of every bucket: how long it took and how many objects it listed. */
export type ResyncObserver = (durationSeconds: number, objects: number) => void;

export interface ResyncPoller {
  /** Records a version as known (the initial load's reads), so the resync reports nothing for it. */
  remember(bucket: BucketName, key: string, etag: string): void;
  /**
   * Starts the loop. `loaded`: what `remember` recorded is the whole baseline (an empty
   * bucket included), so the first resync runs one interval from now; otherwise a first
   * listing, reporting nothing, becomes the baseline.
   */
  start(loaded: boolean): void;
}

/**
 * The safety net under every change feed: re-lists the buckets every `intervalMs` (`0`:
 * never, when the leader of several replicas resyncs instead) and
 * reports each key whose etag appeared, changed or vanished since the last listing. Only
 * etags are compared; nothing is read. The baseline is what `remember` recorded or a first
 * listing that reports nothing. A resync never overlaps another:
 * the next one is scheduled when the previous ends. A failing listing is reported to
 * `onError` and retried on the next tick; it never stops the loop, `signal` does.
 */
export function createResyncPoller(options: {
  buckets: readonly BucketName[];
  list: BatchedListing;
  intervalMs: number;
  onChange: (change: StoreChange) => void;
  onError: (error: unknown) => void;
  /** Called before each resync (the fs store recreates lost watchers here). */
  beforeTick?: () => void;
  /** Told after each reporting resync: its duration and the objects it listed. */
  onResynced?: ResyncObserver | undefined;
  signal: AbortSignal;
}): ResyncPoller {
  const { signal } = options;
  const seen = new Map<BucketName, Map<string, string>>();
  let timer: NodeJS.Timeout | undefined;

  const resync = async (bucket: BucketName, report: boolean): Promise<number> => {
    const previous = seen.get(bucket) ?? new Map<string, string>();
    const current = new Map<string, string>();
    for await (const batch of options.list(bucket, signal)) {
      for (const { key, etag } of batch) {
        current.set(key, etag);
        if (report && previous.get(key) !== etag) options.onChange({ bucket, key });
      }
    }
    // An aborted listing is incomplete: it must not report the rest as deleted.
    if (signal.aborted) return current.size;
    if (report) {
      for (const key of previous.keys()) {
        if (!current.has(key)) options.onChange({ bucket, key });
      }
    }
    seen.set(bucket, current);
    return current.size;
  };

  const tick = async (report: boolean): Promise<void> => {
    options.beforeTick?.();
    const started = performance.now();
    let objects = 0;
    for (const bucket of options.buckets) {
      if (signal.aborted) return;
      try {
        objects += await resync(bucket, report);
      } catch (error) {
        options.onError(error);
      }
    }
    if (report) options.onResynced?.((performance.now() - started) / 1000, objects);
  };

  const schedule = (): void => {
    if (signal.aborted) return;
    timer = setTimeout(() => void tick(true).finally(schedule), options.intervalMs);
    timer.unref();
  };

  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });

  return {
    remember(bucket, key, etag) {
      let known = seen.get(bucket);
      if (!known) seen.set(bucket, (known = new Map<string, string>()));
      known.set(key, etag);
    },
    start(loaded) {
      // Off: another replica (the leader) resyncs, with the claim sync's fullSync.
      if (options.intervalMs <= 0) return;
      if (loaded) schedule();
      else void tick(false).finally(schedule);
    },
  };
}
