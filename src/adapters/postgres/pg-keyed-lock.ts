import { createKeyedLock, type KeyedLock } from '../../shared/keyed-lock.js';
import { LOCK_SPACE_OBJECT } from './lock-keys.js';
import { guardPg } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

/**
 * A `KeyedLock` shared by every replica on one database: a session advisory lock on
 * (`LOCK_SPACE_OBJECT`, hashtext(key)), held on one pooled connection while the task runs.
 * Tasks of one process queue in process first, so a burst on one key holds one connection,
 * not one per waiter. Two keys with the same 32-bit hash share a lock: they wait for each
 * other, which costs time, never correctness.
 *
 * If the connection breaks while a task runs, the server releases the lock with the
 * session, and another replica may enter before this task ends; the connection is then
 * destroyed rather than reused. The window is a database failure in the middle of a write.
 */
export function createPgKeyedLock(pool: PgPool): KeyedLock {
  const local = createKeyedLock();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      return local.run(key, async () => {
        const client = await guardPg('take a write lock', () => pool.connect());
        try {
          await guardPg('take a write lock', () =>
            client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE_OBJECT, key]),
          );
        } catch (error) {
          client.release(true);
          throw error;
        }
        try {
          return await task();
        } finally {
          const unlocked = await client
            .query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE_OBJECT, key])
            .then(
              () => true,
              () => false,
            );
          // A connection that could not unlock goes: ending its session releases the lock.
          client.release(!unlocked);
        }
      });
    },
  };
}
