import type { Context, Hono } from 'hono';
import { NotFoundError } from '../../domain/errors.js';
import type { HttpEnv } from '../http-env.js';
import type { ConsoleFile, ConsoleFiles } from './console-files.js';
import { chooseEncoding, createCompressionCache } from './content-encoding.js';
import { consoleContentSecurityPolicy } from './content-security-policy.js';

/** What `/` serves: the built console, or why there is none (a build without it). */
export type ConsoleSite =
  | { readonly files: ConsoleFiles; readonly issuerOrigins: readonly string[] }
  | { readonly missing: string };

/** Vite names every file under `assets/` after a hash of its content: it never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ASSETS = '/assets/';

/**
 * Mounts the web console on `app` after the API routes, which therefore win: GET and HEAD
 * of a console file answer it as it is (hashed assets cached for a year, the rest
 * revalidated), any other path outside `/api/` answers `index.html` (the console's own
 * router reads the path), compressed with brotli or gzip as the client accepts, under a
 * strict Content-Security-Policy. A path under `/api/` or `/assets/` that names nothing
 * stays a problem+json 404, never the page.
 */
export function mountConsole(app: Hono<HttpEnv>, site: ConsoleSite): void {
  if ('missing' in site) {
    app.get('*', (c) => {
      if (!isApiPath(c.req.path)) {
        throw new NotFoundError(
          'This server was built without the web console; the API is at /api/v1 (described by /openapi.json)',
        );
      }
      throw noRoute(c);
    });
    return;
  }
  const { files } = site;
  const securityHeaders = {
    'content-security-policy': consoleContentSecurityPolicy(site.issuerOrigins),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  const compressed = createCompressionCache();
  app.get('*', async (c) => {
    const { path } = c.req;
    if (isApiPath(path)) throw noRoute(c);
    const file = files.byPath.get(path) ?? (path.startsWith(ASSETS) ? undefined : files.index);
    if (file === undefined) throw new NotFoundError(`The console has no file ${path}`);
    const encoding = file.compressible
      ? chooseEncoding(c.req.header('accept-encoding'))
      : undefined;
    const etag = encoding === undefined ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
    const headers: Record<string, string> = {
      ...securityHeaders,
      'content-type': file.contentType,
      'cache-control': cacheControl(file, files),
      etag,
      ...(file.compressible ? { vary: 'Accept-Encoding' } : {}),
    };
    if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    if (encoding === undefined) return c.body(file.body, 200, headers);
    const body = file.precompressed[encoding] ?? (await compressed(file.path, file.body, encoding));
    return c.body(body, 200, { ...headers, 'content-encoding': encoding });
  });
}

function cacheControl(file: ConsoleFile, files: ConsoleFiles): string {
  return file !== files.index && file.path.startsWith(ASSETS) ? IMMUTABLE : 'no-cache';
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function noRoute(c: Context<HttpEnv>): NotFoundError {
  return new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
}

/** `If-None-Match` (RFC 9110 §13.1.2): a list of entity tags, weak comparison, or `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
