import { GENESIS_HASH, recordHash } from '../../domain/audit/audit-chain.js';
import { parseAuditLine, type AuditHead } from '../../domain/audit/audit-record-schema.js';
import { columnsOf, type AuditColumns } from './pg-audit-log-rows.js';
import { guardPg } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

export type PgChainProblemKind =
  /** A row whose `record` is not an audit record. */
  | 'malformed'
  /** A record that does not match its hash, a row whose columns disagree with its record,
   * or the record at the head's `seq` that is not the head's. */
  | 'changed'
  /** A record whose `prevHash` is not the previous record's hash. */
  | 'unlinked'
  /** Sequence numbers missing: at the start, in the middle, or at the end (by the head). */
  | 'removed';

export interface PgChainProblem {
  readonly kind: PgChainProblemKind;
  /** The row's `seq`. */
  readonly seq: number;
  /** One line, without the seq prefix (see `formatPgProblem`). */
  readonly message: string;
}

export interface PgChainReport {
  readonly records: number;
  /** The last row's `{seq, hash}`; undefined for an empty table. */
  readonly last: AuditHead | undefined;
  /** In `seq` order. Empty means the table is one intact chain (ending at the head, if given). */
  readonly problems: readonly PgChainProblem[];
}

/** `seq 7: <message>`. */
export function formatPgProblem(problem: PgChainProblem): string {
  return `seq ${problem.seq}: ${problem.message}`;
}

interface Row {
  readonly seq: string;
  readonly prev_hash: string;
  readonly hash: string;
  readonly time: string;
  readonly time_at: string;
  readonly actor: string;
  readonly actor_kind: string;
  readonly action: string;
  readonly target: string;
  readonly decision: string;
  readonly policy_ids: string[];
  readonly request_id: string | null;
  readonly intent_seq: string | null;
  readonly record: string;
}

/**
 * Checks `audit_records` offline, reading it in batches by `seq` (memory does not grow
 * with the table): every record hashes to its `hash`, `seq` runs 1, 2, 3, … without gaps,
 * each `prevHash` is the hash before it, and every filter column agrees with the record
 * (a column edited by hand would make queries lie while the chain still verified).
 * `seq` is the primary key, so reordered or duplicated rows cannot exist here.
 *
 * With `head` (a `{seq, hash}` kept from an earlier verification, or from elsewhere) rows
 * removed from the end, or a rewritten chain up to it, are found too; without one, the end
 * of the table cannot be told from an intact shorter log. Database faults throw
 * `UnavailableError`.
 */
export async function verifyPgAuditChain(
  pool: PgPool,
  options: { head?: AuditHead | undefined; batchSize?: number } = {},
): Promise<PgChainReport> {
  const { head } = options;
  const batchSize = options.batchSize ?? 1000;
  const problems: PgChainProblem[] = [];
  const report = (kind: PgChainProblemKind, seq: number, message: string) =>
    problems.push({ kind, seq, message });
  let records = 0;
  let prev: AuditHead = { seq: 0, hash: GENESIS_HASH };
  let sawHead = false;

  for (;;) {
    const { rows } = await guardPg('verify the audit log', () =>
      pool.query<Row>(
        `SELECT seq, prev_hash, hash, time,
                to_char(time_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time_at,
                actor, actor_kind, action, target, decision, policy_ids, request_id, intent_seq,
                record
         FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [prev.seq, batchSize],
      ),
    );
    for (const row of rows) {
      records++;
      const seq = Number(row.seq);
      if (seq > prev.seq + 1) {
        report('removed', prev.seq + 1, `${span(prev.seq + 1, seq - 1)} missing before seq ${seq}`);
      }
      const parsed = parseAuditLine(row.record);
      if (!parsed.ok) {
        report('malformed', seq, `malformed record: ${parsed.reason}`);
        // Continue from the row's own hash column: one bad row is one problem, not two.
        prev = { seq, hash: row.hash };
        continue;
      }
      const record = parsed.record;
      if (recordHash(record) !== record.hash) {
        report('changed', seq, `seq ${seq} was changed: its hash does not match its content`);
      } else {
        const differing = differingColumns(row, columnsOf(record));
        if (differing.length > 0) {
          report(
            'changed',
            seq,
            `the row's ${differing.join(', ')} ${differing.length === 1 ? 'does' : 'do'} not match its record (edited outside the service)`,
          );
        }
      }
      if (seq === prev.seq + 1 && record.prevHash !== prev.hash) {
        report(
          'unlinked',
          seq,
          `seq ${seq} does not link to seq ${prev.seq}: its prevHash is not that record's hash (seq ${prev.seq} was changed and re-hashed, or records were removed and renumbered)`,
        );
      }
      if (head && seq === head.seq) {
        sawHead = true;
        if (record.hash !== head.hash) {
          report(
            'changed',
            seq,
            `seq ${seq} is not the record the head names: the chain up to it was rewritten`,
          );
        }
      }
      prev = { seq, hash: record.hash };
    }
    if (rows.length < batchSize) break;
  }
  if (head && !sawHead && prev.seq < head.seq) {
    report(
      'removed',
      prev.seq + 1,
      `${span(prev.seq + 1, head.seq)} missing at the end: the head records seq ${head.seq} but the log ends at seq ${prev.seq}`,
    );
  }
  return { records, last: records === 0 ? undefined : prev, problems };
}

const span = (from: number, to: number): string =>
  from === to ? `seq ${from} is` : `seq ${from}–${to} are`;

/** The names of the row's columns that are not what `columnsOf(record)` puts there. */
function differingColumns(row: Row, expected: AuditColumns): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['seq', Number(row.seq), expected.seq],
    ['prev_hash', row.prev_hash, expected.prevHash],
    ['hash', row.hash, expected.hash],
    ['time', row.time, expected.time],
    ['time_at', row.time_at, expected.timeAt],
    ['actor', row.actor, expected.actor],
    ['actor_kind', row.actor_kind, expected.actorKind],
    ['action', row.action, expected.action],
    ['target', row.target, expected.target],
    ['decision', row.decision, expected.decision],
    ['policy_ids', JSON.stringify(row.policy_ids), JSON.stringify(expected.policyIds)],
    ['request_id', row.request_id, expected.requestId],
    ['intent_seq', row.intent_seq === null ? null : Number(row.intent_seq), expected.intentSeq],
  ];
  return pairs.filter(([, actual, wanted]) => actual !== wanted).map(([name]) => name);
}
