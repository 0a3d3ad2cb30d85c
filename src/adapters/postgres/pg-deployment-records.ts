import type { RenderedStore } from '../../ports/rendered-store.js';
import { guardPg } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

/** The names the file and S3 stores accept, so no store takes a name another refuses. */
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertEnvironment(environment: string): void {
  if (!ENVIRONMENT.test(environment) || environment.includes('..')) {
    throw new TypeError(`not a valid environment name: ${JSON.stringify(environment)}`);
  }
}

/**
 * `files` with its deployment records moved to PostgreSQL (`deployment_records`,
 * migration 4), so that every replica on the database reads the same history and rollback
 * pins. The rendered files stay in `files`, the bucket Flux reads. The caller runs
 * `migrate` first and owns the pool.
 *
 * - `readRecord`/`writeRecord`: one row per environment; the body is kept byte for byte
 *   (bytea) and replaced in one statement (an upsert). A record that is not in the table
 *   is read from `files`: records written there before the switch to PostgreSQL keep their
 *   history until the next write moves it to the table.
 * - `removeEnvironment`: removes the files (and any such earlier record) and the row;
 *   `true` if either existed.
 * - `environments`: the sorted union of both.
 *
 * A database fault is an `UnavailableError` (503, Retry-After); the files alone (`hashes`,
 * `writeFile`, `removeFile`) never touch the database.
 */
export function withPgDeploymentRecords(files: RenderedStore, pool: PgPool): RenderedStore {
  return {
    location: `${files.location} (deployment records in PostgreSQL)`,
    hashes: (environment) => files.hashes(environment),
    writeFile: (environment, path, body) => files.writeFile(environment, path, body),
    removeFile: (environment, path) => files.removeFile(environment, path),

    async removeEnvironment(environment) {
      assertEnvironment(environment);
      const hadFiles = await files.removeEnvironment(environment);
      const { rowCount } = await guardPg('remove a deployment record', () =>
        pool.query('DELETE FROM deployment_records WHERE environment = $1', [environment]),
      );
      return hadFiles || (rowCount ?? 0) > 0;
    },

    async environments() {
      const [withFiles, { rows }] = await Promise.all([
        files.environments(),
        guardPg('list deployment records', () =>
          pool.query<{ environment: string }>('SELECT environment FROM deployment_records'),
        ),
      ]);
      return [...new Set([...withFiles, ...rows.map((row) => row.environment)])].sort();
    },

    async readRecord(environment) {
      assertEnvironment(environment);
      const { rows } = await guardPg('read a deployment record', () =>
        pool.query<{ body: Buffer }>('SELECT body FROM deployment_records WHERE environment = $1', [
          environment,
        ]),
      );
      return rows[0] ? rows[0].body : files.readRecord(environment);
    },

    async writeRecord(environment, body) {
      assertEnvironment(environment);
      await guardPg('write a deployment record', () =>
        pool.query(
          `INSERT INTO deployment_records (environment, body) VALUES ($1, $2)
           ON CONFLICT (environment) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
          [environment, Buffer.from(body.buffer, body.byteOffset, body.byteLength)],
        ),
      );
    },
  };
}
