/**
 * How an audited action ended. `status` is the HTTP status the caller got (`null` for work
 * done without a request); `problem` names the error's kind (an `ErrorCode` such as
 * `INPUT`, or `INTERNAL`) when it failed.
 */
export interface AuditOutcome {
  readonly result: 'succeeded' | 'failed';
  readonly status: number | null;
  readonly problem: string | null;
}

/** The stored object a record of a change seen in a bucket is about. */
export interface AuditObject {
  readonly bucket: string;
  readonly key: string;
  /** The object's ETag after the change; `null` once it is gone. */
  readonly etag: string | null;
}

/**
 * One decision or mutation, as the caller of `AuditLog.append` describes it. Three shapes:
 * - an intent: an allowed mutation, appended before it runs (no `outcome`);
 * - its outcome: `outcome` and `intentSeq` (the intent's `seq`), appended after it, with the
 *   same actor, action, target and request id;
 * - a complete record: a deny, work done by the platform itself, or a change seen in a
 *   bucket (`object`), whose `outcome` is known when it is appended.
 * The optional fields are left out when absent, so records written before they existed
 * keep their hashes.
 */
export interface AuditEntry {
  /** RFC 3339 instant of the decision. */
  readonly time: string;
  /** The principal's subject, or `system:<controller>` for background work. */
  readonly actor: string;
  readonly actorKind: 'user' | 'service' | 'system';
  readonly action: string;
  /** `environment/<name>`, `platform`, `user/<subject>`, `service-token/<id>`. */
  readonly target: string;
  readonly decision: 'allow' | 'deny';
  readonly policyIds: readonly string[];
  readonly requestId: string | null;
  readonly outcome?: AuditOutcome | undefined;
  /** On an outcome: the `seq` of the intent it completes. */
  readonly intentSeq?: number | undefined;
  /** On a change seen in a bucket (actor `system:bucket-watcher`). */
  readonly object?: AuditObject | undefined;
  /** Free text that explains the record, e.g. why a claim was rejected. */
  readonly detail?: string | undefined;
}

/** An entry as stored: numbered and chained to the one before it. */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  /** `hash` of the previous record; 64 zeros for the first. */
  readonly prevHash: string;
  /** Hex SHA-256 over the canonical form of every other field. */
  readonly hash: string;
}

export interface AuditQuery {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly decision?: 'allow' | 'deny' | undefined;
  /** Exact target, or a prefix ending in `/` (e.g. `environment/`). */
  readonly target?: string | undefined;
  /** Inclusive RFC 3339 bounds on `time`. */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /** Only records with `seq` greater than this (cursor pagination). */
  readonly afterSeq?: number | undefined;
  /** Leave out outcome records (those with `intentSeq`): `outcomesOf` fetches them. */
  readonly excludeOutcomes?: boolean | undefined;
  readonly limit: number;
}

/**
 * Append-only, hash-chained log of decisions and mutations. Appends are serialised so the
 * chain never forks; a record once written is never changed.
 */
export interface AppendOptions {
  /**
   * Called once the record is durably in the log, which may be before `append` resolves
   * (a file log still moves its tamper-evident head). An action that must not take effect
   * before its record exists may start here; the caller still answers only after `append`.
   */
  readonly onDurable?: () => void;
}

export interface AuditLog {
  append(entry: AuditEntry, options?: AppendOptions): Promise<AuditRecord>;
  /** Matching records in `seq` order, at most `limit`, and whether more follow. */
  query(query: AuditQuery): Promise<{ items: AuditRecord[]; hasMore: boolean }>;
  /** The outcome records of the intents numbered `intentSeqs`, in `seq` order. */
  outcomesOf(intentSeqs: readonly number[]): Promise<AuditRecord[]>;
}
