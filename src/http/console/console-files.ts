import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { ContentEncoding } from './content-encoding.js';

/** One file of the built console, held in memory (the whole console is a few hundred KB). */
export interface ConsoleFile {
  /** The URL path it is served at: `/index.html`, `/assets/index-Bx1y2z3.js`. */
  readonly path: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** Worth compressing: text formats (HTML, JS, CSS, SVG, JSON); images and fonts are not. */
  readonly compressible: boolean;
  /** A strong validator of the uncompressed bytes (a hash, not the mtime: builds are reproducible). */
  readonly etag: string;
  /** The build's precompressed copies (`x.js.br`, `x.js.gz`), when it left them. */
  readonly precompressed: Readonly<Partial<Record<ContentEncoding, Uint8Array<ArrayBuffer>>>>;
}

/** The built console: `index.html` and every file beside it, by URL path. */
export interface ConsoleFiles {
  readonly directory: string;
  readonly index: ConsoleFile;
  readonly byPath: ReadonlyMap<string, ConsoleFile>;
}

const TYPES: Readonly<Record<string, readonly [contentType: string, compressible: boolean]>> = {
  '.html': ['text/html; charset=utf-8', true],
  '.js': ['text/javascript; charset=utf-8', true],
  '.mjs': ['text/javascript; charset=utf-8', true],
  '.css': ['text/css; charset=utf-8', true],
  '.json': ['application/json', true],
  '.map': ['application/json', true],
  '.webmanifest': ['application/manifest+json', true],
  '.svg': ['image/svg+xml', true],
  '.txt': ['text/plain; charset=utf-8', true],
  '.png': ['image/png', false],
  '.ico': ['image/x-icon', false],
  '.webp': ['image/webp', false],
  '.woff2': ['font/woff2', false],
};

// Precompressed siblings (`x.js.br`, made by scripts/precompress-console.js) are served as
// the compressed form of `x.js`, not as files of their own.
const COMPRESSED_SIBLING = /\.(br|gz)$/;
const SIBLING_ENCODINGS = { br: '.br', gzip: '.gz' } as const satisfies Record<
  ContentEncoding,
  string
>;

/**
 * Reads the console built into `directory` (Vite's output: `index.html` and `assets/`).
 * Returns why it cannot be served instead when there is no `index.html` there (a build
 * without the console): the API is served regardless.
 */
export async function loadConsoleFiles(
  directory: string,
): Promise<ConsoleFiles | { readonly missing: string }> {
  let names: string[];
  try {
    names = await readdir(directory, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: `${directory} does not exist` };
    throw error;
  }
  const present = new Set(names);
  const byPath = new Map<string, ConsoleFile>();
  for (const name of names.sort()) {
    if (COMPRESSED_SIBLING.test(name) || name.split(sep).some((part) => part.startsWith('.'))) {
      continue;
    }
    const absolute = join(directory, name);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(await readFile(absolute));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') continue;
      throw error;
    }
    const path = `/${relative(directory, absolute).split(sep).join('/')}`;
    const [contentType, compressible] = TYPES[extname(name).toLowerCase()] ?? [
      'application/octet-stream',
      false,
    ];
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
    const precompressed: Partial<Record<ContentEncoding, Uint8Array<ArrayBuffer>>> = {};
    for (const [encoding, suffix] of Object.entries(SIBLING_ENCODINGS)) {
      if (compressible && present.has(`${name}${suffix}`)) {
        precompressed[encoding as ContentEncoding] = new Uint8Array(
          await readFile(`${absolute}${suffix}`),
        );
      }
    }
    byPath.set(path, { path, body, contentType, compressible, etag: `"${hash}"`, precompressed });
  }
  const index = byPath.get('/index.html');
  if (index === undefined) return { missing: `${join(directory, 'index.html')} does not exist` };
  return { directory, index, byPath };
}
