import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPgKeyedLock } from '../../src/adapters/postgres/pg-keyed-lock.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { createS3ClaimStore } from '../../src/adapters/s3-store/s3-claim-store.js';
import { ConflictError, PreconditionFailedError } from '../../src/domain/errors.js';
import type { ClaimStore } from '../../src/ports/claim-store.js';
import { rgwClient, rgwConnection } from '../support/rgw-clients.js';
import { usePostgres } from '../support/use-postgres.js';
import { useRgw } from '../support/use-rgw.js';

const rgw = useRgw();
const postgres = usePostgres();

/**
 * Two replicas on a store whose conditional writes are not used (as on one that ignores
 * them): each with its own S3 clients and its own pool on one database.
 */
async function twoReplicas(): Promise<{ stores: ClaimStore[]; pools: PgPool[] }> {
  const id = randomBytes(4).toString('hex');
  const buckets = { environments: `env-${id}`, 'static-environments': `static-${id}` };
  const client = rgwClient(rgw.current);
  for (const Bucket of Object.values(buckets)) {
    await client.send(new CreateBucketCommand({ Bucket }));
  }
  client.destroy();
  const url = await postgres.database();
  const pools = [createPgPool({ url, size: 4 }), createPgPool({ url, size: 4 })];
  const stores = await Promise.all(
    pools.map((pool) =>
      createS3ClaimStore({
        connection: rgwConnection(rgw.current),
        buckets,
        resyncIntervalMs: 60_000,
        assumeNoConditionalWrites: true,
        writeLock: createPgKeyedLock(pool),
      }),
    ),
  );
  return { stores, pools };
}

describe('writes on a store without conditional writes, serialized through PostgreSQL', () => {
  it('lets exactly one of many creates of one name win across two replicas', async () => {
    const { stores, pools } = await twoReplicas();
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % 2]!.putIfAbsent('environments', 'sue-x.json', Buffer.from(`{"n":${i}}`)),
        ),
      );
      const won = results.filter((result) => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
      }
      const stored = await stores[0]!.get('environments', 'sue-x.json');
      expect(stored?.etag).toBe((won[0] as PromiseFulfilledResult<string>).value);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('lets exactly one of many replaces from one etag win, and checks a delete’s etag', async () => {
    const { stores, pools } = await twoReplicas();
    try {
      const first = await stores[0]!.putIfAbsent('environments', 'a.json', Buffer.from('0'));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          stores[i % 2]!.putIfMatch('environments', 'a.json', Buffer.from(`${i + 1}`), first),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(PreconditionFailedError);
        }
      }
      await expect(
        stores[1]!.delete('environments', 'a.json', { ifMatch: first }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      const current = await stores[1]!.head('environments', 'a.json');
      expect(await stores[1]!.delete('environments', 'a.json', { ifMatch: current! })).toBe(true);
      expect(await stores[0]!.head('environments', 'a.json')).toBeUndefined();
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
