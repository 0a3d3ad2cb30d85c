/**
 * A read-through cache: results kept `ttlMs` after they arrive, concurrent loads of one key
 * sharing a single in-flight promise. Failures are never kept, and neither are results that
 * `keep` rejects (the registry adapter does not keep "tag not found", so a tag pushed just
 * after a miss is seen at once). `ttlMs` 0 keeps nothing but still shares in-flight loads.
 */
export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>, keep?: (value: V) => boolean): Promise<V>;
  clear(): void;
}

export function createTtlCache<V>(options: {
  ttlMs: number;
  now: () => number;
  maxEntries?: number;
}): TtlCache<V> {
  const { ttlMs, now } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const inFlight = new Map<string, Promise<V>>();

  const store = (key: string, value: V): void => {
    entries.delete(key);
    if (entries.size >= maxEntries) {
      // Map order is insertion order, so the first key is the oldest entry.
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, { value, expiresAt: now() + ttlMs });
  };

  return {
    get(key, load, keep = () => true) {
      const entry = entries.get(key);
      if (entry !== undefined) {
        if (now() < entry.expiresAt) return Promise.resolve(entry.value);
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      // Always settles asynchronously, so the in-flight entry is set before it is removed.
      const promise = Promise.resolve()
        .then(load)
        .then(
          (value) => {
            inFlight.delete(key);
            if (ttlMs > 0 && keep(value)) store(key, value);
            return value;
          },
          (error: unknown) => {
            inFlight.delete(key);
            throw error;
          },
        );
      inFlight.set(key, promise);
      return promise;
    },
    clear() {
      entries.clear();
    },
  };
}
