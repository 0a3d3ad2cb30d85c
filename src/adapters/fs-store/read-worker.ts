// The body of a load reader thread (see `parallel-read.ts`). It runs from its source text
// (`new Worker(…, { eval: true })`), the same from `dist/` and from the TypeScript sources
// the tests run, so it imports nothing and takes Node's modules from `getBuiltinModule`.

/** A batch to read: like `readBatch`'s arguments. */
export interface ReadRequest {
  readonly id: number;
  readonly directory: string;
  readonly names: readonly string[];
  readonly maxBytes: number;
}

/** One file read: its stat identity, and where its bytes are in the reply's buffer. */
export interface ReadEntry {
  readonly key: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly offset: number;
  /** -1: above `maxBytes`, not read. */
  readonly length: number;
}

export interface ReadReply {
  readonly id: number;
  readonly entries: readonly ReadEntry[];
  readonly failed: readonly { key: string; message: string; code: string | undefined }[];
  /** Every body read, one after the other; transferred, not copied. */
  readonly bytes: ArrayBuffer;
}

/**
 * Reads each request's files as `readOne` in fs-bucket-scan.ts does (O_NONBLOCK and
 * O_NOFOLLOW, the identity from the open descriptor, at most `maxBytes + 1` read), and
 * answers with their bytes in one transferred buffer. Keep the two in step.
 */
export function readWorkerMain(): void {
  const fs = process.getBuiltinModule('node:fs');
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  if (!parentPort) return;
  const port = parentPort;
  let buffer = Buffer.allocUnsafe(0);
  const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW;
  // As isNotFound and isNotPlainFile: gone, a directory or a symlink is no object.
  const skipped = new Set(['ENOENT', 'EISDIR', 'ELOOP']);

  port.on('message', (request: ReadRequest) => {
    if (buffer.length < request.maxBytes + 1) buffer = Buffer.allocUnsafe(request.maxBytes + 1);
    const entries: ReadEntry[] = [];
    const failed: { key: string; message: string; code: string | undefined }[] = [];
    const bodies: Buffer[] = [];
    let offset = 0;
    for (const key of request.names) {
      let fd: number;
      try {
        fd = fs.openSync(`${request.directory}/${key}`, flags);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (!skipped.has(code ?? '')) failed.push({ key, message: String(error), code });
        continue;
      }
      try {
        const info = fs.fstatSync(fd);
        if (!info.isFile()) continue;
        const { mtimeMs, size, ino } = info;
        if (size > request.maxBytes) {
          entries.push({ key, mtimeMs, size, ino, offset, length: -1 });
          continue;
        }
        let length = 0;
        for (;;) {
          const wanted = Math.min(size + 1, request.maxBytes + 1) - length;
          const read = fs.readSync(fd, buffer, length, wanted, length);
          length += read;
          if (read === 0 || length >= size) break;
        }
        if (length > request.maxBytes) {
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
    const joined = Buffer.concat(bodies, offset);
    const bytes = joined.buffer.slice(joined.byteOffset, joined.byteOffset + offset);
    const reply: ReadReply = { id: request.id, entries, failed, bytes };
    port.postMessage(reply, [bytes]);
  });
}
