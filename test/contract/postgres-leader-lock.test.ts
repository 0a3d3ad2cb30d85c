import { createConnection, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LOCK_LEADER } from '../../src/adapters/postgres/lock-keys.js';
import { createPgLeaderLock } from '../../src/adapters/postgres/pg-leader-lock.js';
import { createDatabase, startPostgres } from '../support/postgres.js';
import { usePostgres } from '../support/use-postgres.js';
import {
  campaign,
  describeLeaderLockContract,
  eventually,
  TAKEOVER_MS,
} from './leader-lock-contract.js';

const postgres = usePostgres();

describeLeaderLockContract('PostgreSQL', async () => {
  const url = await postgres.database();
  // Shorter than the defaults so the contract runs quickly; the timing tests use the defaults.
  const timing = { checkIntervalMs: 200, queryTimeoutMs: 500, leaseMs: 1_000 };
  return {
    openReplica: () => createPgLeaderLock({ url, ...timing, sessionIdleTimeoutMs: 1_500 }),
    close: () => Promise.resolve(),
  };
});

/** Runs `sql` on a connection of its own. */
async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The backend pid holding the leader lock, if any. */
async function leaderPid(url: string): Promise<number | undefined> {
  const rows = await query<{ pid: number }>(
    url,
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND classid = (${LOCK_LEADER}::bigint >> 32)::oid
       AND objid = (${LOCK_LEADER}::bigint & 4294967295)::oid AND objsubid = 1`,
  );
  return rows[0]?.pid;
}

/**
 * A TCP proxy in front of PostgreSQL that can go down (connections cut, new ones refused)
 * or freeze (connections stay open, nothing passes: a network partition).
 */
async function startProxy(target: string): Promise<{
  url: (database: string) => string;
  down(): void;
  freeze(): void;
  up(): void;
  close(): Promise<void>;
}> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<[Socket, Socket]>();
  let mode: 'up' | 'down' | 'frozen' = 'up';
  const server: Server = createServer((client) => {
    if (mode !== 'up') {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as { port: number }).port;
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${proxyPort}/${database}`,
    down() {
      mode = 'down';
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    freeze() {
      mode = 'frozen';
      for (const [client, upstream] of pairs) {
        client.unpipe();
        upstream.unpipe();
        client.pause();
        upstream.pause();
      }
    },
    up() {
      mode = 'up';
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

describe('PostgreSQL leader lock (default timing)', () => {
  it('a killed leader session aborts its term before another replica is elected, within 10 s', async () => {
    const url = await postgres.database();
    const events: string[] = [];
    const a = campaign(createPgLeaderLock({ url }), 'a', events);
    const b = campaign(createPgLeaderLock({ url }), 'b', events);
    try {
      await eventually(() => events.length > 0, TAKEOVER_MS, 'an election');
      const [first, second] = events[0] === 'a elected' ? [a, b] : [b, a];
      const pid = await leaderPid(url);
      expect(pid).toBeDefined();
      const killedAt = performance.now();
      await query(url, `SELECT pg_terminate_backend(${pid})`);
      await eventually(() => second.terms.length === 1, TAKEOVER_MS, 'the takeover');
      expect(performance.now() - killedAt).toBeLessThan(TAKEOVER_MS);
      expect(events.slice(0, 3)).toEqual([
        `${first.name} elected`,
        `${first.name} term aborted`,
        `${second.name} elected`,
      ]);
      expect(await second.terms[0]!.stillLeader()).toBe(true);
      expect(await first.terms[0]!.stillLeader()).toBe(false);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 30_000);

  it('stepping down releases the lock by the time the campaign resolves', async () => {
    const url = await postgres.database();
    const events: string[] = [];
    const one = campaign(createPgLeaderLock({ url }), 'one', events);
    await eventually(() => one.terms.length === 1, TAKEOVER_MS, 'an election');
    expect(await leaderPid(url)).toBeDefined();
    await one.stop();
    expect(await leaderPid(url)).toBeUndefined();
  });

  it('a partitioned leader stops before the server frees the lock for another, within 10 s', async () => {
    const url = await postgres.database();
    const database = new URL(url).pathname.slice(1);
    const proxy = await startProxy(postgres.current.baseUrl);
    const events: string[] = [];
    const cut = campaign(createPgLeaderLock({ url: proxy.url(database) }), 'cut', events);
    try {
      await eventually(() => cut.terms.length === 1, TAKEOVER_MS, 'an election');
      const other = campaign(createPgLeaderLock({ url }), 'other', events);
      try {
        const frozenAt = performance.now();
        proxy.freeze();
        await eventually(() => other.terms.length === 1, TAKEOVER_MS, 'the takeover');
        expect(performance.now() - frozenAt).toBeLessThan(TAKEOVER_MS);
        expect(events.slice(0, 3)).toEqual(['cut elected', 'cut term aborted', 'other elected']);
      } finally {
        await other.stop();
      }
    } finally {
      proxy.down();
      await cut.stop();
      await proxy.close();
    }
  }, 30_000);

  it('with the database unreachable there is no leader and no crash; it leads again once back', async () => {
    const url = await postgres.database();
    const database = new URL(url).pathname.slice(1);
    const proxy = await startProxy(postgres.current.baseUrl);
    const events: string[] = [];
    const one = campaign(createPgLeaderLock({ url: proxy.url(database) }), 'one', events);
    try {
      await eventually(() => one.terms.length === 1, TAKEOVER_MS, 'an election');
      proxy.down();
      await eventually(() => one.terms[0]!.signal.aborted, TAKEOVER_MS, 'the term to end');
      expect(await one.terms[0]!.stillLeader()).toBe(false);
      // A few retries against a database that refuses connections: still no leader.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(one.terms).toHaveLength(1);
      proxy.up();
      await eventually(() => one.terms.length === 2, TAKEOVER_MS, 'the election after recovery');
      expect(await one.terms[1]!.stillLeader()).toBe(true);
    } finally {
      await one.stop();
      await proxy.close();
    }
  }, 40_000);

  it('a server that shuts down ends the term at once, and the campaign goes on without crashing', async () => {
    const own = await startPostgres();
    const events: string[] = [];
    const one = campaign(createPgLeaderLock({ url: await createDatabase(own) }), 'one', events);
    try {
      await eventually(() => one.terms.length === 1, TAKEOVER_MS, 'an election');
      await own.stop();
      await eventually(() => one.terms[0]!.signal.aborted, TAKEOVER_MS, 'the term to end');
      expect(await one.terms[0]!.stillLeader()).toBe(false);
      // Retries against no server at all: no election, no unhandled error.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(events).toEqual(['one elected', 'one term aborted']);
    } finally {
      await one.stop();
      await own.stop();
    }
  }, 60_000);
});
