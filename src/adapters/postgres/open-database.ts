import type { Logger } from 'pino';
import { migrate } from './migrate.js';
import { isPgFault } from './pg-faults.js';
import { createPgPool, describePgUrl, type PgPool } from './pg-pool.js';

/** How long a start waits for an unreachable database before giving up. */
const START_PATIENCE_MS = 30_000;
const RETRY_MS = 1_000;

/**
 * The replica's pool on a database whose schema is this build's: migrated at start (safe
 * when replicas start together). A database that cannot be reached yet (it starts with the
 * platform, say) is retried for 30 s; then the start fails, naming host and database but
 * never the password, and the orchestrator's restart tries again.
 */
export async function openDatabase(options: {
  url: string;
  poolSize: number;
  logger: Logger;
}): Promise<PgPool> {
  const { url, poolSize, logger } = options;
  const pool = createPgPool({ url, size: poolSize, logger });
  const deadline = Date.now() + START_PATIENCE_MS;
  for (;;) {
    try {
      await migrate(pool, logger);
      logger.info({ database: describePgUrl(url) }, 'database ready');
      return pool;
    } catch (error) {
      if (!isPgFault(error) || Date.now() > deadline) {
        await pool.end().catch(() => undefined);
        throw new Error(
          `cannot use the database ${describePgUrl(url)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      logger.warn(
        { database: describePgUrl(url), err: { message: (error as Error).message } },
        'database not reachable yet; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
