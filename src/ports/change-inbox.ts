import type { StoreChange } from './claim-store.js';

/**
 * Where hints that a stored object changed are dropped off (bucket event notifications,
 * say). `notify` returns at once and never fails: the work of re-reading the key happens
 * later, and the bucket stays the truth (a hint carries no content). Implementations are
 * bounded: a burst of hints costs bounded memory and is never lost outright (at worst it
 * turns into one full resync).
 */
export interface ChangeInbox {
  /** `bucket` is the platform's logical bucket, not the storage server's bucket name. */
  notify(change: StoreChange): void;
}
