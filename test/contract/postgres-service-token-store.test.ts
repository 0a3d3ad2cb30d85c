import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { createPgServiceTokenStore } from '../../src/adapters/postgres/pg-service-token-store.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { revokedRecord } from '../../src/domain/service-tokens/service-token-rules.js';
import { usePostgres } from '../support/use-postgres.js';
import {
  describeServiceTokenStoreContract,
  issueServiceToken,
} from './service-token-store-contract.js';

const postgres = usePostgres();

async function migratedPool(): Promise<{ url: string; pool: PgPool }> {
  const url = await postgres.database();
  const pool = createPgPool({ url, size: 4 });
  await migrate(pool);
  return { url, pool };
}

describeServiceTokenStoreContract(
  'PostgreSQL',
  async () => {
    const { url, pool } = await migratedPool();
    // Each replica has its own pool, as each process would.
    const replicas: PgPool[] = [];
    return {
      store: createPgServiceTokenStore({ pool }),
      openReplica() {
        const replica = createPgPool({ url, size: 4 });
        replicas.push(replica);
        return Promise.resolve(createPgServiceTokenStore({ pool: replica }));
      },
      async rawContent() {
        const { rows } = await pool.query<{ row: string }>(
          'SELECT t::text AS row FROM service_tokens t',
        );
        return rows.map((row) => row.row).join('\n');
      },
      close: async () => {
        await Promise.all([pool, ...replicas].map((each) => each.end()));
      },
    };
  },
  { atomicAcrossReplicas: true },
);

describe('PostgreSQL service token store specifics', () => {
  it('answers UnavailableError for every call when the database is unreachable', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://someone:s3cret@127.0.0.1:1/nowhere',
      connectionTimeoutMillis: 2_000,
    });
    const store = createPgServiceTokenStore({ pool });
    const { record } = issueServiceToken();
    try {
      const calls = [
        () => store.get(record.id),
        () => store.list(),
        () => store.create(record),
        () => store.update(record.id, (current) => current),
      ];
      // One at a time, so no rejection waits unobserved for its turn.
      for (const start of calls) {
        const call = start();
        await expect(call).rejects.toBeInstanceOf(UnavailableError);
        await expect(call).rejects.toThrow(/could not \w+ (a )?service token/);
        await expect(call).rejects.not.toThrow('s3cret');
      }
    } finally {
      await pool.end();
    }
  });

  it('answers UnavailableError when another transaction holds the row past the timeout', async () => {
    const { pool } = await migratedPool();
    const holder = await pool.connect();
    try {
      const store = createPgServiceTokenStore({ pool, statementTimeoutMs: 300 });
      const { record } = issueServiceToken();
      await store.create(record);
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM service_tokens WHERE id = $1 FOR UPDATE', [record.id]);
      const waited = store.update(record.id, (current) => revokedRecord(current, new Date()));
      await expect(waited).rejects.toBeInstanceOf(UnavailableError);
      await holder.query('ROLLBACK');
      // Nothing was written, and the store recovers once the row is free.
      expect((await store.get(record.id))?.revoked_at).toBeNull();
      expect(
        (await store.update(record.id, (current) => revokedRecord(current, new Date())))
          ?.revoked_at,
      ).not.toBeNull();
    } finally {
      holder.release();
      await pool.end();
    }
  });

  it('reports a row changed by hand as unavailable without echoing it', async () => {
    const { pool } = await migratedPool();
    try {
      const store = createPgServiceTokenStore({ pool });
      const { record } = issueServiceToken();
      await store.create(record);
      await pool.query('UPDATE service_tokens SET record = left(record, 40)');
      await expect(store.get(record.id)).rejects.toBeInstanceOf(UnavailableError);
      await expect(store.list()).rejects.not.toThrow(record.id);

      await pool.query('UPDATE service_tokens SET record = $1', [
        JSON.stringify({ ...record, sha256: 'not-a-hash' }),
      ]);
      const failure = store.get(record.id);
      await expect(failure).rejects.toThrow(/sha256/);
      await expect(failure).rejects.not.toThrow('not-a-hash');
      await expect(store.update(record.id, (current) => current)).rejects.toBeInstanceOf(
        UnavailableError,
      );
    } finally {
      await pool.end();
    }
  });

  it('refuses to store an invalid record, naming fields but not values', async () => {
    const { pool } = await migratedPool();
    try {
      const store = createPgServiceTokenStore({ pool });
      const { record } = issueServiceToken();
      const bad = { ...record, sha256: 'the-token-itself' };
      const refused = store.create(bad);
      await expect(refused).rejects.toThrow(TypeError);
      await expect(refused).rejects.toThrow('sha256');
      await expect(refused).rejects.not.toThrow('the-token-itself');
      expect(await store.list()).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
