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
/** First key of the per-environment-name lock that serializes creates without conditional writes. */
export const LOCK_SPACE_ENVIRONMENT_NAME = 73_465_121;
