import {
  closeSync,
  constants,
  linkSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  write,
} from 'node:fs';
import { promisify } from 'node:util';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const writeAsync = promisify(write);

/*
 * Only the calls that wait for the disk run on libuv's thread pool: the O_DSYNC write and
 * the directory's fsync. The metadata calls around them (open with O_CREAT, close, link,
 * unlink, rename) are synchronous: on a local file system each takes microseconds, less
 * than a thread-pool round trip, which on a busy 2-core host also wakes a pool thread that
 * preempts the event loop. Creates at 16 concurrent, alternating with the asynchronous
 * build (bench/scale.js, BENCH_ONLY=create): 1,729 and 2,034/s against 1,422 and 1,307/s.
 */

/**
 * A new file whose writes return once they are durable (O_DSYNC: data, size and allocation,
 * as fdatasync makes them). Only its data matters: a crash before the write returned leaves
 * at most a temp file, and the ETag of a file lost with its mtime would only refuse a
 * conditional write, never accept a wrong one.
 */
const NEW_SYNCED_FILE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_TRUNC | constants.O_DSYNC;

/** Temp files start with a dot and end in `.tmp`; listings and the watcher skip them. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Temp names: the process id and a counter keep them unique without the cost of random
 * bytes per write; `wx` refuses a name that exists anyway (left by a killed process that
 * had the same pid), and the write is retried under the next one.
 */
let tempCounter = 0;
const tempName = (target: string): string =>
  join(dirname(target), `.${basename(target)}.${process.pid}-${(tempCounter++).toString(36)}.tmp`);

/**
 * Writes `body` to a new temp file beside `target` and fsyncs it. Nothing is visible under
 * `target` yet: a process killed here leaves at most a temp file, never a partial object.
 * `body` may be a stream so a large object is never held whole in memory.
 */
export async function writeTemp(
  target: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  options: { mode?: number } = {},
): Promise<string> {
  const mode = options.mode ?? 0o644;
  for (;;) {
    const temp = tempName(target);
    try {
      if (body instanceof Uint8Array) await writeNewFile(temp, body, mode);
      else await streamNewFile(temp, body, mode);
      return temp;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * One buffer, on a plain file descriptor (no FileHandle object, measurably cheaper per
 * create): O_DSYNC makes the write durable as it returns, so one thread-pool round trip
 * (the write) instead of two with a separate fsync, for the same guarantee.
 * On failure the file is removed, unless it was another's (EEXIST, thrown by the open).
 */
async function writeNewFile(temp: string, body: Uint8Array, mode: number): Promise<void> {
  const fd = openSync(temp, NEW_SYNCED_FILE, mode);
  try {
    for (let offset = 0; offset < body.byteLength;) {
      const { bytesWritten } = await writeAsync(fd, body, offset, body.byteLength - offset);
      offset += bytesWritten;
    }
  } catch (error) {
    closeQuietly(fd);
    unlinkQuietly(temp);
    throw error;
  }
  closeSync(fd);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* the write's error is the one to report */
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already, or left for the next start's sweep of temp files */
  }
}

async function streamNewFile(
  temp: string,
  body: AsyncIterable<Uint8Array>,
  mode: number,
): Promise<void> {
  const handle = await open(temp, 'wx', mode);
  try {
    for await (const chunk of body) await handle.write(chunk);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/**
 * Publishes a temp file under `target` only if nothing is there: link(2) fails with EEXIST
 * atomically, across processes, so of N concurrent creators exactly one wins.
 * Returns `false` if `target` existed. The temp file is removed either way.
 */
export async function publishIfAbsent(temp: string, target: string): Promise<boolean> {
  try {
    linkSync(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
  await syncDirectory(dirname(target));
  return true;
}

/** Publishes a temp file under `target`, replacing what is there, atomically (rename(2)). */
export async function publishReplacing(temp: string, target: string): Promise<void> {
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkQuietly(temp);
    throw error;
  }
  await syncDirectory(dirname(target));
}

interface DirectorySync {
  /** The fsync running now; it may have started before a caller's rename. */
  running: Promise<void> | undefined;
  /** The fsync that starts when `running` ends; whoever joins it is covered by it. */
  next: Promise<void> | undefined;
}

const directorySyncs = new Map<string, DirectorySync>();

/**
 * fsync on the directory makes a new name itself durable, not just the file's data.
 *
 * Group commit per directory: callers that arrive while an fsync is running share the next
 * one, so N concurrent publishes cost two directory fsyncs, not N. A caller is resolved only
 * by an fsync that started after it called (after its rename), never by one already running.
 */
export function syncDirectory(directory: string): Promise<void> {
  let state = directorySyncs.get(directory);
  if (!state) {
    state = { running: undefined, next: undefined };
    directorySyncs.set(directory, state);
  }
  if (state.next) return state.next;
  if (!state.running) return startDirectorySync(directory, state);
  const current = state;
  current.next = state.running
    .catch(() => undefined)
    .then(() => {
      current.next = undefined;
      return startDirectorySync(directory, current);
    });
  return current.next;
}

function startDirectorySync(directory: string, state: DirectorySync): Promise<void> {
  const running: Promise<void> = fsyncDirectory(directory).finally(() => {
    if (state.running !== running) return;
    state.running = undefined;
    if (!state.next) directorySyncs.delete(directory);
  });
  state.running = running;
  return running;
}

interface HeldDirectory {
  readonly handle: FileHandle;
  readonly dev: number;
  readonly ino: number;
}

/** Directories kept open for their fsyncs (the buckets, the audit directory, …), newest last. */
const heldDirectories = new Map<string, HeldDirectory>();
const MAX_HELD_DIRECTORIES = 32;

/**
 * fsyncs `directory` through a descriptor kept open between calls: one thread-pool round
 * trip instead of three (open, fsync, close). The descriptor is used only while it is still
 * the directory the path names (same device and inode, by a stat made after the caller's
 * link or rename): a directory removed and made again is opened anew, and the old inode's
 * number cannot have been reused while the held descriptor kept it alive.
 */
async function fsyncDirectory(directory: string): Promise<void> {
  const current = statSync(directory);
  let held = heldDirectories.get(directory);
  heldDirectories.delete(directory);
  if (held && (held.dev !== current.dev || held.ino !== current.ino)) {
    await held.handle.close().catch(() => undefined);
    held = undefined;
  }
  held ??= await openDirectory(directory);
  try {
    await held.handle.sync();
  } catch (error) {
    await held.handle.close().catch(() => undefined);
    throw error;
  }
  heldDirectories.set(directory, held);
  for (const [oldest, { handle }] of heldDirectories) {
    if (heldDirectories.size <= MAX_HELD_DIRECTORIES) break;
    heldDirectories.delete(oldest);
    // A FileHandle closes once the operations under way on it are done.
    void handle.close().catch(() => undefined);
  }
}

async function openDirectory(directory: string): Promise<HeldDirectory> {
  const handle = await open(directory, 'r');
  try {
    const { dev, ino } = await handle.stat();
    return { handle, dev, ino };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
