/**
 * Advisory lock keys of the platform, one place so no two uses collide. Single keys are
 * bigints in the session/transaction lock space; per-name locks use the two-key form with
 * `LOCK_SPACE_*` as the first key and `hashtext(name)` as the second.
 */

/** Held while one replica migrates the schema. */
export const LOCK_MIGRATIONS = 7_346_512_001;
/** Held by the leader replica for as long as its session lives (see the leader lock). */
export const LOCK_LEADER = 7_346_512_002;
/** Taken per audit append transaction, so concurrent replicas cannot fork the chain. */
export const LOCK_AUDIT_CHAIN = 7_346_512_003;
/**
 * First key of the per-object write lock (`pg-keyed-lock.ts`) that serializes creates,
 * replaces and deletes on a store without conditional writes. An API create's object is
 * `<environment name>.json`, so this is the lock per environment name.
 */
export const LOCK_SPACE_OBJECT = 73_465_121;
