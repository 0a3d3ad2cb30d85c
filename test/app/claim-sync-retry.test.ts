import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFsClaimStore } from '../../src/adapters/fs-store/fs-claim-store.js';
import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { createClaimSync } from '../../src/app/claim-sync.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../src/domain/environment-types/catalogue.js';
import type { ClaimStore } from '../../src/ports/claim-store.js';
import { manualClock } from '../support/test-platform.js';

describe('claim sync under I/O failures', () => {
  it('keeps loading the rest and retries a document it failed to read', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-retry-'));
    const lifetime = new AbortController();
    try {
      const real = await createFsClaimStore({ root, resyncIntervalMs: 60_000 });
      for (const name of ['a', 'b']) {
        await writeFile(
          join(root, 'environments', `${name}.json`),
          JSON.stringify({
            environment_name: name,
            environment_type: 'dev',
            environment_pool: 'team1',
            user: 'carol@example.com',
            creation_date: '2026-01-01T00:00:00Z',
          }),
        );
      }
      // The load cannot read a.json (as the fs store reports a disk error: on the feed), and
      // the first re-read fails too; later reads succeed.
      let failures = 1;
      const flaky: ClaimStore = {
        ...real,
        watch: (listener, options) =>
          real.watch(listener, {
            signal: options.signal,
            ...(options.initialLoad && {
              initialLoad: {
                maxBytes: options.initialLoad.maxBytes,
                onObjects: async (bucket, objects) => {
                  await options.initialLoad?.onObjects(
                    bucket,
                    objects.filter((object) => object.key !== 'a.json'),
                  );
                  if (objects.some((object) => object.key === 'a.json')) {
                    listener({ bucket, key: 'a.json' });
                  }
                },
              },
            }),
          }),
        get: (bucket, key, options) => {
          if (key === 'a.json' && failures > 0) {
            failures--;
            return Promise.reject(new Error('EIO: i/o error, read'));
          }
          return real.get(bucket, key, options);
        },
      };
      const index = createMemoryClaimIndex();
      const sync = createClaimSync({
        store: flaky,
        index,
        catalogue: DEFAULT_ENVIRONMENT_TYPES,
        clock: manualClock(),
        logger: pino({ level: 'silent' }),
      });
      await sync.start(lifetime.signal);
      expect(sync.isReady()).toBe(true);
      expect(await index.get('b')).toBeDefined();
      expect(await index.get('a')).toBeUndefined();
      await expect
        .poll(async () => (await index.get('a'))?.claim.user, { timeout: 5_000 })
        .toBe('carol@example.com');
    } finally {
      lifetime.abort();
      await rm(root, { recursive: true, force: true });
    }
  });
});
