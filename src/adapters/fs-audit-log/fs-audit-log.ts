import { constants, createReadStream } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { chainRecord, headOf, serializeRecord } from '../../domain/audit/audit-chain.js';
import {
  auditRecordSchema,
  parseAuditLine,
  type AuditHead,
} from '../../domain/audit/audit-record-schema.js';
import { UnavailableError } from '../../domain/errors.js';
import type {
  AppendOptions,
  AuditEntry,
  AuditLog,
  AuditQuery,
  AuditRecord,
} from '../../ports/audit-log.js';
import { syncDirectory } from '../fs-store/atomic-write.js';
import { FS_FAULT_RETRY_AFTER_SECONDS, guardFs, toStoreFault } from '../fs-store/fs-faults.js';
import { createGroupCommit } from '../../shared/group-commit.js';
import { openHeadFile } from './head-file.js';
import { MAX_BATCH_BYTES, MAX_RECORD_BYTES, openChain } from './open-chain.js';

export const AUDIT_LOG_FILE = 'audit.jsonl';
/** Append only, and every write synchronized (O_DSYNC: data and what reads it back). */
const LOG_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;
export const AUDIT_HEAD_FILE = 'audit.head';

export interface FsAuditLog extends AuditLog {
  /** The last record's `{seq, hash}`; undefined while the log is empty. */
  head(): AuditHead | undefined;
  /** Lets queued appends finish, then closes the file; later appends reject. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly record: AuditRecord;
  readonly bytes: Buffer;
  readonly onDurable: (() => void) | undefined;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The audit log in a directory: `audit.jsonl` holds one record per line (canonical JSON),
 * `audit.head` the `{seq, hash}` of the last acknowledged record, so that removing records
 * from the end is detectable (`platformctl audit verify`).
 *
 * Guarantees: records are chained in call order when `append` is called, so the chain never
 * forks; `append` resolves only after its line is durable (an O_APPEND | O_DSYNC write: never
 * rewritten, and synchronized as by fdatasync before the write returns) and
 * the head has been updated (in place, one sector; see `openHeadFile`). Group commit: the
 * appends that arrive while a commit is in flight are written together by the next one (one
 * synchronized write of the log, one head update; at most `MAX_BATCH_BYTES`), so
 * concurrent requests share the fsyncs.
 * `query` never sees a record whose `append` has not resolved.
 *
 * Fails closed: a failed commit rejects every append in it and every one chained after it,
 * and every later `append` rejects with `UnavailableError` (so the guard refuses the action
 * it cannot record) until the process restarts.
 *
 * On open only the tail is checked, not the whole chain (that is `audit verify`'s job):
 * - a last line cut short by a crash (no newline, not a record) is removed: its `append`
 *   never resolved, so the action it described never ran; a complete one gets its newline;
 * - a head at most one batch behind the log (a crash between the line fsync and the head
 *   replacement) is moved forward, if the log continues from the head by a valid chain;
 * - anything else — a last record that does not hash, does not match the head, or a head
 *   without a log — is refused with `UnavailableError`: continuing would fork the chain.
 *
 * One writer per directory: several processes appending to the same files would fork the
 * chain. Nothing enforces this; run one platform process per data directory.
 */
export async function createFsAuditLog(options: {
  dir: string;
  logger?: Logger | undefined;
}): Promise<FsAuditLog> {
  const { dir, logger } = options;
  const file = join(dir, AUDIT_LOG_FILE);
  const headPath = join(dir, AUDIT_HEAD_FILE);
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);

  // `head`: the last acknowledged record. `chained`: the last record handed out, which may
  // still be waiting for its commit; the next append chains onto it.
  let head = await openChain({ file, headPath, logger });
  let chained = head;

  // O_DSYNC: each write returns once its bytes are durable, as write + fdatasync would, in
  // one system call and one thread-pool round trip instead of two.
  const handle = await open(file, LOG_FLAGS, 0o640);
  await syncDirectory(dir);
  const headFile = await openHeadFile(headPath);
  let committedSize = (await handle.stat()).size;
  logger?.info({ file, seq: head?.seq ?? 0 }, 'audit log opened');

  const queue = createGroupCommit<Pending>({
    commit: commitBatch,
    sizeOf: (item) => item.bytes.length,
    maxBytes: MAX_BATCH_BYTES,
  });
  let closing: Promise<void> | undefined;
  let failure: unknown;

  // What clients are told: the log's place under the data directory, not the host path.
  const shownPath = `${basename(dir)}/${AUDIT_LOG_FILE}`;
  const stopped = (): UnavailableError =>
    new UnavailableError(
      `the audit log ${shownPath} stopped after a failed write; restart the service (it repairs the log on start)`,
      { cause: failure, retryAfterSeconds: FS_FAULT_RETRY_AFTER_SECONDS },
    );

  function append(entry: AuditEntry, options: AppendOptions = {}): Promise<AuditRecord> {
    if (closing) return Promise.reject(new UnavailableError('the audit log is closed'));
    if (failure !== undefined) return Promise.reject(stopped());
    const record = chainRecord(chained, entry);
    const checked = auditRecordSchema.safeParse(record);
    if (!checked.success) {
      return Promise.reject(
        new TypeError(`invalid audit entry: ${checked.error.issues[0]?.message ?? ''}`),
      );
    }
    const bytes = Buffer.from(`${serializeRecord(record)}\n`, 'utf8');
    if (bytes.length > MAX_RECORD_BYTES) {
      return Promise.reject(
        new TypeError(`audit entry is ${bytes.length} bytes; the limit is ${MAX_RECORD_BYTES}`),
      );
    }
    chained = headOf(record);
    const result = new Promise<AuditRecord>((resolve, reject) => {
      queue.push({ record, bytes, onDurable: options.onDurable, resolve, reject });
    });
    return result;
  }

