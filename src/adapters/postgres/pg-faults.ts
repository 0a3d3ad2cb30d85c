import pg from 'pg';
import { PlatformError, UnavailableError } from '../../domain/errors.js';

/** Seconds a client is told to wait before retrying after a database fault. */
export const PG_FAULT_RETRY_AFTER_SECONDS = 2;

/**
 * SQLSTATE classes that say the database cannot serve now, not that the query is wrong:
 * connection exceptions (08), insufficient resources (53), operator intervention such as a
 * shutdown (57), and transaction rollbacks (40: serialization failure, deadlock).
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);

/**
 * Whether `error` is the database being unreachable or unable to serve: a network error,
 * the pool timing out, a connection ended under a query, or a transient SQLSTATE. A query
 * the database refuses for its content (a syntax error, a constraint) is not.
 */
export function isPgFault(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    return TRANSIENT_CLASSES.has((error.code ?? '').slice(0, 2));
  }
  if (!(error instanceof Error) || error instanceof PlatformError) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (typeof code === 'string' && code.startsWith('E')) || CONNECTION_LOST.test(error.message);
}

/** What pg says when a connection fails or ends without a SQLSTATE (no errno either). */
const CONNECTION_LOST =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed|Cannot use a pool after calling end/i;

/**
 * Runs `work` against the database, turning its faults into `UnavailableError` (503 with
 * `Retry-After`), naming the operation but never the URL (it may hold a password).
 */
export async function guardPg<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toPgFault(error, operation);
  }
}

/** `error` as an `UnavailableError` if it is a database fault (see `isPgFault`); else as is. */
export function toPgFault(error: unknown, operation: string): unknown {
  if (!isPgFault(error)) return error;
  const reason = error instanceof pg.DatabaseError ? `${error.code}` : (error as Error).message;
  return new UnavailableError(`could not ${operation}: the database is unavailable (${reason})`, {
    cause: error,
    retryAfterSeconds: PG_FAULT_RETRY_AFTER_SECONDS,
  });
}
