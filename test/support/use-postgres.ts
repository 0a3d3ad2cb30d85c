import { afterAll, beforeAll, inject } from 'vitest';
import {
  createDatabase,
  startPostgres,
  type PostgresEndpoint,
  type TestPostgres,
} from './postgres.js';

/**
 * The run's shared PostgreSQL (from the global setup), or one started for this file when
 * the global setup did not start one. Call at the top of a file; inside tests, call
 * `database()` for the URL of a new, empty database.
 */
export function usePostgres(): { current: PostgresEndpoint; database(): Promise<string> } {
  let own: TestPostgres | undefined;
  const holder = {
    current: undefined as unknown as PostgresEndpoint,
    database: () => createDatabase(holder.current),
  };
  beforeAll(async () => {
    const shared = inject('postgres');
    if (shared !== undefined) {
      holder.current = shared;
      return;
    }
    own = await startPostgres();
    holder.current = own;
  }, 120_000);
  afterAll(async () => {
    await own?.stop();
  });
  return holder;
}
