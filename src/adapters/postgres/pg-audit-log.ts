import type { Logger } from 'pino';
import type pg from 'pg';
import { chainRecord, serializeRecord } from '../../domain/audit/audit-chain.js';
import {
  auditRecordSchema,
  parseAuditLine,
  type AuditHead,
} from '../../domain/audit/audit-record-schema.js';
import { UnavailableError } from '../../domain/errors.js';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../../ports/audit-log.js';
import { LOCK_AUDIT_CHAIN } from './lock-keys.js';
import {
  columnsOf,
  INSERT_RECORDS_SQL,
  insertParameters,
  selectForQuery,
} from './pg-audit-log-rows.js';
import { inTransaction } from './pg-transaction.js';
import { createGroupCommit } from '../../shared/group-commit.js';
import { guardPg, PG_FAULT_RETRY_AFTER_SECONDS, toPgFault } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

/** The largest record (canonical JSON) an append takes, as the file log. */
export const PG_MAX_RECORD_BYTES = 1024 * 1024;
/** The most one transaction inserts; a burst beyond it is committed in several. */
export const PG_MAX_BATCH_RECORDS = 1000;
const PG_MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface PgAuditLog extends AuditLog {
  /** Lets queued appends finish; later appends reject. Leaves the pool open. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly entry: AuditEntry;
  readonly bytes: number;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The audit log in PostgreSQL (`audit_records`, migration 2), shared by every replica on
 * the database. The caller runs `migrate` first and owns the pool.
 *
 * Guarantees: the chain never forks, however many replicas append. Each commit is one
 * transaction that takes `pg_advisory_xact_lock(LOCK_AUDIT_CHAIN)`, reads the last record
 * and chains onto it with the domain's `chainRecord` (`seq` is also the primary key, so a
 * writer that skipped the lock would fail, not fork). Records are chained in call order
 * within a replica, and replicas in the order they get the lock. `append` resolves only
 * after the COMMIT; `query` (SQL over committed rows) never sees a record before that.
 * Group commit as in the file log: appends that arrive while a transaction is in flight go
 * together in the next one (one lock, one INSERT of all rows, one COMMIT).
 *
 * Faults: a failed transaction rejects the appends in it with `UnavailableError` (503), so
 * the guard refuses the actions it could not record. Unlike the file log this one need not
 * stop for good: the file log chains in memory ahead of its writes and may leave a partial
 * line, but here the chain's head is read inside each transaction and a transaction that
 * failed wrote nothing (rolled back as a whole), so the next one starts from the head as
 * committed. The one ambiguity is a COMMIT whose answer was lost: the records may be in
 * the log although their appends rejected — a record of an action that was then refused,
 * never an action without its record.
 */
export async function createPgAuditLog(options: {
  pool: PgPool;
  logger?: Logger | undefined;
  /** Upper bound on each statement, waiting for the chain lock included. */
  statementTimeoutMs?: number | undefined;
}): Promise<PgAuditLog> {
  const { pool, logger } = options;
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 1) {
    throw new TypeError(`statementTimeoutMs must be a positive integer, got ${statementTimeoutMs}`);
  }
  const { rows } = await guardPg('open the audit log', () =>
    pool.query<{ seq: string }>('SELECT max(seq) AS seq FROM audit_records'),
  );
  logger?.info({ seq: Number(rows[0]?.seq ?? 0) }, 'audit log opened (PostgreSQL)');

  const queue = createGroupCommit<Pending>({
    commit: commitBatch,
    sizeOf: (item) => item.bytes,
    maxBytes: PG_MAX_BATCH_BYTES,
    maxItems: PG_MAX_BATCH_RECORDS,
  });
  let closing: Promise<void> | undefined;

  function append(entry: AuditEntry): Promise<AuditRecord> {
    if (closing) return Promise.reject(new UnavailableError('the audit log is closed'));
    // Checked as the record it will become (any position will do), so a bad entry is
    // refused here rather than failing a transaction shared with other appends.
    const probe = chainRecord(undefined, entry);
    const checked = auditRecordSchema.safeParse(probe);
    if (!checked.success) {
      return Promise.reject(
        new TypeError(`invalid audit entry: ${checked.error.issues[0]?.message ?? ''}`),
      );
    }
    // The `time_at` column needs an instant; zod's RFC 3339 check alone does not promise one.
    if (Number.isNaN(Date.parse(entry.time))) {
      return Promise.reject(new TypeError(`audit entry time is not a date-time: ${entry.time}`));
    }
    const bytes = Buffer.byteLength(serializeRecord(probe), 'utf8');
    if (bytes > PG_MAX_RECORD_BYTES) {
      return Promise.reject(
        new TypeError(`audit entry is ${bytes} bytes; the limit is ${PG_MAX_RECORD_BYTES}`),
      );
    }
    const result = new Promise<AuditRecord>((resolve, reject) => {
      queue.push({ entry, bytes, resolve, reject });
    });
    return result;
  }

  async function commitBatch(batch: Pending[]): Promise<void> {
    let records: AuditRecord[];
    try {
      records = await commitEntries(batch.map((item) => item.entry));
    } catch (error) {
      logger?.error(
        { err: { message: (error as Error).message }, records: batch.length },
        'audit log: a commit failed; its appends are refused, later ones retry',
      );
      const fault = toPgFault(error, 'write the audit log');
      // Whatever went wrong, the actions go unrecorded: a 503, never a 500.
      const failed =
        fault instanceof UnavailableError
          ? fault
          : new UnavailableError('could not write the audit log', {
              cause: error,
              retryAfterSeconds: PG_FAULT_RETRY_AFTER_SECONDS,
            });
      for (const item of batch) item.reject(failed);
      return;
    }
    batch.forEach((item, i) => item.resolve(records[i]!));
  }

  /** One transaction: lock, read the head, chain `entries` onto it in order, insert, commit. */
  async function commitEntries(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    return inTransaction(pool, statementTimeoutMs, async (client) => {
      // One round trip; the constant is a number, not input.
      const results = (await client.query(
        `SELECT pg_advisory_xact_lock(${LOCK_AUDIT_CHAIN});
         SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1`,
      )) as unknown as pg.QueryResult<{ seq: string; hash: string }>[];
      const last = results[1]?.rows[0];
      let head: AuditHead | undefined = last && { seq: Number(last.seq), hash: last.hash };
      const records = entries.map((entry) => {
        const record = chainRecord(head, entry);
        head = record;
        return record;
      });
      await client.query(INSERT_RECORDS_SQL, insertParameters(records.map(columnsOf)));
      return records;
    });
  }

  async function runQuery(query: AuditQuery): Promise<{ items: AuditRecord[]; hasMore: boolean }> {
    const { text, values } = selectForQuery(query);
    const { rows } = await pool.query<{ record: string }>(text, values);
    const items: AuditRecord[] = [];
    for (const row of rows.slice(0, query.limit)) {
      const parsed = parseAuditLine(row.record);
      if (parsed.ok) items.push(parsed.record);
      else logger?.warn({ reason: parsed.reason }, 'audit log: skipped an unreadable record');
    }
    return { items, hasMore: rows.length > query.limit };
  }

  async function findOutcomes(intentSeqs: readonly number[]): Promise<AuditRecord[]> {
    if (intentSeqs.length === 0) return [];
    const { rows } = await pool.query<{ record: string }>(
      'SELECT record FROM audit_records WHERE intent_seq = ANY($1::bigint[]) ORDER BY seq',
      [intentSeqs],
    );
    const outcomes: AuditRecord[] = [];
    for (const row of rows) {
      const parsed = parseAuditLine(row.record);
      if (parsed.ok) outcomes.push(parsed.record);
      else logger?.warn({ reason: parsed.reason }, 'audit log: skipped an unreadable record');
    }
    return outcomes;
  }

  return {
    append,
    query: (query) => guardPg('read the audit log', () => runQuery(query)),
    outcomesOf: (intentSeqs) => guardPg('read the audit log', () => findOutcomes(intentSeqs)),
    close() {
      closing ??= (async () => {
        await queue.drained();
      })();
      return closing;
    },
  };
}
