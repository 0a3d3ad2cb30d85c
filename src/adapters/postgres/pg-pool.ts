import type { Logger } from 'pino';
import pg from 'pg';

export type PgPool = pg.Pool;

/**
 * Where a URL points, for logs and messages: host, port and database, never the user's
 * password (which may be in the URL).
 */
export function describePgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}

/**
 * A connection pool for one replica. The password comes from the URL or `PGPASSWORD` (pg
 * reads it from the environment); nothing here logs either. A connection that breaks while
 * idle is logged and dropped by the pool, which opens a new one on the next query, so the
 * service recovers once the database is back.
 */
export function createPgPool(options: {
  url: string;
  size: number;
  applicationName?: string;
  logger?: Logger | undefined;
}): PgPool {
  const { url, size, logger } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    application_name: options.applicationName ?? 'platform-service',
    // A request waits at most this long for a connection before it is answered 503.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => {
    logger?.warn(
      { database: describePgUrl(url), err: { message: error.message } },
      'database: an idle connection failed; the pool replaces it',
    );
  });
  return pool;
}
