import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { GENESIS_HASH, headOf, recordHash } from '../../domain/audit/audit-chain.js';
import {
  auditHeadSchema,
  parseAuditLine,
  type AuditHead,
} from '../../domain/audit/audit-record-schema.js';
import { UnavailableError } from '../../domain/errors.js';
import { writeHead } from './head-file.js';
import { readTail, readTailLines } from './read-tail.js';

/** The largest record line (with its newline) an append takes; `readTail` refuses longer. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/**
 * The most one commit writes (a single larger record goes alone). It bounds what a crash
 * can leave after the head, and so what `openChain` accepts there.
 */
export const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Where the chain continues from: the head, after repairing what a crash between or
 * during the writes of an append can leave behind. Throws `UnavailableError` for anything
 * else (see `createFsAuditLog`), since appending after it would fork the chain.
 */
export async function openChain(paths: {
  file: string;
  headPath: string;
  logger?: Logger | undefined;
}): Promise<AuditHead | undefined> {
  const { file, headPath, logger } = paths;
  const headName = basename(headPath);
  const refuse = (detail: string) =>
    new UnavailableError(
      `audit log ${file} cannot be continued: ${detail}. Refusing to start rather than fork the chain; inspect it with: platformctl audit verify --file ${file}`,
    );

  const read = await readHeadFile(headPath);
  if (read === 'unusable') throw refuse(`${headName} is not a {seq, hash} head`);
  const stored = read;
  await completeLastLine(file, logger);
  const tail = await readTail(file);
  const lastLine = tail?.lastLine;
  if (lastLine === undefined) {
    if (stored) {
      throw refuse(
        `the log is ${tail ? 'empty' : 'missing'} but ${headName} records seq ${stored.seq}`,
      );
    }
    return undefined;
  }
  const parsed = parseAuditLine(lastLine);
  if (!parsed.ok) throw refuse(`its last line is not a record (${parsed.reason})`);
  const last = parsed.record;
  if (recordHash(last) !== last.hash) {
    throw refuse(`its last record (seq ${last.seq}) does not match its hash`);
  }

  const expected = stored ?? { seq: 0, hash: GENESIS_HASH };
  if (last.seq === expected.seq && last.hash === expected.hash) return headOf(last);
  // The crash window between the fsync of a batch and the replacement of the head.
  if (last.seq > expected.seq && (await continuesFrom(file, stored))) {
    const behind = last.seq - expected.seq;
    logger?.warn(
      { file, from: expected.seq, to: last.seq },
      `audit log: the head was ${behind} record${behind === 1 ? '' : 's'} behind (a crash between the log and head writes of one commit); moved it forward`,
    );
    await writeHead(headPath, headOf(last));
    return headOf(last);
  }
  if (!stored) throw refuse(`${headName} is missing but the log ends at seq ${last.seq}`);
  if (last.seq === stored.seq) {
    throw refuse(`its last record (seq ${last.seq}) is not the one ${headName} records`);
  }
  throw refuse(
    last.seq < stored.seq
      ? `it ends at seq ${last.seq} but ${headName} records seq ${stored.seq}: records were removed from the end`
      : `it ends at seq ${last.seq} but ${headName} records seq ${stored.seq}: records were added outside the service`,
  );
}

/**
 * Whether the log is the head's record (or the start, without a head) followed by at most
 * one commit's worth of records that chain from it: all a crash between an append's two
 * writes can leave. More than that was not written by this service.
 */
async function continuesFrom(file: string, head: AuditHead | undefined): Promise<boolean> {
  const window = await readTailLines(file, MAX_RECORD_BYTES + MAX_BATCH_BYTES);
  if (!window) return false;
  const { lines } = window;
  let first = 0;
  if (head) {
    first = lines.length;
    while (first > 0) {
      first--;
      const parsed = parseAuditLine(lines[first]!);
      if (parsed.ok && parsed.record.seq <= head.seq) break;
    }
    const at = parseAuditLine(lines[first] ?? '');
    if (!at.ok || at.record.seq !== head.seq || at.record.hash !== head.hash) return false;
    if (recordHash(at.record) !== at.record.hash) return false;
    first++;
  } else if (!window.fromStart) {
    return false;
  }
  let prev = head ?? { seq: 0, hash: GENESIS_HASH };
  let bytes = 0;
  for (const line of lines.slice(first)) {
    bytes += Buffer.byteLength(line, 'utf8') + 1;
    const parsed = parseAuditLine(line);
    if (!parsed.ok) return false;
    const record = parsed.record;
    if (record.seq !== prev.seq + 1 || record.prevHash !== prev.hash) return false;
    if (recordHash(record) !== record.hash) return false;
    prev = headOf(record);
  }
  return bytes > 0 && bytes <= MAX_BATCH_BYTES;
}

/**
 * Reads an `audit.head` file: the head, `undefined` when there is none, or `'unusable'`
 * when it is not JSON of the `{seq, hash}` shape. Shared by the log and `audit verify`.
 */
export async function readHeadFile(headPath: string): Promise<AuditHead | 'unusable' | undefined> {
  let text: string;
  try {
    text = await readFile(headPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = auditHeadSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: as unusable as a wrong shape.
  }
  return 'unusable';
}

/**
 * A last line without a newline is a write cut short by a crash (or an edit by hand). If
 * it is not a whole record its `append` never returned — the guard never let the action
 * run — so it is removed; a whole record only gets its newline. Both are logged.
 */
async function completeLastLine(file: string, logger: Logger | undefined): Promise<void> {
  const tail = await readTail(file);
  if (!tail || tail.endsWithNewline) return;
  const fragment = tail.lastLine ?? '';
  const handle = await open(file, 'r+');
  try {
    if (parseAuditLine(fragment).ok) {
      await handle.write('\n', tail.size);
      logger?.warn({ file }, 'audit log: added the missing newline after the last record');
    } else {
      await handle.truncate(tail.lastLineStart);
      logger?.warn(
        { file, dropped: fragment.slice(0, 512) },
        'audit log: removed an incomplete last line (a write cut short by a crash; its append never returned)',
      );
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
