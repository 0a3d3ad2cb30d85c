import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import {
  formatPgProblem,
  verifyPgAuditChain,
  type PgChainReport,
} from '../../adapters/postgres/pg-audit-verify.js';
import { describePgUrl } from '../../adapters/postgres/pg-pool.js';
import { configFileSchema } from '../../config/config-schema.js';
import type { AuditHead } from '../../domain/audit/audit-record-schema.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { parseYamlText } from '../../domain/shared/yaml-text.js';
import { toFieldErrors } from '../../domain/shared/zod-errors.js';

/** SQLSTATE 42P01. */
const UNDEFINED_TABLE = '42P01';

/** The database `audit verify` reads, and how to name it in messages (never the password). */
export interface AuditDatabase {
  readonly url: string;
  readonly shown: string;
}

/**
 * The database holding the audit log, from `--database-url` or from `index.postgres.url`
 * of `--config` when `index.type` is `postgres`; `undefined` when the log is the file.
 * The password comes from the URL or from `PGPASSWORD`, as for the server.
 */
export async function auditDatabase(
  options: { readonly databaseUrl?: string | undefined; readonly config?: string | undefined },
  io: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): Promise<AuditDatabase | undefined> {
  const url = options.databaseUrl ?? (await urlFromConfig(options.config, io.cwd));
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('the database URL is not a URL (postgres://user@host:port/database)');
  }
  const password = io.env.PGPASSWORD;
  // Into the URL rather than beside it: pg lets the URL's (empty) password win.
  if (parsed.password === '' && password) parsed.password = encodeURIComponent(password);
  return { url: parsed.toString(), shown: describePgUrl(url) };
}

async function urlFromConfig(path: string | undefined, cwd: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read config file ${file}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  // The server's own schema, so a config the server refuses is refused here the same way.
  const parsed = configFileSchema.safeParse(parseYamlText(text, `Config file ${file}`) ?? {});
  if (!parsed.success) {
    throw new InputError(`Invalid config ${file}`, toFieldErrors(parsed.error));
  }
  const { index } = parsed.data;
  return index.type === 'postgres' ? index.postgres.url : undefined;
}

/**
 * Verifies the PostgreSQL audit log (see `verifyPgAuditChain`) on a connection of its own.
 * Throws `UnavailableError` when the database cannot be reached.
 */
export async function verifyAuditDatabase(
  database: AuditDatabase,
  head: AuditHead | undefined,
): Promise<{ report: PgChainReport; problems: string[] }> {
  const pool = new pg.Pool({
    connectionString: database.url,
    max: 1,
    application_name: 'platformctl audit verify',
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection that breaks must not crash the command; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const report = await verifyPgAuditChain(pool, { head });
    return { report, problems: report.problems.map(formatPgProblem) };
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === UNDEFINED_TABLE) {
      throw new NotFoundError(
        `no audit log in ${database.shown}: there is no audit_records table (no platform service has migrated this database)`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await pool.end();
  }
}
