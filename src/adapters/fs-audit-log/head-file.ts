import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { AuditHead } from '../../domain/audit/audit-record-schema.js';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import { publishReplacing, writeTemp } from '../fs-store/atomic-write.js';

/**
 * Every head text is padded to this width, so an overwrite in place always covers the whole
 * previous text. It stays under one 512-byte sector, which a disk writes whole or not at
 * all: the assumption PostgreSQL makes for `pg_control`, kept under 512 bytes for that.
 */
const HEAD_BYTES = 128;

/** O_DSYNC: an overwrite returns once it is durable, as write + fdatasync, in one call. */
const HEAD_FLAGS = constants.O_RDWR | constants.O_DSYNC;

/** `{"hash":…,"seq":…}`, spaces, newline: `HEAD_BYTES` long, JSON for any reader. */
function headBytes(head: AuditHead): Buffer {
  const json = canonicalJson({ seq: head.seq, hash: head.hash });
  return Buffer.from(`${json.padEnd(HEAD_BYTES - 1, ' ')}\n`, 'utf8');
}

/** Replaces the head file atomically (temp file, fsync, rename, fsync of the directory). */
export async function writeHead(headPath: string, head: AuditHead): Promise<void> {
  await publishReplacing(await writeTemp(headPath, headBytes(head)), headPath);
}

/** The head file as the log's commits update it; see `openHeadFile`. */
export interface HeadFile {
  /** Durably records `head` as the last acknowledged record. */
  write(head: AuditHead): Promise<void>;
  close(): Promise<void>;
}

/**
 * The head of a log being appended to. The first write creates the file atomically (with the
 * directory fsync that makes its name durable); later ones overwrite its one sector in place
 * through a handle opened with O_DSYNC, so the write returns once it is durable: one system
 * call per commit instead of eight (temp file, rename and two fsyncs), on the path every
 * audited request waits for.
 */
export async function openHeadFile(headPath: string): Promise<HeadFile> {
  let handle: FileHandle | undefined = await open(headPath, HEAD_FLAGS).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  return {
    async write(head) {
      if (!handle) {
        await writeHead(headPath, head);
        handle = await open(headPath, HEAD_FLAGS);
        return;
      }
      const bytes = headBytes(head);
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length, 0);
      if (bytesWritten !== bytes.length) {
        throw new Error(`wrote ${bytesWritten} of the head's ${bytes.length} bytes`);
      }
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}
