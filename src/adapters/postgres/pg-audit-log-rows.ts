import { serializeRecord } from '../../domain/audit/audit-chain.js';
import type { AuditQuery, AuditRecord } from '../../ports/audit-log.js';

/**
 * How `audit_records` (migration 2) holds a record, shared by the log and its verifier.
 * `record` is the canonical JSON, the truth; the other columns are copies for `WHERE`.
 */

/** The filter columns of a record, as the table holds them (see `storableText`). */
export interface AuditColumns {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly time: string;
  /** `time` as the instant `Date.parse` reads (milliseconds), as the file log compares it. */
  readonly timeAt: string;
  readonly actor: string;
  readonly actorKind: string;
  readonly action: string;
  readonly target: string;
  readonly decision: string;
  readonly policyIds: readonly string[];
  readonly requestId: string | null;
  readonly intentSeq: number | null;
  readonly record: string;
}

/**
 * `text` as a PostgreSQL `text` column keeps it: no NUL (refused by the server) and no lone
 * surrogate (UTF-8 cannot encode one; the driver writes U+FFFD). Only the filter columns
 * pass through this; `record` escapes both in its JSON, so the hashed bytes are exact.
 */
export function storableText(text: string): string {
  return Buffer.from(text.replaceAll('\0', '\uFFFD'), 'utf8').toString('utf8');
}

/** The row for `record`; throws `TypeError` when its `time` is not a date `Date.parse` reads. */
export function columnsOf(record: AuditRecord): AuditColumns {
  const ms = Date.parse(record.time);
  if (Number.isNaN(ms)) throw new TypeError(`audit entry time is not a date-time: ${record.time}`);
  return {
    seq: record.seq,
    prevHash: record.prevHash,
    hash: record.hash,
    time: storableText(record.time),
    timeAt: new Date(ms).toISOString(),
    actor: storableText(record.actor),
    actorKind: record.actorKind,
    action: storableText(record.action),
    target: storableText(record.target),
    decision: record.decision,
    policyIds: record.policyIds.map(storableText),
    requestId: record.requestId === null ? null : storableText(record.requestId),
    intentSeq: record.intentSeq ?? null,
    record: serializeRecord(record),
  };
}

/**
 * One INSERT of many rows: one array parameter per column, whatever the number of rows
 * (a parameter per value would hit the protocol's 65535 limit). `policy_ids` travels as
 * JSON because `unnest` of a 2-D array would flatten it.
 */
export const INSERT_RECORDS_SQL = `
  INSERT INTO audit_records
    (seq, prev_hash, hash, time, time_at, actor, actor_kind, action, target, decision,
     policy_ids, request_id, intent_seq, record)
  SELECT r.seq, r.prev_hash, r.hash, r.time, r.time_at, r.actor, r.actor_kind, r.action,
         r.target, r.decision, ARRAY(SELECT jsonb_array_elements_text(r.policy_ids)),
         r.request_id, r.intent_seq, r.record
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
              $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[],
              $12::text[], $13::bigint[], $14::text[])
    AS r(seq, prev_hash, hash, time, time_at, actor, actor_kind, action, target, decision,
         policy_ids, request_id, intent_seq, record)`;

export function insertParameters(rows: readonly AuditColumns[]): unknown[] {
  const column = <T>(pick: (row: AuditColumns) => T): T[] => rows.map(pick);
  return [
    column((row) => row.seq),
    column((row) => row.prevHash),
    column((row) => row.hash),
    column((row) => row.time),
    column((row) => row.timeAt),
    column((row) => row.actor),
    column((row) => row.actorKind),
    column((row) => row.action),
    column((row) => row.target),
    column((row) => row.decision),
    column((row) => JSON.stringify(row.policyIds)),
    column((row) => row.requestId),
    column((row) => row.intentSeq),
    column((row) => row.record),
  ];
}

/**
 * `query` as one SELECT: the filters as a WHERE, `seq` order, one row more than `limit` to
 * tell whether more follow. Throws `TypeError` for a bad limit or bound, as the file log.
 */
export function selectForQuery(query: AuditQuery): { text: string; values: unknown[] } {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new TypeError(`audit query limit must be a positive integer, got ${query.limit}`);
  }
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => `$${values.push(value)}`;
  if (query.actor !== undefined) where.push(`actor = ${param(storableText(query.actor))}`);
  if (query.action !== undefined) where.push(`action = ${param(storableText(query.action))}`);
  if (query.decision !== undefined) where.push(`decision = ${param(query.decision)}`);
  if (query.target !== undefined) {
    const target = storableText(query.target);
    where.push(
      target.endsWith('/')
        ? `target LIKE ${param(`${escapeLike(target)}%`)}`
        : `target = ${param(target)}`,
    );
  }
  const since = instant(query.since, 'since');
  if (since !== undefined) where.push(`time_at >= ${param(since)}`);
  const until = instant(query.until, 'until');
  if (until !== undefined) where.push(`time_at <= ${param(until)}`);
  if (query.afterSeq !== undefined) where.push(`seq > ${param(query.afterSeq)}`);
  if (query.excludeOutcomes === true) where.push('intent_seq IS NULL');
  const text = [
    'SELECT record FROM audit_records',
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    `ORDER BY seq LIMIT ${param(query.limit + 1)}`,
  ].join(' ');
  return { text, values };
}

/** A LIKE pattern matching `text` literally (the default escape character is `\`). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function instant(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new TypeError(`audit query ${name} is not a date-time: ${text}`);
  return new Date(ms).toISOString();
}
