/**
 * One period during which this replica is the leader. Leadership ends, for good, when
 * `signal` aborts; a later election is a new term.
 */
export interface LeaderTerm {
  /** Aborts as soon as this replica may no longer be the leader (or the campaign stops). */
  readonly signal: AbortSignal;
  /**
   * The fence before a destructive step: `true` only if the lock is confirmed held right now
   * (on the lock's own session, where there is one). Fails closed: an error, a timeout or a
   * lost lock answers `false` and ends the term. Never rejects.
   */
  stillLeader(): Promise<boolean>;
}

/**
 * Elects one leader among the replicas that share a lock, for the loops that must run once
 * (the expiry reaper, the bucket resync, the deployer queue, version re-resolution).
 */
export interface LeaderLock {
  /**
   * Campaigns until `signal` aborts: each time this replica is elected, calls
   * `onElected(term)`. Its promise is the term's work: it should settle soon after
   * `term.signal` aborts, and the lock is released (or campaigned for again) only once it
   * has, so a replica's loops are stopped before it lets another lead. Leadership lasts
   * until `term.signal` aborts, whether or not the promise settled earlier.
   *
   * Resolves once `signal` aborted, the last term's work settled and the lock is released.
   * Never rejects for a fault of the lock's backend: it is logged and the campaign goes on.
   */
  campaign(
    signal: AbortSignal,
    onElected: (term: LeaderTerm) => Promise<void> | void,
  ): Promise<void>;
}
