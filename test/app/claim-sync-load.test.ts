import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFsClaimStore } from '../../src/adapters/fs-store/fs-claim-store.js';
import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { createClaimSync, MAX_CLAIM_BYTES } from '../../src/app/claim-sync.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../src/domain/environment-types/catalogue.js';
import { manualClock } from '../support/test-platform.js';

const claim = (name: string, user = 'carol@example.com'): string =>
  JSON.stringify({
    environment_name: name,
    environment_type: 'dev',
    environment_pool: 'team1',
    user,
    creation_date: '2026-01-01T00:00:00Z',
  });

describe('claim sync: the initial load', () => {
  it('reads each object once and decides names in both buckets as a reconcile would', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-load-'));
    const lifetime = new AbortController();
    try {
      const store = await createFsClaimStore({ root, resyncIntervalMs: 60_000 });
      const write = (bucket: string, key: string, body: string) =>
        writeFile(join(root, bucket, key), body);
      // Enough documents for several batches, so the buckets' order and batching matter.
      for (let i = 0; i < 300; i++) await write('environments', `env-${i}.json`, claim(`env-${i}`));
      await write('environments', 'both.json', claim('both'));
      await write('static-environments', 'both.json', claim('both', 'gitlab-ci'));
      await write('environments', 'fallback.json', claim('fallback'));
      await write('static-environments', 'fallback.json', '{');
      await write('environments', 'huge.json', ' '.repeat(MAX_CLAIM_BYTES + 1));
      await write('environments', 'notes.txt', 'hello');
      let gets = 0;
      const counting = {
        ...store,
        get: (...args: Parameters<typeof store.get>) => {
          gets++;
          return store.get(...args);
        },
      };
      const index = createMemoryClaimIndex();
      const sync = createClaimSync({
        store: counting,
        index,
        catalogue: DEFAULT_ENVIRONMENT_TYPES,
        clock: manualClock(),
        logger: pino({ level: 'silent' }),
      });
      await sync.start(lifetime.signal);
      expect(sync.isReady()).toBe(true);
      expect(await index.get('env-299')).toBeDefined();
      expect((await index.get('both'))?.bucket).toBe('static-environments');
      expect((await index.get('fallback'))?.bucket).toBe('environments');
      expect(await index.get('huge')).toBeUndefined();
      const rejected = (await index.listRejected()).map((entry) => `${entry.bucket}/${entry.key}`);
      expect(rejected).toEqual([
        'environments/both.json',
        'environments/huge.json',
        'environments/notes.txt',
        'static-environments/fallback.json',
      ]);
      // Only names found in both buckets were re-read (a reconcile reads both buckets).
      expect(gets).toBeLessThanOrEqual(4);
      const loaded = await index.get('env-1');
      expect(loaded?.etag).toBe((await store.get('environments', 'env-1.json'))?.etag);
    } finally {
      lifetime.abort();
      await rm(root, { recursive: true, force: true });
    }
  });
});
