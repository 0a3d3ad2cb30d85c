import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks, REPO_ROOT } from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import { collectViolations, launchChromium, openPage } from './support/browser.js';
import { startConsoleServer, type ConsoleServer } from './support/console-server.js';
import { saveScreenshot } from './support/screenshots.js';

// The built console (dist/console, made by `npm run build`) as the real `platformctl serve`
// serves it, and as Chromium loads it under its own Content-Security-Policy.
installE2eHooks();

let site: ConsoleServer;
let browser: Browser;
let index: string;

beforeAll(async () => {
  index = await readFile(join(REPO_ROOT, 'dist', 'console', 'index.html'), 'utf8');
  [site, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${site.server.url}${path}`, { headers });

/** The script and stylesheet index.html loads, as the build named them. */
const assetsOf = (html: string): string[] =>
  [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');

describe('platformctl serve: the web console', () => {
  it('answers / with the built index.html, brotli-compressed, under a strict CSP', async () => {
    const response = await get('/', { 'accept-encoding': 'br, gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // fetch decodes the body and drops the header; the raw bytes are checked below.
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${site.idp.issuer}`);
    expect(csp).toContain(`form-action 'self' ${site.idp.issuer}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toBe(index);
    // The start names the console's URL (npm start's demo prints it too).
    const listening = site.server.logLines().find((line) => line.msg === 'listening');
    expect(listening?.console).toBe(`${site.server.url}/`);
  });

  it('sends each asset immutable and compressed, the bytes decoding to the built file', async () => {
    const assets = assetsOf(index);
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    for (const path of assets) {
      const { status, headers, body } = await rawGet(path, 'br');
      expect(status, path).toBe(200);
      expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(headers['content-type']).toMatch(
        path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
      expect(headers['content-encoding']).toBe('br');
      const built = await readFile(join(REPO_ROOT, 'dist', 'console', path));
      expect(brotliDecompressSync(body).equals(built), path).toBe(true);
      expect(body.byteLength).toBeLessThan(built.byteLength);
    }
  });

  it('answers console paths with index.html and unknown API paths with a problem 404', async () => {
    for (const path of ['/environments/x', '/create', '/signin/callback']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe(index);
    }
    const api = await get('/api/v1/nope', { authorization: `Bearer ${site.adminToken}` });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    expect(api.headers.get('content-security-policy')).toBeNull();
    const asset = await get('/assets/missing-00000000.js');
    expect(asset.status).toBe(404);
    expect(asset.headers.get('content-type')).toBe('application/problem+json');
    expect((await get('/readyz')).status).toBe(200);
  });

  it('publishes the console client in /login-config', async () => {
    const config = (await (await get('/login-config')).json()) as { console: unknown[] };
    expect(config.console).toEqual([
      {
        issuer: site.idp.issuer,
        client_id: 'platform-console',
        scopes: ['openid', 'api'],
        resource: 'urn:platform-service:api',
      },
    ]);
  });

  it('loads in Chromium without console errors or CSP violations', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await page.goto(`${site.server.url}/`, { waitUntil: 'networkidle' });
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await collectViolations(page, problems.cspViolations);
      expect(problems.all()).toEqual([]);
      await expectNoSeriousViolations(page);
      await saveScreenshot(page, 'first-load');
    } finally {
      await context.close();
    }
  });
});

/** GET with `accept-encoding`, returning the bytes as sent (fetch would decode them). */
async function rawGet(
  path: string,
  encoding: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      `${site.server.url}${path}`,
      { headers: { 'accept-encoding': encoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([name, value]) => [name, String(value)]),
            ),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