  async function commitBatch(batch: Pending[]): Promise<void> {
    if (failure !== undefined) {
      // Chained after a record that never reached the log: none of these can be written.
      for (const item of batch) item.reject(stopped());
      return;
    }
    const last = batch[batch.length - 1]!.record;
    let size = 0;
    try {
      const bytes = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((i) => i.bytes));
      size = bytes.length;
      await writeAll(handle, bytes); // O_DSYNC: durable when it returns
      // The lines are durable: what waits only for that (a create's rename) overlaps the
      // head's fsync instead of following it.
      for (const item of batch) item.onDurable?.();
      await headFile.write(headOf(last));
    } catch (error) {
      // The file may now end in a partial line: no further append may land after it.
      failure = error;
      logger?.error({ err: error, file }, 'audit log write failed; refusing further appends');
      // Any failure here is the log's, whatever its errno: a 503 naming the file, never a 500.
      const fault = toStoreFault(error, 'write the audit log', shownPath);
      const failed =
        fault instanceof UnavailableError
          ? fault
          : new UnavailableError(`could not write the audit log ${shownPath}`, {
              cause: error,
              retryAfterSeconds: FS_FAULT_RETRY_AFTER_SECONDS,
            });
      for (const item of batch) item.reject(failed);
      return;
    }
    head = headOf(last);
    committedSize += size;
    for (const item of batch) item.resolve(item.record);
  }

  /**
   * Calls `visit` with each committed record in `seq` order until it returns `false`. A full
   * scan: fine for the log sizes of one control plane. A seq → offset index (or the
   * PostgreSQL adapter) is the next step when pages get slow.
   */
  async function scan(visit: (record: AuditRecord) => boolean): Promise<void> {
    const end = committedSize;
    if (end === 0) return;
    const stream = createReadStream(file, { start: 0, end: end - 1 });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const parsed = parseAuditLine(line);
        if (!parsed.ok) {
          logger?.warn({ file, reason: parsed.reason }, 'audit log: skipped an unreadable line');
          continue;
        }
        if (!visit(parsed.record)) break;
      }
    } finally {
      lines.close();
      stream.destroy();
    }
  }

  async function runQuery(query: AuditQuery): Promise<{ items: AuditRecord[]; hasMore: boolean }> {
    if (!Number.isInteger(query.limit) || query.limit < 1) {
      throw new TypeError(`audit query limit must be a positive integer, got ${query.limit}`);
    }
    const matches = matcher(query);
    const items: AuditRecord[] = [];
    let hasMore = false;
    await scan((record) => {
      if (query.afterSeq !== undefined && record.seq <= query.afterSeq) return true;
      if (!matches(record)) return true;
      if (items.length === query.limit) {
        hasMore = true;
        return false;
      }
      items.push(record);
      return true;
    });
    return { items, hasMore };
  }

  async function findOutcomes(intentSeqs: readonly number[]): Promise<AuditRecord[]> {
    const wanted = new Set(intentSeqs);
    const outcomes: AuditRecord[] = [];
    if (wanted.size === 0) return outcomes;
    // An outcome always follows its intent: nothing before the first intent can match.
    const first = Math.min(...wanted);
    await scan((record) => {
      if (record.seq > first && record.intentSeq !== undefined && wanted.has(record.intentSeq)) {
        outcomes.push(record);
      }
      return true;
    });
    return outcomes;
  }

  return {
    append,

    query(query) {
      return guardFs('read', shownPath, () => runQuery(query));
    },

    outcomesOf(intentSeqs) {
      return guardFs('read', shownPath, () => findOutcomes(intentSeqs));
    },

    head: () => head,

    close() {
      closing ??= (async () => {
        await queue.drained();
        await handle.close();
        await headFile.close();
      })();
      return closing;
    },
  };
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Temp heads left by a crash during `writeHead` (see `writeTemp`'s naming). */
async function removeStaleTemps(dir: string): Promise<void> {
  const prefix = `.${AUDIT_HEAD_FILE}.`;
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }
}

function matcher(query: AuditQuery): (record: AuditRecord) => boolean {
  const instant = (text: string | undefined, name: string): number | undefined => {
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new TypeError(`audit query ${name} is not a date-time: ${text}`);
    return ms;
  };
  const since = instant(query.since, 'since');
  const until = instant(query.until, 'until');
  const { actor, action, decision, target } = query;
  return (record) => {
    if (query.excludeOutcomes === true && record.intentSeq !== undefined) return false;
    if (actor !== undefined && record.actor !== actor) return false;
    if (action !== undefined && record.action !== action) return false;
    if (decision !== undefined && record.decision !== decision) return false;
    if (target !== undefined) {
      const hit = target.endsWith('/')
        ? record.target.startsWith(target)
        : record.target === target;
      if (!hit) return false;
    }
    if (since !== undefined || until !== undefined) {
      const time = Date.parse(record.time);
      if (since !== undefined && time < since) return false;
      if (until !== undefined && time > until) return false;
    }
    return true;
  };
}
