import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createPgClaimIndex } from '../../src/adapters/postgres/pg-claim-index.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { usePostgres } from '../support/use-postgres.js';
import { ALSO_SUPPORTED, differential, SUPPORTED, UNSUPPORTED } from './list-differential.js';

const postgres = usePostgres();
let pool: PgPool;

beforeAll(async () => {
  pool = createPgPool({ url: await postgres.database(), size: 2 });
  await migrate(pool);
});
afterAll(() => pool.end());

/** The one database, emptied for each generated case: the listing runs in SQL. */
async function index() {
  await pool.query('TRUNCATE claim_index_environments');
  return createPgClaimIndex({ pool });
}

// Fewer runs than the memory variant and no single-decision checks (that file has them):
// what this file adds is the filter compiled to SQL, keyset pages and per-item refills.
describe('the PostgreSQL index lists exactly what one Cedar decision per environment allows', () => {
  it('for the generated policies', async () => {
    const { readable, total, perItemFilters } = await differential(undefined, 30, {
      index,
      singles: false,
    });
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(0);
    expect(readable).toBeLessThan(total);
  });

  it('with operator policies using like, if, in, sets, records and has', async () => {
    const { readable, perItemFilters } = await differential(`${SUPPORTED}\n${ALSO_SUPPORTED}`, 30, {
      index,
      singles: false,
    });
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(0);
  });

  it.each(Object.entries(UNSUPPORTED))('with per-item fallback for %s', async (_name, text) => {
    const { readable, perItemFilters } = await differential(`${SUPPORTED}\n${text}`, 15, {
      index,
      singles: false,
    });
    expect(readable).toBeGreaterThan(0);
    expect(perItemFilters).toBeGreaterThan(0);
  });
});
