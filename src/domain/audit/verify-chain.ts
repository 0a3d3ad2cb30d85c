import { GENESIS_HASH, recordHash } from './audit-chain.js';
import { parseAuditLine, type AuditHead } from './audit-record-schema.js';

export type ChainProblemKind =
  /** A line that is not an audit record. */
  | 'malformed'
  /** A record whose content does not match its hash, or a last record the head disowns. */
  | 'changed'
  /** A record whose `prevHash` is not the previous record's hash. */
  | 'unlinked'
  /** Sequence numbers missing: in the middle, at the start, or at the end (by the head). */
  | 'removed'
  /** A record found after one with a higher `seq`. */
  | 'reordered'
  /** An exact copy of a record already seen. */
  | 'duplicated'
  /** A second, different record with a `seq` already seen, or records after the head. */
  | 'inserted';

/** One finding. Any finding means the log is not the chain that was written. */
export interface ChainProblem {
  readonly kind: ChainProblemKind;
  /** 1-based line of the file; `null` for a finding about the end of the log. */
  readonly line: number | null;
  /** The `seq` the finding is about, when there is one. */
  readonly seq: number | null;
  /** One line, without the line number (see `formatProblem`). */
  readonly message: string;
}

export interface ChainReport {
  /** Lines that parsed as records. */
  readonly records: number;
  /** The end of the chain as read, or undefined for an empty log. */
  readonly last: AuditHead | undefined;
  /** In line order; findings about the end last. Empty means the chain is intact. */
  readonly problems: readonly ChainProblem[];
}

/** Verifies a log one line at a time, in bounded memory (a long log need not fit in it). */
export interface ChainVerifier {
  push(line: string): void;
  finish(): ChainReport;
}

// Records remembered to tell a copy from an insertion; further back, both are "out of order".
const RECENT_WINDOW = 4096;

const span = (from: number, to: number): string =>
  from === to ? `seq ${from} is` : `seq ${from}–${to} are`;

/** `line 7: <message>`, or `end: <message>` for a finding about the end of the log. */
export function formatProblem(problem: ChainProblem): string {
  return `${problem.line === null ? 'end' : `line ${problem.line}`}: ${problem.message}`;
}

/**
 * Checks that lines form one unbroken chain: each record hashes to its `hash`, `seq` runs
 * 1, 2, 3, … and each `prevHash` is the hash before it. With `head` (the `{seq, hash}`
 * written after the last acknowledged append) a removed or replaced last record is found
 * too — without one, removing records from the end cannot be told from a shorter log.
 *
 * The verdict is exact: no problems if and only if the lines are an intact chain that ends
 * at the head. The classification of each finding is a best guess from what is in the file.
 */
