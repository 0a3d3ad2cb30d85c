import type { Logger } from 'pino';
import { LOCK_MIGRATIONS } from './lock-keys.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { PgPool } from './pg-pool.js';

/**
 * Brings the database's schema up to this build's: every migration not yet recorded in
 * `platform_migrations` runs in its own transaction, in version order. Safe when several
 * replicas start at once: they queue on one advisory lock, and each finds the others' work
 * recorded. A database with versions this build does not know (a newer replica migrated
 * it) is left as it is, with a warning: migrations only add, so older code keeps working.
 */
export async function migrate(
  pool: PgPool,
  logger?: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ applied: number[] }> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_MIGRATIONS]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS platform_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM platform_migrations',
      );
      const done = new Set(rows.map((row) => row.version));
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO platform_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(
            `database migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
        applied.push(migration.version);
        logger?.info({ version: migration.version, name: migration.name }, 'database migrated');
      }
      const known = new Set(migrations.map((migration) => migration.version));
      const newer = [...done].filter((version) => !known.has(version));
      if (newer.length > 0) {
        logger?.warn(
          { versions: newer.sort((a, b) => a - b) },
          'database: migrations newer than this build are applied (a newer replica ran them)',
        );
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_MIGRATIONS]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
  return { applied };
}
