import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { InputError, PayloadTooLargeError } from '../domain/errors.js';
import type { HttpEnv } from './http-env.js';
import { requestHeader } from './node-headers.js';

/** Request bodies above this are refused with 413 (the 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new PayloadTooLargeError(`The request body exceeds ${maxBytes} bytes`);

/**
 * The request body as UTF-8 text, refused with 413 as soon as it is known to exceed
 * `maxBytes`: by its Content-Length before anything is read, else while it streams in.
 *
 * Served by @hono/node-server, the body is read from Node's `IncomingMessage`: going through
 * `c.req` makes the adapter build a fetch `Request` with a web stream and an AbortSignal,
 * which cost about a tenth of a create's main-thread time (bench/scale.js). Only handlers
 * that take a body call this, so a request refused earlier (401, say) is never read.
 */
export async function readBodyText(
  c: Context<HttpEnv>,
  maxBytes = MAX_BODY_BYTES,
): Promise<string> {
  const incoming = (c.env as HttpEnv['Bindings'] | undefined)?.incoming;
  const declared = Number(requestHeader(c, 'content-length'));
  if (declared > maxBytes) {
    if (incoming && declared <= DRAIN_LIMIT_BYTES) await drain(incoming);
    throw tooLarge(maxBytes);
  }
  const chunks = incoming
    ? await readIncoming(incoming, maxBytes)
    : await readStream(c.req.raw.body, maxBytes);
  return Buffer.concat(chunks).toString('utf8');
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        done();
        // The rest is read and dropped (up to a limit) before the 413 goes out, which
        // closes the connection (see problem.ts) either way.
        void drain(incoming, DRAIN_LIMIT_BYTES - size).then(() => reject(tooLarge(maxBytes)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks);
    };
    // A client that goes away mid-body made a bad request, not the server a fault: a 400
    // (which it never reads) and an info line, never a 500 `unhandled error`.
    const onError = (error: Error): void => {
      done();
      reject(
        new InputError(`The request body ended early: the client closed the connection`, [], {
          cause: error,
        }),
      );
    };
    const onClose = (): void => onError(new Error('the client closed the request before its end'));
    const done = (): void => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    if (incoming.readableEnded) return resolve(chunks);
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * How much of a refused body is still read, and dropped, before the 413 is sent. A client
 * still sending when the server answers and closes gets EPIPE or a reset instead of the
 * answer (undici in Node 24 does); reading a modest overage to its end lets it read the
 * 413. Beyond this the connection is closed at once: nobody is owed 8 MiB of reading.
 */
export const DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES;

/** Reads and drops the rest of a request, until its end or `limit` more bytes. */
function drain(incoming: IncomingMessage, limit = DRAIN_LIMIT_BYTES): Promise<void> {
  return new Promise((resolve) => {
    if (incoming.readableEnded || incoming.destroyed) return resolve();
    let size = 0;
    const finish = (): void => {
      incoming.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) {
        incoming.pause();
        finish();
      }
    };
    incoming.on('data', onData).on('end', finish).on('error', finish).on('close', finish);
    incoming.resume();
  });
}

/** The same for a fetch body (requests made with `app.request()`, in tests). */
async function readStream(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  if (!body) return chunks;
  let size = 0;
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(Buffer.from(read.value));
  }
  return chunks;
}
