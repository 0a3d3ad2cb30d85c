import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { MIGRATIONS } from '../../src/adapters/postgres/migrations/index.js';
import { guardPg } from '../../src/adapters/postgres/pg-faults.js';
import { createPgPool } from '../../src/adapters/postgres/pg-pool.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { usePostgres } from '../support/use-postgres.js';

const postgres = usePostgres();

describe('PostgreSQL migrations', () => {
  it('apply each version once when several replicas start at the same time', async () => {
    const url = await postgres.database();
    const pools = [1, 2, 3].map(() => createPgPool({ url, size: 2 }));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      const applied = results.flatMap((result) => result.applied).sort((a, b) => a - b);
      expect(applied).toEqual(MIGRATIONS.map((migration) => migration.version));
      const { rows } = await pools[0]!.query<{ version: number }>(
        'SELECT version FROM platform_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual(applied);
      expect((await migrate(pools[0]!)).applied).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('roll a failed migration back whole and name it', async () => {
    const url = await postgres.database();
    const pool = createPgPool({ url, size: 2 });
    try {
      const broken = [
        { version: 1, name: 'half', sql: 'CREATE TABLE half (a int); SELECT no_such_function()' },
      ];
      await expect(migrate(pool, undefined, broken)).rejects.toThrow(
        'database migration 1 (half) failed',
      );
      const { rows } = await pool.query<{ half: string | null }>(
        "SELECT to_regclass('half') AS half",
      );
      expect(rows[0]?.half).toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('turns an unreachable database into UnavailableError without the URL', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://someone:s3cret@127.0.0.1:1/nowhere',
      connectionTimeoutMillis: 2_000,
    });
    try {
      const failed = guardPg('list environments', () => pool.query('SELECT 1'));
      await expect(failed).rejects.toBeInstanceOf(UnavailableError);
      await expect(failed).rejects.toThrow('could not list environments');
      await expect(failed).rejects.not.toThrow('s3cret');
    } finally {
      await pool.end();
    }
  });
});
