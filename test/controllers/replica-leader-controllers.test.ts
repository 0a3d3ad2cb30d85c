import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOCK_LEADER } from '../../src/adapters/postgres/lock-keys.js';
import { createPgLeaderLock } from '../../src/adapters/postgres/pg-leader-lock.js';
import { startLeaderControllers } from '../../src/controllers/leader-controllers.js';
import { usePostgres } from '../support/use-postgres.js';

const postgres = usePostgres();
const logger = pino({ level: 'silent' });

async function terminateLeaderSession(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ done: boolean }>(
      `SELECT pg_terminate_backend(pid) AS done FROM pg_locks
       WHERE locktype = 'advisory' AND granted
         AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid`,
      [LOCK_LEADER],
    );
    expect(rows.map((row) => row.done)).toEqual([true]);
  } finally {
    await client.end();
  }
}

async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('leader controllers on two replicas sharing one PostgreSQL', () => {
  it('run on one replica at a time; a deposed leader stops its loops before the other starts them', async () => {
    const url = await postgres.database();
    const events: string[] = [];
    const running = new Set<string>();
    let overlap = false;
    // A loop whose stop takes a while, like a reaper finishing the delete in hand.
    const loop = (replica: string) => async (signal: AbortSignal) => {
      if (running.size > 0) overlap = true;
      running.add(replica);
      events.push(`${replica} started`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      running.delete(replica);
      events.push(`${replica} stopped`);
    };
    const lifetimes = ['a', 'b'].map((replica) => {
      const lifetime = new AbortController();
      const stopped = startLeaderControllers({
        lock: createPgLeaderLock({ url }),
        controllers: [loop(replica)],
        logger,
        signal: lifetime.signal,
      });
      return { stop: () => (lifetime.abort(), stopped) };
    });
    try {
      await eventually(() => events.length === 1, 'an election');
      const first = events[0]!.slice(0, 1);
      const second = first === 'a' ? 'b' : 'a';
      await terminateLeaderSession(url);
      await eventually(() => events.length === 3, 'the takeover');
      expect(events).toEqual([`${first} started`, `${first} stopped`, `${second} started`]);
      expect(overlap).toBe(false);
    } finally {
      await Promise.all(lifetimes.map((replica) => replica.stop()));
    }
  }, 30_000);
});
