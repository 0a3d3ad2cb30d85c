import { describe, expect, it } from 'vitest';
import {
  listenEnvironmentChanges,
  notifyEnvironmentChanged,
} from '../../src/adapters/postgres/pg-environment-changes.js';
import { createPgPool } from '../../src/adapters/postgres/pg-pool.js';
import { usePostgres } from '../support/use-postgres.js';

const postgres = usePostgres();

describe('environment changes announced through PostgreSQL', () => {
  it('reach a listener on another connection, and again after its session is killed', async () => {
    const url = await postgres.database();
    const pool = createPgPool({ url, size: 2 });
    const lifetime = new AbortController();
    const heard: string[] = [];
    let reconnects = 0;
    const listening = listenEnvironmentChanges({
      url,
      onChange: (name) => heard.push(name),
      onReconnect: () => reconnects++,
      signal: lifetime.signal,
    });
    try {
      const listeners = async () =>
        (
          await pool.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'platform-service:listener' AND query ILIKE 'LISTEN%'",
          )
        ).rows;
      await expect.poll(async () => (await listeners()).length).toBe(1);
      notifyEnvironmentChanged(pool, 'sue-a');
      await expect.poll(() => heard).toEqual(['sue-a']);

      const [session] = await listeners();
      await pool.query('SELECT pg_terminate_backend($1)', [session!.pid]);
      await expect.poll(() => reconnects, { timeout: 10_000 }).toBe(1);
      notifyEnvironmentChanged(pool, 'sue-b');
      await expect.poll(() => heard).toEqual(['sue-a', 'sue-b']);
    } finally {
      lifetime.abort();
      await listening;
      await pool.end();
    }
  });
});
