import type { Dirent, Stats } from 'node:fs';
import * as fs from 'node:fs';
import { lstatSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { sep } from 'node:path';
import type { LoadedObject, ObjectInfo } from '../../ports/claim-store.js';
import { readFiles, type FilesRead } from './read-files.js';

/**
 * Files handled between two yields to the event loop. Measured on a 2-core machine: a
 * synchronous open/fstat/read/close costs ~35 µs against ~140 µs through fs/promises (four
 * thread-pool round trips), so small synchronous batches load 100k claims about four times
 * faster while no batch holds the event loop for more than a few milliseconds.
 */
const BATCH = 128;

/**
 * The version token of one file. Every write replaces the file by rename or link, so a new
 * inode (or at least a new mtime or size) marks every version; the token is those three in
 * fixed-width hex (32 digits: the mtime's milliseconds in 11, the rest of it in nanoseconds
 * in 5, then the low 32 bits of size and inode in 8 each), opaque to clients and cheap to
 * compare. Plain (not bigint) stats keep it allocation-light: the mtime double still
 * resolves well under a microsecond.
 *
 * Written as bytes and hex-encoded at once: the index keeps one token per claim, and
 * concatenated pieces stayed a tree of strings in the heap (a heap snapshot at 100k claims
 * held 14 MB less without them, ~140 bytes per claim).
 */
export function etagOf(info: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>): string {
  const ms = Math.floor(info.mtimeMs);
  const subMs = Math.round((info.mtimeMs - ms) * 1e6);
  // 44 bits of milliseconds then 20 of the sub-millisecond part: 64 bits, 16 hex digits.
  // A file dated before 1970 has a negative mtime: wrapped, like the size and inode.
  const high = Math.floor(ms / 0x1000);
  ETAG_BYTES.writeUInt32BE(low32(high), 0);
  ETAG_BYTES.writeUInt32BE((ms - high * 0x1000) * 0x10_0000 + subMs, 4);
  ETAG_BYTES.writeUInt32BE(low32(info.size), 8);
  ETAG_BYTES.writeUInt32BE(low32(info.ino), 12);
  return ETAG_BYTES.toString('hex');
}

const ETAG_BYTES = Buffer.alloc(16);
const low32 = (value: number): number => value - Math.floor(value / 0x1_0000_0000) * 0x1_0000_0000;

/**
 * The names of `directory`'s entries that may be objects, a batch at a time, yielding to
 * the event loop between batches; nothing if the directory is missing. Entries whose type is
 * known not to be a plain file are skipped (and passed to `onOther`, if given); callers
 * check the rest with (f)stat.
 */
export async function* candidateNames(
  directory: string,
  isObjectName: (name: string) => boolean,
  signal?: AbortSignal,
  onOther?: (name: string) => void,
): AsyncGenerator<string[]> {
  let dir;
  try {
    dir = await opendir(directory, { bufferSize: 256 });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  let batch: string[] = [];
  for await (const entry of dir) {
    if (signal?.aborted) break;
    if (isObjectName(entry.name)) {
      if (mayBeFile(entry)) batch.push(entry.name);
      else onOther?.(entry.name);
    }
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0 && !signal?.aborted) yield batch;
}

/** The etag of each named plain file (symlinks, FIFOs and vanished names are left out). */
export function statBatch(directory: string, names: readonly string[]): ObjectInfo[] {
  const infos: ObjectInfo[] = [];
  for (const key of names) {
    const info = lstatSync(directory + sep + key, { throwIfNoEntry: false });
    if (info?.isFile()) infos.push({ key, etag: etagOf(info) });
  }
  return infos;
}

/** What reading a batch of names gives: the objects, and the files that could not be read. */
export interface BatchRead {
  readonly objects: LoadedObject[];
  readonly failed: { key: string; error: unknown }[];
}

/**
 * Reads each named plain file once, on this thread (see `readFiles`). `buffer` (at least
 * `maxBytes + 1` bytes) is reused between files.
 */
export function readBatch(
  directory: string,
  names: readonly string[],
  maxBytes: number,
  buffer: Buffer,
): BatchRead {
  return batchReadOf(readFiles(fs, directory, names, maxBytes, buffer));
}

/** The objects of a `readFiles` result: etags from the identities, bodies views of its bytes. */
export function batchReadOf(read: FilesRead): BatchRead {
  const { bytes } = read;
  const objects = read.entries.map((entry): LoadedObject => ({
    key: entry.key,
    etag: etagOf(entry),
    size: entry.size,
    body:
      entry.length < 0
        ? undefined
        : Buffer.from(bytes.buffer, bytes.byteOffset + entry.offset, entry.length),
  }));
  const failed = read.failed.map(({ key, message, code }) => ({
    key,
    error: Object.assign(new Error(message), { code }),
  }));
  return { objects, failed };
}

function mayBeFile(entry: Dirent): boolean {
  return !(
    entry.isDirectory() ||
    entry.isSymbolicLink() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}

/**
 * Absent. Not ENOTDIR: keys are flat, so it can only mean the bucket directory itself was
 * replaced by a file, a fault of the store (503) rather than an empty bucket whose
 * objects the change feed would then report as deleted.
 */
/**
 * What an entry that cannot be an object is ('a directory', 'a symbolic link', …), for the
 * rejected-claims list; `undefined` for a plain file.
 */
export function nonObjectKind(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  return 'a device file';
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export function isNotPlainFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'ELOOP';
}
