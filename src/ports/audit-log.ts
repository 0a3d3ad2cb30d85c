/** One decision or mutation, as the caller of `AuditLog.append` describes it. */
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
}
