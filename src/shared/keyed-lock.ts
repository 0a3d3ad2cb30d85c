/**
 * Runs tasks one at a time per key, in call order; different keys run concurrently.
 * Used where a read-check-write must not interleave with another on the same key.
 */
export interface KeyedLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        // Forget the key once nothing else queued behind this task, so the map stays small.
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
