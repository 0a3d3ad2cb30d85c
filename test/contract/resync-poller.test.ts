import { describe, expect, it } from 'vitest';
import { createResyncPoller } from '../../src/adapters/change-feed/resync-poller.js';
import type { ObjectInfo, StoreChange } from '../../src/ports/claim-store.js';

describe('resync poller', () => {
  it('reports only what changed against the remembered baseline, one resync at a time', async () => {
    let listing: ObjectInfo[] = [
      { key: 'a.json', etag: '1' },
      { key: 'b.json', etag: '1' },
    ];
    let listings = 0;
    let concurrent = 0;
    let overlapped = false;
    const changes: StoreChange[] = [];
    const lifetime = new AbortController();
    const poller = createResyncPoller({
      buckets: ['environments'],
      list: async function* () {
        listings++;
        concurrent++;
        overlapped ||= concurrent > 1;
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield listing;
        concurrent--;
      },
      intervalMs: 10,
      onChange: (change) => changes.push(change),
      onError: (error) => {
        throw error;
      },
      signal: lifetime.signal,
    });
    try {
      poller.remember('environments', 'a.json', '1');
      poller.remember('environments', 'b.json', '1');
      poller.start(true);
      await expect.poll(() => listings, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
      expect(changes).toEqual([]);
      listing = [
        { key: 'a.json', etag: '2' },
        { key: 'c.json', etag: '1' },
      ];
      await expect
        .poll(() => changes.map((change) => change.key).sort(), { timeout: 2_000 })
        .toEqual(['a.json', 'b.json', 'c.json']);
      expect(overlapped).toBe(false);
    } finally {
      lifetime.abort();
    }
  });
});
