import type { Logger } from 'pino';
import pg from 'pg';
import type { LeaderLock, LeaderTerm } from '../../ports/leader-lock.js';
import { LOCK_LEADER } from './lock-keys.js';
import { describePgUrl } from './pg-pool.js';

/**
 * Whether this session holds the leader lock. The one-key form of an advisory lock shows in
 * `pg_locks` as the key's high and low 32 bits, with `objsubid` 1.
 */
const HELD_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
    AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid
    AND objsubid = 1
) AS held`;

export interface PgLeaderLockOptions {
  url: string;
  logger?: Logger | undefined;
  /** How often a follower tries the lock and the leader confirms it holds it. */
  checkIntervalMs?: number;
  /** The longest any query of the lock may take (client side and `statement_timeout`). */
  queryTimeoutMs?: number;
  /**
   * How long after sending its last successful confirmation the leader still counts itself
   * the leader. Must exceed `checkIntervalMs + queryTimeoutMs`, so a working session never
   * lapses, and stay below `sessionIdleTimeoutMs`.
   */
  leaseMs?: number;
  /**
   * The server ends the lock's session (releasing the lock) after this long without a query
   * (`idle_session_timeout`, PostgreSQL 14 or later): how a leader that cannot reach the
   * database is deposed although its TCP connection never closes.
   */
  sessionIdleTimeoutMs?: number;
  applicationName?: string;
}

/**
 * The leader lock of replicas that share one PostgreSQL database: the session advisory lock
 * `LOCK_LEADER`, taken with `pg_try_advisory_lock` on a dedicated connection (never a pooled
 * one: the lock lives exactly as long as that session).
 *
 * Timing, with the defaults (check 2 s, query timeout 1 s, lease 4 s, idle timeout 6 s):
 * - The leader confirms the lock on its session every 2 s. Any error, a timeout, a lost lock
 *   or the connection ending aborts the term at once; so does a lease watchdog 4 s after the
 *   last confirmation was sent, whatever else hangs.
 * - The server releases the lock when the session ends: at once when the leader's process
 *   dies or its connection closes, and otherwise 6 s after its last query ended, when
 *   `idle_session_timeout` ends a session that went quiet (a partitioned or frozen leader).
 *   That is at least 2 s after the leader's own lease ran out: its loops are told to stop
 *   first, and that margin is theirs to finish the step in hand.
 * - Followers try every 2 s, so a new leader is elected within 2 s of the release: within
 *   about 8 s of the leader vanishing, below the 10 s the platform promises.
 * If the server ends a healthy leader's session (`pg_terminate_backend`, a restart), the
 * leader hears it on that connection at the moment of the release, a round trip before a
 * follower could take the lock; each destructive step is fenced by `stillLeader` besides.
 */
export function createPgLeaderLock(options: PgLeaderLockOptions): LeaderLock {
  const { url, logger } = options;
  const checkIntervalMs = options.checkIntervalMs ?? 2_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 4_000;
  const sessionIdleTimeoutMs = options.sessionIdleTimeoutMs ?? 6_000;
  if (!(checkIntervalMs + queryTimeoutMs < leaseMs && leaseMs < sessionIdleTimeoutMs)) {
    throw new TypeError(
      'pg leader lock: need checkIntervalMs + queryTimeoutMs < leaseMs < sessionIdleTimeoutMs',
    );
  }
  const database = describePgUrl(url);
  let unreachable = false;

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: url,
      application_name: options.applicationName ?? 'platform-service:leader-lock',
      connectionTimeoutMillis: Math.max(queryTimeoutMs, 2_000),
      query_timeout: queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: checkIntervalMs,
    });
    // An 'error' without a listener would crash the process; the term watches 'end'.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(
        `SET statement_timeout = ${queryTimeoutMs}; SET idle_session_timeout = ${sessionIdleTimeoutMs}`,
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** Holds the term on `client` until it ends; resolves once `onElected`'s work settled. */
  async function runTerm(
    client: pg.Client,
    campaignSignal: AbortSignal,
    lockSentAt: number,
    onElected: (term: LeaderTerm) => Promise<void> | void,
  ): Promise<void> {
    const controller = new AbortController();
    const { signal } = controller;
    let leaseEnd = lockSentAt + leaseMs;
    let watchdog: NodeJS.Timeout | undefined;
    const end = (reason: string): void => {
      if (signal.aborted) return;
      clearTimeout(watchdog);
      clearTimeout(pinger);
      if (reason === 'stopped') logger?.info('leader term ends: stepping down');
      else logger?.warn({ reason }, 'leader term lost: stopping the leader loops');
      controller.abort(new Error(`leader term ended: ${reason}`));
    };
    const armWatchdog = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => end('lease expired'), leaseEnd - performance.now());
    };
    const confirm = async (): Promise<boolean> => {
      const sentAt = performance.now();
      try {
        const { rows } = await client.query<{ held: boolean }>(HELD_SQL, [LOCK_LEADER]);
        if (rows[0]?.held !== true) {
          end('the lock is no longer held by this session');
          return false;
        }
      } catch (error) {
        end(`the lock's session failed (${(error as Error).message})`);
        return false;
      }
      if (signal.aborted) return false;
      leaseEnd = Math.max(leaseEnd, sentAt + leaseMs);
      armWatchdog();
      return true;
    };
    let pinger: NodeJS.Timeout | undefined;
    const ping = (): void => {
      pinger = setTimeout(() => {
        void confirm().then((held) => held && ping());
      }, checkIntervalMs);
    };
    const onStop = (): void => end('stopped');
    campaignSignal.addEventListener('abort', onStop, { once: true });
    const onEnd = (): void => end('the connection to the database ended');
    client.once('end', onEnd);
    client.on('error', onEnd);
    armWatchdog();
    ping();
    logger?.info({ database }, 'elected leader');

    const term: LeaderTerm = {
      signal,
      stillLeader: async () => {
        if (signal.aborted) return false;
        if (performance.now() >= leaseEnd) {
          end('lease expired');
          return false;
        }
        return confirm();
      },
    };
    const work = (async () => onElected(term))().catch((error: unknown) => {
      logger?.error({ err: error }, 'the leader work failed; giving up this term');
      end('the leader work failed');
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await work;
    campaignSignal.removeEventListener('abort', onStop);
    client.off('end', onEnd);
    client.off('error', onEnd);
  }

  return {
    async campaign(signal, onElected) {
      while (!signal.aborted) {
        let client: pg.Client | undefined;
        try {
          client = await connect();
          const session = client;
          while (!signal.aborted) {
            const sentAt = performance.now();
            const { rows } = await session.query<{ won: boolean }>(
              'SELECT pg_try_advisory_lock($1) AS won',
              [LOCK_LEADER],
            );
            if (unreachable) logger?.info({ database }, 'leader lock: the database is back');
            unreachable = false;
            if (rows[0]?.won === true && !signal.aborted) {
              await runTerm(session, signal, sentAt, onElected);
              break;
            }
            if (signal.aborted || (await sleepUnless(checkIntervalMs, signal, session))) break;
          }
        } catch (error) {
          if (!unreachable && !signal.aborted) {
            logger?.warn(
              { database, err: { message: (error as Error).message } },
              'leader lock: cannot reach the database; not leading, retrying',
            );
          }
          unreachable = true;
        } finally {
          // Ending the session releases the lock if this replica still held it.
          await client?.end().catch(() => undefined);
        }
        if (!signal.aborted) await sleepUnless(checkIntervalMs, signal);
      }
    },
  };
}

/** Waits `ms`; `true` if `client`'s connection ended first; early on abort. */
function sleepUnless(ms: number, signal: AbortSignal, client?: pg.Client): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const done = (value: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      client?.off('end', onEnd);
      resolve(value);
    };
    const onAbort = (): void => done(false);
    const onEnd = (): void => done(true);
    signal.addEventListener('abort', onAbort, { once: true });
    client?.once('end', onEnd);
  });
}
