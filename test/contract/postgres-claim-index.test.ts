import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createPgClaimIndex } from '../../src/adapters/postgres/pg-claim-index.js';
import { createPgPool } from '../../src/adapters/postgres/pg-pool.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { usePostgres } from '../support/use-postgres.js';
import { describeClaimIndexContract, environment } from './claim-index-contract.js';

const postgres = usePostgres();

describeClaimIndexContract('PostgreSQL', async () => {
  const pool = createPgPool({ url: await postgres.database(), size: 4 });
  await migrate(pool);
  return { index: createPgClaimIndex({ pool }), close: () => pool.end() };
});

describe('PostgreSQL claim index', () => {
  it('uses a trigram index for q and index scans for pool and expiry', async () => {
    const pool = createPgPool({ url: await postgres.database(), size: 2 });
    try {
      await migrate(pool);
      const { rows } = await pool.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'claim_index_environments'`,
      );
      expect(rows.map((row) => row.indexname).sort()).toEqual([
        'claim_index_environments_expires',
        'claim_index_environments_owner',
        'claim_index_environments_phase',
        'claim_index_environments_pkey',
        'claim_index_environments_pool',
        'claim_index_environments_search',
        'claim_index_environments_type',
      ]);
    } finally {
      await pool.end();
    }
  });

  it('turns a stopped database into UnavailableError', async () => {
    const pool = createPgPool({ url: await postgres.database(), size: 1 });
    await migrate(pool);
    const index = createPgClaimIndex({ pool });
    await index.upsert(environment('web'));
    await pool.end();
    await expect(index.get('web')).rejects.toBeInstanceOf(UnavailableError);
    await expect(index.query({ limit: 5 })).rejects.toBeInstanceOf(UnavailableError);
  });
});
