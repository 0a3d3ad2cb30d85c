import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The encoding to answer with for an `Accept-Encoding` header (RFC 9110 §12.5.3): brotli or
 * gzip, whichever has the higher weight (brotli on a tie: smaller), or `undefined` for the
 * identity. `q=0` refuses an encoding; `*` stands for any encoding not named.
 */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token = '', ...parameters] = part.trim().toLowerCase().split(';');
    if (token === '') continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(token, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string): number => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gz = weightOf('gzip');
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? 'br' : 'gzip';
}

/**
 * Compresses a file the build left no precompressed copy of (scripts/precompress-console.js
 * makes them at the highest settings). Brotli at quality 5: on the 130 KB console script
 * 22 ms for 39 KB, where quality 11 takes 480 ms for 36 KB, too long for a first request.
 */
export async function compress(
  body: Uint8Array,
  encoding: ContentEncoding,
): Promise<Uint8Array<ArrayBuffer>> {
  const compressed = await (encoding === 'br'
    ? brotli(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      })
    : gzipAsync(body, { level: 6 }));
  return new Uint8Array(compressed);
}

/**
 * Compressed bodies by file and encoding, made on the first request for each (in libuv's
 * thread pool, off the event loop) and kept for the life of the process: the console's
 * files do not change while it runs. Concurrent first requests share one compression.
 */
export function createCompressionCache(): (
  key: string,
  body: Uint8Array,
  encoding: ContentEncoding,
) => Promise<Uint8Array<ArrayBuffer>> {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  return (key, body, encoding) => {
    const id = `${encoding}:${key}`;
    let compressed = cache.get(id);
    if (compressed === undefined) {
      compressed = compress(body, encoding);
      cache.set(id, compressed);
      compressed.catch(() => cache.delete(id));
    }
    return compressed;
  };
}
