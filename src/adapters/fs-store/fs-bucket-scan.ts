import type { Dirent, Stats } from 'node:fs';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { sep } from 'node:path';
import type { LoadedObject, ObjectInfo } from '../../ports/claim-store.js';

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
 * fixed-width hex (32 digits), opaque to clients and cheap to compare. Plain (not bigint)
 * stats keep it allocation-light: the mtime double still resolves well under a microsecond.
 */
export function etagOf(info: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>): string {
  const ms = Math.floor(info.mtimeMs);
  const subMs = Math.round((info.mtimeMs - ms) * 1e6);
  return (
    ms.toString(16).padStart(11, '0') +
    subMs.toString(16).padStart(5, '0') +
    low32Hex(info.size) +
    low32Hex(info.ino)
  );
}

function low32Hex(value: number): string {
  return (value % 0x1_0000_0000).toString(16).padStart(8, '0');
}

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

/**
 * Reads each named plain file once: the etag comes from the open descriptor, so it is the
 * version of exactly the bytes read. A file above `maxBytes` is returned without a body; a
 * file that cannot be read (EIO, EACCES) is returned in `failed` with its error, not thrown,
 * so one bad file does not stop the others. `buffer` (at least `maxBytes + 1` bytes) is
 * reused between files.
 */
export function readBatch(
  directory: string,
  names: readonly string[],
  maxBytes: number,
  buffer: Buffer,
): { objects: LoadedObject[]; failed: { key: string; error: unknown }[] } {
  const objects: LoadedObject[] = [];
  const failed: { key: string; error: unknown }[] = [];
  for (const key of names) {
    try {
      const object = readOne(directory, key, maxBytes, buffer);
      if (object) objects.push(object);
    } catch (error) {
      failed.push({ key, error });
    }
  }
  return { objects, failed };
}

function readOne(
  directory: string,
  key: string,
  maxBytes: number,
  buffer: Buffer,
): LoadedObject | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO must not block the reader; O_NOFOLLOW: nor a symlink lead outside.
    fd = openSync(
      directory + sep + key,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW,
    );
  } catch (error) {
    if (isNotFound(error) || isNotPlainFile(error)) return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    const { size } = info;
    const etag = etagOf(info);
    if (size > maxBytes) return { key, etag, size, body: undefined };
    let length = 0;
    for (;;) {
      // Asking for the stat size + 1 (not the whole buffer) spares the kernel's readahead.
      const read = readSync(fd, buffer, length, Math.min(size + 1, maxBytes + 1) - length, length);
      length += read;
      if (read === 0 || length >= size) break;
    }
    return length > maxBytes
      ? { key, etag, size: length, body: undefined }
      : { key, etag, size: length, body: Buffer.from(buffer.subarray(0, length)) };
  } finally {
    closeSync(fd);
  }
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
