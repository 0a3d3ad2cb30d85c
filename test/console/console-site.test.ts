import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createPlatform, type Platform } from '../../src/main.js';
import { chooseEncoding } from '../../src/http/console/content-encoding.js';
import { REPO_ROOT } from '../e2e/serve-helper.js';

// The console's behaviour through the real wiring (createPlatform, app.request), on a small
// built console of its own: the real build is served by test/console/serve.test.ts.
const INDEX =
  '<!doctype html><title>Platform console</title><script type="module" src="/assets/app-Ab12.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
const PRECOMPRESSED_MARKER = 'precompressed by the build';

let dir: string;
let consoleDir: string;
let platform: Platform;
let bare: Platform;

async function build(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, body] of Object.entries(files)) {
    await mkdir(join(consoleDir, name, '..'), { recursive: true });
    await writeFile(join(consoleDir, name), body);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-site-'));
  consoleDir = join(dir, 'console');
  await build({
    'index.html': INDEX,
    'assets/app-Ab12.js': SCRIPT,
    'assets/style-Cd34.css': 'body{margin:0}'.repeat(100),
    // A build's brotli copy is sent as it is: the marker proves it is not recompressed.
    'assets/style-Cd34.css.br': brotliCompressSync(PRECOMPRESSED_MARKER),
    'assets/logo-Ef56.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  });
  const configPath = join(dir, 'platform.yaml');
  await writeFile(
    configPath,
    [
      'auth:',
      `  tokens: [{ subject: alice@example.com, sha256: "${'0'.repeat(64)}" }]`,
      '  oidc:',
      '    - issuer: https://idp.example.com/realms/platform',
      '      audience: platform',
      '      console: { clientId: platform-console, resource: "urn:platform-service:api" }',
      '      cli: { clientId: platformctl }',
      '    - issuer: https://cli-only.example.org',
      '      audience: platform',
      '      cli: { clientId: platformctl, scopes: [openid] }',
      '    - issuer: http://127.0.0.1:9999/oidc',
      '      audience: platform',
      '      console: { clientId: console-2, scopes: [openid, api] }',
      '',
    ].join('\n'),
  );
  const config = await loadConfig({ configPath, flags: { dataDir: join(dir, 'data') } });
  const logger = pino({ level: 'silent' });
  platform = await createPlatform(config, { logger, consoleDirectory: consoleDir });
  bare = await createPlatform(config, { logger, consoleDirectory: join(dir, 'not-built') });
});

afterAll(async () => {
  await platform.close();
  await bare.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  platform.app.request(path, { method, headers });

describe('the web console at /', () => {
  it('answers / and every page path with index.html, revalidated, under a strict CSP', async () => {
    for (const path of ['/', '/environments/sue-a', '/create', '/access', '/signin/callback']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
    }
    const headers = (await get('/')).headers;
    expect(headers.get('content-security-policy')).toBe(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self' https://idp.example.com http://127.0.0.1:9999",
        "base-uri 'none'",
        "form-action 'self' https://idp.example.com http://127.0.0.1:9999",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves hashed assets as they are, immutable, with their content types', async () => {
    const script = await get('/assets/app-Ab12.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe(SCRIPT);
    const png = await get('/assets/logo-Ef56.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers.get('content-type')).toBe('image/png');
    // Images are compressed already: sent as they are, whatever the client accepts.
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    );
  });

  it('compresses text with brotli or gzip as accepted, and uses the build’s copies', async () => {
    const br = await get('/assets/app-Ab12.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.byteLength).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(brBytes).toString()).toBe(SCRIPT);

    const gz = await get('/', { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(INDEX);

    const css = await get('/assets/style-Cd34.css', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(Buffer.from(await css.arrayBuffer())).toString()).toBe(
      PRECOMPRESSED_MARKER,
    );
    const refused = await get('/assets/app-Ab12.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(SCRIPT);
  });

  it('answers HEAD without a body and If-None-Match with 304 per encoding', async () => {
    const head = await get('/environments/x', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await head.text()).toBe('');
    const first = await get('/', { 'accept-encoding': 'br' });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+-br"$/);
    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    // The same validator does not stand for the gzip bytes.
    expect((await get('/', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
  });

  it('leaves the API, probes and documents to their routes, and never answers /api/ with the page', async () => {
    expect((await get('/healthz')).headers.get('content-type')).toContain('application/json');
    expect((await get('/openapi.json')).headers.get('content-type')).toContain('application/json');
    const missingApi = await get('/api/v1/nope', { authorization: 'Bearer x' });
    expect(missingApi.status).toBe(401);
    expect(missingApi.headers.get('content-type')).toBe('application/problem+json');
    const missingAsset = await get('/assets/gone-0000.js');
    expect(missingAsset.status).toBe(404);
    expect(missingAsset.headers.get('content-type')).toBe('application/problem+json');
    const post = await platform.app.request('/', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toBe('application/problem+json');
  });

  it('publishes the console clients in /login-config beside the CLI ones', async () => {
    expect(await (await get('/login-config')).json()).toEqual({
      issuers: [
        {
          issuer: 'https://idp.example.com/realms/platform',
          client_id: 'platformctl',
          scopes: ['openid', 'offline_access'],
        },
        { issuer: 'https://cli-only.example.org', client_id: 'platformctl', scopes: ['openid'] },
      ],
      console: [
        {
          issuer: 'https://idp.example.com/realms/platform',
          client_id: 'platform-console',
          scopes: ['openid'],
          resource: 'urn:platform-service:api',
        },
        { issuer: 'http://127.0.0.1:9999/oidc', client_id: 'console-2', scopes: ['openid', 'api'] },
      ],
    });
  });

  it('without a built console answers / with a problem saying so, and the API still works', async () => {
    const response = await bare.app.request('/');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /built without the web console/,
    );
    expect((await bare.app.request('/healthz')).status).toBe(200);
  });
});

describe('chooseEncoding', () => {
  it('follows the weights of Accept-Encoding', () => {
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('gzip, br')).toBe('br');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0')).toBeUndefined();
  });
});

describe('scripts/precompress-console.js', () => {
  it('writes brotli and gzip copies of text files only, which decode to the files', async () => {
    const built = join(dir, 'precompress');
    await mkdir(join(built, 'assets'), { recursive: true });
    await writeFile(join(built, 'index.html'), INDEX);
    await writeFile(join(built, 'assets', 'app-Ab12.js'), SCRIPT);
    await writeFile(join(built, 'assets', 'logo-Ef56.png'), new Uint8Array(64));
    await writeFile(join(built, 'assets', 'app-Ab12.js.map'), '{"version":3}'.repeat(50));
    await promisify(execFile)(process.execPath, [
      join(REPO_ROOT, 'scripts', 'precompress-console.js'),
      built,
    ]);
    expect((await readdir(join(built, 'assets'))).sort()).toEqual([
      'app-Ab12.js',
      'app-Ab12.js.br',
      'app-Ab12.js.gz',
      'app-Ab12.js.map',
      'logo-Ef56.png',
    ]);
    const br = await readFile(join(built, 'assets', 'app-Ab12.js.br'));
    expect(brotliDecompressSync(br).toString()).toBe(SCRIPT);
    const gz = await readFile(join(built, 'assets', 'app-Ab12.js.gz'));
    expect(gunzipSync(gz).toString()).toBe(SCRIPT);
    // index.html is smaller compressed too, so it gets its copies.
    expect(brotliDecompressSync(await readFile(join(built, 'index.html.br'))).toString()).toBe(
      INDEX,
    );
  });
});
