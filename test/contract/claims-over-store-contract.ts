import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { createClaimSync, MAX_CLAIM_BYTES } from '../../src/app/claim-sync.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../src/domain/environment-types/catalogue.js';
import type { BucketName } from '../../src/ports/claim-store.js';
import { manualClock } from '../support/test-platform.js';
import type { StoreHarness } from './claim-store-contract.js';
import { withHarness } from './with-harness.js';

const claim = (name: string, created: string, user = 'carol@example.com'): string =>
  JSON.stringify({
    environment_name: name,
    environment_type: 'dev',
    environment_pool: 'team1',
    user,
    creation_date: created,
  });

/**
 * "Any key is a claim" over a real store: what the claim sync makes of the objects an
 * operator uploads (`mc cp`) under any key. Run against every `ClaimStore` adapter, so the
 * S3 store's listings, etags and reads give the same index as the directory's.
 */
export function describeClaimsOverStore(name: string, create: () => Promise<StoreHarness>): void {
  describe(`claims over the store: ${name}`, () => {
    const withSync = withHarness(async () => {
      const harness = await create();
      const lifetime = new AbortController();
      const index = createMemoryClaimIndex();
      const sync = createClaimSync({
        store: harness.store,
        index,
        catalogue: DEFAULT_ENVIRONMENT_TYPES,
        clock: manualClock(),
        logger: pino({ level: 'silent' }),
      });
      const upload = async (bucket: BucketName, key: string, body: string) => {
        await harness.writeOutOfBand(bucket, key, body);
        await sync.reconcileKey(bucket, key);
      };
      const rejected = async () =>
        Object.fromEntries(
          (await index.listRejected()).map((entry) => [
            `${entry.bucket}/${entry.key}`,
            entry.reasons.map((reason) => reason.message).join('; '),
          ]),
        );
      return {
        harness,
        index,
        sync,
        upload,
        rejected,
        start: () => sync.start(lifetime.signal),
        close: async () => {
          lifetime.abort();
          await harness.close();
        },
      };
    });

    it(
      'serves an object under any key by its environment_name',
      withSync(async ({ start, upload, index, rejected }) => {
        await start();
        await upload(
          'environments',
          'my-environment-claim.json',
          claim('dev-upload', '2026-01-02T00:00:00Z'),
        );
        const served = await index.get('dev-upload');
        expect(served).toMatchObject({ bucket: 'environments', key: 'my-environment-claim.json' });
        expect(await rejected()).toEqual({});
      }),
    );

    it(
      'serves the older of two keys claiming one name and rejects the other naming both',
      withSync(async ({ start, upload, index, rejected }) => {
        await start();
        await upload('environments', 'newer.json', claim('dev-twice', '2026-02-01T00:00:00Z'));
        await upload('environments', 'older.json', claim('dev-twice', '2026-01-01T00:00:00Z'));
        expect((await index.get('dev-twice'))?.key).toBe('older.json');
        const reasons = await rejected();
        expect(Object.keys(reasons)).toEqual(['environments/newer.json']);
        expect(reasons['environments/newer.json']).toContain('older.json');
      }),
    );

    it(
      'lists zero-byte and oversize objects with the reason, and ignores keys under a prefix',
      withSync(async ({ harness, start, upload, index, rejected }) => {
        await upload('environments', 'empty.json', '');
        await upload('environments', 'huge.json', ' '.repeat(MAX_CLAIM_BYTES + 1));
        await harness.writeNested(
          'environments',
          'archive/dev-old.json',
          claim('dev-old', '2026-01-01T00:00:00Z'),
        );
        await start();
        const reasons = await rejected();
        expect(Object.keys(reasons).sort()).toEqual([
          'environments/empty.json',
          'environments/huge.json',
        ]);
        expect(reasons['environments/empty.json']).toMatch(/zero-byte/);
        expect(reasons['environments/huge.json']).toMatch(/limit/);
        expect(await index.get('dev-old')).toBeUndefined();
        expect(await index.get('empty')).toBeUndefined();
      }),
    );

    it(
      'loads duplicates at start as a reconcile decides them, static first',
      withSync(async ({ harness, start, index, rejected }) => {
        await harness.writeOutOfBand(
          'environments',
          'dyn.json',
          claim('dev-both', '2026-01-01T00:00:00Z'),
        );
        await harness.writeOutOfBand(
          'static-environments',
          'git.json',
          claim('dev-both', '2026-03-01T00:00:00Z', 'gitlab-ci'),
        );
        await start();
        expect(await index.get('dev-both')).toMatchObject({
          bucket: 'static-environments',
          key: 'git.json',
        });
        expect(Object.keys(await rejected())).toEqual(['environments/dyn.json']);
      }),
    );
  });
}
