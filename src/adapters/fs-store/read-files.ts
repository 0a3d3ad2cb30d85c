// Reading files for the initial load: one definition for the main thread (`readBatch`) and
// the reader thread (`parallel-read.ts`). The thread runs these functions from their source
// text (`new Worker(…, { eval: true })`), the same from `dist/` and from the TypeScript the
// tests run, so nothing here imports anything at run time: `readFiles` takes `fs` as an
// argument, and the thread takes its modules from `getBuiltinModule`.
import type * as NodeFs from 'node:fs';

/** One file read: its stat identity, and where its bytes are in the batch's buffer. */
export interface FileRead {
  readonly key: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly offset: number;
  /** -1: above `maxBytes`, not read. */
  readonly length: number;
}

/** What `readFiles` gives; plain data, so a thread can post it. */
export interface FilesRead {
  readonly entries: FileRead[];
  /** Files that could not be read (EIO, EACCES), with the error's message and code. */
  readonly failed: { key: string; message: string; code: string | undefined }[];
  /** Every body read, one after the other. */
  readonly bytes: Uint8Array;
}

/** A batch for the reader thread; its answer is `FilesRead` with `id`, `bytes` transferred. */
export interface ReadRequest {
  readonly id: number;
  readonly directory: string;
  readonly names: readonly string[];
  readonly maxBytes: number;
}

/**
 * Reads each named plain file once. O_NONBLOCK: a FIFO must not block the reader;
 * O_NOFOLLOW: nor a symlink lead outside. The identity comes from the open descriptor, so
 * it is the version of exactly the bytes read; at most the stat size + 1 is asked for
 * (sparing the kernel's readahead) and never more than `maxBytes + 1`. A file above
 * `maxBytes` has no body; what is gone, a directory or a symlink is left out; a file that
 * cannot be read is listed in `failed`, so one bad file does not stop the others. `buffer`
 * (at least `maxBytes + 1` bytes) is reused between files.
 */
export function readFiles(
  fs: typeof NodeFs,
  directory: string,
  names: readonly string[],
  maxBytes: number,
  buffer: Buffer,
): FilesRead {
  const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW;
  const entries: FileRead[] = [];
  const failed: FilesRead['failed'] = [];
  const bodies: Buffer[] = [];
  let offset = 0;
  for (const key of names) {
    let fd: number;
    try {
      fd = fs.openSync(`${directory}/${key}`, flags);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone (ENOENT), a directory (EISDIR) or a symlink (ELOOP): no object.
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ELOOP') {
        failed.push({ key, message: String(error), code });
      }
      continue;
    }
    try {
      const info = fs.fstatSync(fd);
      if (!info.isFile()) continue;
      const { mtimeMs, size, ino } = info;
      if (size > maxBytes) {
        entries.push({ key, mtimeMs, size, ino, offset, length: -1 });
        continue;
      }
      let length = 0;
      for (;;) {
        const read = fs.readSync(fd, buffer, length, size + 1 - length, length);
        length += read;
        if (read === 0 || length >= size) break;
      }
      if (length > maxBytes) {
        // It grew past the limit since the fstat.
        entries.push({ key, mtimeMs, size: length, ino, offset, length: -1 });
        continue;
      }
      bodies.push(Buffer.from(buffer.subarray(0, length)));
      entries.push({ key, mtimeMs, size: length, ino, offset, length });
      offset += length;
    } catch (error) {
      failed.push({ key, message: String(error), code: (error as NodeJS.ErrnoException).code });
    } finally {
      fs.closeSync(fd);
    }
  }
  return { entries, failed, bytes: Buffer.concat(bodies, offset) };
}

/** The reader thread: answers each `ReadRequest` with `readFiles`, its bytes transferred. */
export function readerThreadMain(): void {
  const fs = process.getBuiltinModule('node:fs');
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  if (!parentPort) return;
  const port = parentPort;
  let buffer = Buffer.allocUnsafe(0);
  port.on('message', (request: ReadRequest) => {
    if (buffer.length < request.maxBytes + 1) buffer = Buffer.allocUnsafe(request.maxBytes + 1);
    const read = readFiles(fs, request.directory, request.names, request.maxBytes, buffer);
    // A copy of just these bytes: a small Buffer may sit in Node's shared pool, which must
    // not be transferred away (and a Buffer's memory is never a SharedArrayBuffer).
    const { buffer: memory, byteOffset, byteLength } = read.bytes;
    const bytes = memory.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
    port.postMessage({ id: request.id, ...read, bytes }, [bytes]);
  });
}

/** The reader thread's source: both functions, `readerThreadMain` called. */
export const readerThreadSource = (): string =>
  `${readFiles.toString()}\n(${readerThreadMain.toString()})();`;
