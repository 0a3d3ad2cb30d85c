import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresEndpoint } from './postgres.js';
import { runMayInclude } from './run-filters.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared PostgreSQL server, when this run includes tests that need it. */
    postgres: PostgresEndpoint | undefined;
  }
}

/** Test files that need PostgreSQL: their paths name it (or pg, or replicas). */
const POSTGRES_FILE = /postgres|pg-|replica/i;

/**
 * Starts one PostgreSQL server for the whole run (about 3 s) and hands its URL to every
 * file through `inject('postgres')`; each test makes its own database (`createDatabase`).
 * Like the gateway's setup, it starts only when the run can include such a file, and
 * `usePostgres` starts one for a file the guess missed.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!runMayInclude(process.argv, POSTGRES_FILE)) {
    project.provide('postgres', undefined);
    return;
  }
  const server = await startPostgres();
  console.info(
    `PostgreSQL for this run on ${server.baseUrl} (started in ${server.startupSeconds} s)`,
  );
  project.provide('postgres', { baseUrl: server.baseUrl });
  return () => server.stop();
}
