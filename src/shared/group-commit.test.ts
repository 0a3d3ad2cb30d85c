import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

function recorder(options: { maxBytes: number; maxItems?: number }) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  const queue = createGroupCommit<number>({
    ...options,
    sizeOf: (item) => item,
    commit: async (batch) => {
      batches.push(batch);
      // The first commit waits until released, so later pushes pile up behind it.
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    },
  });
  return { queue, batches, release: () => release?.() };
}

describe('createGroupCommit', () => {
  it('commits what arrived during a commit together, in push order, within the bounds', async () => {
    const { queue, batches, release } = recorder({ maxBytes: 10, maxItems: 3 });
    queue.push(1);
    await Promise.resolve();
    await Promise.resolve();
    for (const item of [2, 3, 4, 5, 6, 7, 20, 1]) queue.push(item);
    release();
    await queue.drained();
    // 2+3+4 ≤ 10; 5 alone (5+6 > 10); 6 then 7 (6+7 > 10); 20 alone though over the bound.
    expect(batches).toEqual([[1], [2, 3, 4], [5], [6], [7], [20], [1]]);
  });

  it('caps a batch by item count', async () => {
    const { queue, batches, release } = recorder({ maxBytes: 1_000, maxItems: 2 });
    queue.push(1);
    await Promise.resolve();
    for (const item of [1, 1, 1, 1, 1]) queue.push(item);
    release();
    await queue.drained();
    expect(batches).toEqual([[1], [1, 1], [1, 1], [1]]);
  });

  it('is drained at once when empty, and starts again after draining', async () => {
    const { queue, batches, release } = recorder({ maxBytes: 10 });
    await queue.drained();
    queue.push(4);
    release();
    await Promise.resolve();
    release();
    await queue.drained();
    queue.push(5);
    await queue.drained();
    expect(batches).toEqual([[4], [5]]);
  });
});
