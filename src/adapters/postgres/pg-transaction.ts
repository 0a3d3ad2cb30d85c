import type pg from 'pg';
import type { PgPool } from './pg-pool.js';

/**
 * Runs `work` in one transaction on a pooled connection, with `statement_timeout` so a wait
 * on a lock or a row ends (and is answered 503) instead of hanging. Commits what `work`
 * did, or rolls it back if it throws; a connection that cannot even roll back is dropped
 * from the pool rather than reused.
 */
export async function inTransaction<T>(
  pool: PgPool,
  statementTimeoutMs: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0) {
    throw new TypeError(
      `statement timeout must be a whole number of ms, got ${statementTimeoutMs}`,
    );
  }
  const client = await pool.connect();
  let broken = false;
  try {
    // One round trip; the timeout is a checked integer, not input.
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${statementTimeoutMs}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw error;
  } finally {
    client.release(broken);
  }
}