export function createChainVerifier(options: { head?: AuditHead | undefined } = {}): ChainVerifier {
  const { head } = options;
  const problems: ChainProblem[] = [];
  const report = (
    kind: ChainProblemKind,
    line: number | null,
    seq: number | null,
    message: string,
  ) => problems.push({ kind, line, seq, message });

  let lineNo = 0;
  let records = 0;
  // The end of the chain so far; `hashes` has more than one entry after an insertion.
  let end = { seq: 0, hashes: [GENESIS_HASH], line: 0 };
  let unreadableSinceEnd = 0;
  let firstAfterHead: { seq: number; line: number } | undefined;
  let atHead: { line: number; hashes: string[] } | undefined;
  const missing: { from: number; to: number; line: number; before: number }[] = [];
  const recent = new Map<number, { hash: string; line: number }>();

  function remember(seq: number, hash: string, line: number): void {
    if (recent.has(seq)) return;
    recent.set(seq, { hash, line });
    if (recent.size > RECENT_WINDOW) recent.delete(recent.keys().next().value as number);
  }

  function advance(seq: number, hash: string, line: number): void {
    end = { seq, hashes: [hash], line };
    unreadableSinceEnd = 0;
    remember(seq, hash, line);
    if (head && seq === head.seq) atHead = { line, hashes: [hash] };
    if (head && seq > head.seq && firstAfterHead === undefined) firstAfterHead = { seq, line };
  }

  /** Takes `seq` out of the gap it was counted in; false if it was in none. */
  function fill(seq: number): boolean {
    const index = missing.findIndex((gap) => gap.from <= seq && seq <= gap.to);
    const gap = missing[index];
    if (!gap) return false;
    const parts = [
      { ...gap, to: seq - 1 },
      { ...gap, from: seq + 1 },
    ].filter((part) => part.from <= part.to);
    missing.splice(index, 1, ...parts);
    return true;
  }

  return {
    push(text) {
      const line = ++lineNo;
      const parsed = parseAuditLine(text);
      if (!parsed.ok) {
        report('malformed', line, null, `malformed record: ${parsed.reason}`);
        unreadableSinceEnd++;
        return;
      }
      records++;
      const record = parsed.record;
      const { seq } = record;
      if (recordHash(record) !== record.hash) {
        report('changed', line, seq, `seq ${seq} was changed: its hash does not match its content`);
      }

      if (seq === end.seq + 1) {
        if (!end.hashes.includes(record.prevHash)) {
          report(
            'unlinked',
            line,
            seq,
            seq === 1
              ? 'seq 1 does not start the chain: its prevHash is not 64 zeros'
              : `seq ${seq} does not link to seq ${end.seq}: its prevHash is not that record's hash (seq ${end.seq} was changed and re-hashed, or records were removed and renumbered)`,
          );
        }
        advance(seq, record.hash, line);
        return;
      }

      if (seq > end.seq + 1) {
        const gap = { from: end.seq + 1, to: seq - 1, line, before: seq };
        // A line that could not be read already stands for the record it held.
        if (gap.to - gap.from + 1 > unreadableSinceEnd) missing.push(gap);
        advance(seq, record.hash, line);
        return;
      }

      // seq <= end.seq: a record that does not extend the chain.
      const seen = recent.get(seq);
      if (seen?.hash === record.hash) {
        report('duplicated', line, seq, `seq ${seq} is a copy of line ${seen.line}`);
      } else if (seen) {
        report(
          'inserted',
          line,
          seq,
          `a second, different record numbered ${seq} (the first is at line ${seen.line}): one of them was inserted`,
        );
        // The next record may link to either; the one it does not link to is the intruder.
        if (seq === end.seq) end.hashes.push(record.hash);
        if (seq === head?.seq) atHead?.hashes.push(record.hash);
      } else if (fill(seq)) {
        report('reordered', line, seq, `seq ${seq} is out of order: it comes after seq ${end.seq}`);
        remember(seq, record.hash, line);
      } else {
        report(
          'reordered',
          line,
          seq,
          `seq ${seq} is out of order: it comes after seq ${end.seq} (moved, copied or inserted)`,
        );
      }
    },

    finish() {
      for (const gap of missing) {
        report(
          'removed',
          gap.line,
          gap.from,
          `${span(gap.from, gap.to)} missing before seq ${gap.before} (removed)`,
        );
      }
      if (head) {
        if (end.seq < head.seq) {
          report(
            'removed',
            null,
            end.seq + 1,
            `${span(end.seq + 1, head.seq)} missing at the end: the head records seq ${head.seq} but the log ends at seq ${end.seq}`,
          );
        } else {
          if (atHead && !atHead.hashes.includes(head.hash)) {
            report(
              'changed',
              atHead.line,
              head.seq,
              `seq ${head.seq} is not the record the head names: it was changed and re-hashed, or replaced`,
            );
          }
          if (firstAfterHead) {
            report(
              'inserted',
              firstAfterHead.line,
              firstAfterHead.seq,
              `${span(firstAfterHead.seq, end.seq)} after the head (seq ${head.seq}): appended outside the service, or written just before a crash (the service repairs the head for one such record when it starts)`,
            );
          }
        }
      }
      const order = (problem: ChainProblem) => problem.line ?? Number.MAX_SAFE_INTEGER;
      const sorted = problems
        .map((problem, index) => ({ problem, index }))
        .sort((a, b) => order(a.problem) - order(b.problem) || a.index - b.index)
        .map(({ problem }) => problem);
      const last =
        end.seq === 0 ? undefined : { seq: end.seq, hash: end.hashes[0] ?? GENESIS_HASH };
      return { records, last, problems: sorted };
    },
  };
}

/** `createChainVerifier` over all lines at once. */
export function verifyChain(lines: Iterable<string>, head?: AuditHead): ChainReport {
  const verifier = createChainVerifier({ head });
  for (const line of lines) verifier.push(line);
  return verifier.finish();
}
