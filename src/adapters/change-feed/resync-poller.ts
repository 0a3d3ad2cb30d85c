import type { BucketName, ObjectInfo, StoreChange } from '../../ports/claim-store.js';

/**
 * The safety net under every change feed: lists the buckets on an interval and reports
 * each key whose etag appeared, changed or vanished since the last listing. The first
 * listing is the baseline and reports nothing. A failing listing is reported to `onError`
 * and retried on the next tick; it never stops the loop.
 */
export function startResyncPoller(options: {
  buckets: readonly BucketName[];
  list: (bucket: BucketName) => Promise<ObjectInfo[]>;
  intervalMs: number;
  onChange: (change: StoreChange) => void;
  onError: (error: unknown) => void;
  signal: AbortSignal;
}): void {
  const seen = new Map<BucketName, Map<string, string>>();
  let running = false;

  const tick = async (): Promise<void> => {
    if (running || options.signal.aborted) return;
    running = true;
    try {
      for (const bucket of options.buckets) {
        const current = new Map((await options.list(bucket)).map((info) => [info.key, info.etag]));
        const previous = seen.get(bucket);
        seen.set(bucket, current);
        if (!previous) continue;
        for (const [key, etag] of current) {
          if (previous.get(key) !== etag) options.onChange({ bucket, key });
        }
        for (const key of previous.keys()) {
          if (!current.has(key)) options.onChange({ bucket, key });
        }
      }
    } catch (error) {
      options.onError(error);
    } finally {
      running = false;
    }
  };

  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  options.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
