import { Worker } from 'node:worker_threads';
import { batchReadOf, readBatch, type BatchRead } from './fs-bucket-scan.js';
import { readerThreadSource, type FilesRead, type ReadRequest } from './read-files.js';

/** A reader thread's answer: `FilesRead` for request `id`, its bytes transferred. */
type ReadReply = Omit<FilesRead, 'bytes'> & { readonly id: number; readonly bytes: ArrayBuffer };

/** Reads batches of files for the initial load; `close` ends its threads. */
export interface BatchReader {
  read(directory: string, names: readonly string[], maxBytes: number): Promise<BatchRead>;
  close(): Promise<void>;
}

/**
 * Reads on `threads` worker threads, so the open/fstat/read/close calls (about 40 % of a
 * large load when made on the main thread) run beside the judging and indexing instead of
 * before it. Requests go to the threads in turn and answer in any order; the caller keeps
 * several in flight. A thread that fails (it cannot start, say) is told to `onFailure` and
 * hands its requests, and all later ones, to the synchronous `readBatch`: the load goes on,
 * only slower.
 */
export function createThreadedReader(
  threads: number,
  onFailure: (error: unknown) => void,
): BatchReader {
  let syncBuffer = Buffer.allocUnsafe(0);
  const readHere = (directory: string, names: readonly string[], maxBytes: number): BatchRead => {
    if (syncBuffer.length < maxBytes + 1) syncBuffer = Buffer.allocUnsafe(maxBytes + 1);
    return readBatch(directory, names, maxBytes, syncBuffer);
  };

  interface Waiting {
    readonly request: ReadRequest;
    readonly resolve: (read: BatchRead) => void;
    readonly reject: (error: unknown) => void;
  }
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let broken = false;
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(readerThreadSource(), {
      eval: true,
      // It holds a read buffer and one chunk's bodies, off the JS heap: a small heap is
      // enough, and keeps the process's resident size down while the load runs.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    worker.on('message', (reply: ReadReply) => {
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      entry.resolve(batchReadOf({ ...reply, bytes: new Uint8Array(reply.bytes) }));
    });
    const fail = (error: unknown): void => {
      if (broken) return;
      broken = true;
      onFailure(error);
      // Whatever was sent may never be answered: read it here, in order.
      for (const [id, entry] of [...waiting]) {
        waiting.delete(id);
        try {
          const { directory, names, maxBytes } = entry.request;
          entry.resolve(readHere(directory, names, maxBytes));
        } catch (error) {
          entry.reject(error);
        }
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a claim reader thread exited (code ${code})`)));
    return worker;
  });

  return {
    read(directory, names, maxBytes) {
      if (broken) return Promise.resolve().then(() => readHere(directory, names, maxBytes));
      const request: ReadRequest = { id: nextId++, directory, names, maxBytes };
      return new Promise<BatchRead>((resolve, reject) => {
        waiting.set(request.id, { request, resolve, reject });
        workers[request.id % workers.length]!.postMessage(request);
      });
    },
    async close() {
      broken = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
