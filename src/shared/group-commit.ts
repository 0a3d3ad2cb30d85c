/**
 * Group commit: items pushed while a commit is in flight are committed together by the
 * next one, oldest first, in batches of at most `maxBytes` (and `maxItems`) but always at
 * least one item. One commit runs at a time, so batches are committed in push order.
 * `commit` settles each item itself (resolve or reject what it carries) and must not throw:
 * a queue cannot tell which items a thrown error belongs to.
 */
export interface GroupCommit<T> {
  push(item: T): void;
  /** Resolves once nothing is pending or committing. */
  drained(): Promise<void>;
}

export function createGroupCommit<T>(options: {
  commit: (batch: T[]) => Promise<void>;
  sizeOf: (item: T) => number;
  maxBytes: number;
  maxItems?: number | undefined;
}): GroupCommit<T> {
  const { commit, sizeOf, maxBytes } = options;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  let pending: T[] = [];
  let committing: Promise<void> | undefined;

  async function commitAll(): Promise<void> {
    // Yield first, so `committing` is set before this can finish and clear it.
    await Promise.resolve();
    try {
      while (pending.length > 0) await commit(takeBatch());
    } finally {
      committing = undefined;
    }
  }

  function takeBatch(): T[] {
    let bytes = 0;
    let count = 0;
    for (const item of pending) {
      const size = sizeOf(item);
      if (count > 0 && (count === maxItems || bytes + size > maxBytes)) break;
      bytes += size;
      count++;
    }
    if (count === pending.length) {
      const batch = pending;
      pending = [];
      return batch;
    }
    return pending.splice(0, count);
  }

  return {
    push(item) {
      pending.push(item);
      committing ??= commitAll();
    },
    async drained() {
      while (committing) await committing;
    },
  };
}
