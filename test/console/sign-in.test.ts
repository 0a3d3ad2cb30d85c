import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks } from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import { collectViolations, launchChromium, openPage } from './support/browser.js';
import { PEOPLE, startConsoleServer, type ConsoleServer } from './support/console-server.js';
import { tabThrough } from './support/keyboard.js';
import { saveScreenshot } from './support/screenshots.js';

// Signing in to the console in Chromium: the authorization code flow with PKCE against the
// real oidc-provider (its sign-in form filled in as a person would), a pasted token, and
// signing out; the console keeps the token in memory only.
installE2eHooks();

let site: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startConsoleServer({ environments: 3 }), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

describe('signing in to the console', () => {
  it('signs in through the IdP with PKCE and comes back to the page asked for', async () => {
    const { context, page, problems } = await openPage(browser, { origin: site.server.url });
    try {
      const tokenRequests: string[] = [];
      const consoleCookies: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith(`${site.idp.issuer}/token`)) {
          tokenRequests.push(request.postData() ?? '');
        }
      });
      page.on('response', (response) => {
        const cookie = response.headers()['set-cookie'];
        if (response.url().startsWith(site.server.url) && cookie !== undefined) {
          consoleCookies.push(cookie);
        }
      });
      await page.goto(`${site.server.url}/environments?pool=koa`);
      await expect(
        page.getByRole('heading', { name: 'Sign in to the Platform console' }).isVisible(),
      ).resolves.toBe(true);
      await expectNoSeriousViolations(page, 'the sign-in page');
      await saveScreenshot(page, 'sign-in');
      const issuerHost = new URL(site.idp.issuer).host;
      await page.getByRole('button', { name: `Sign in with ${issuerHost}` }).click();

      // The IdP's own page, on its own origin.
      await page.waitForURL(`${site.idp.issuer}/interaction/**`);
      await page.getByLabel('Username').fill('anna');
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.waitForURL(`${site.server.url}/environments?pool=koa`);
      await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
      await expect(page.getByText(PEOPLE.anna.email).first().isVisible()).resolves.toBe(true);
      // The code was exchanged by the browser with its verifier and no client secret.
      expect(tokenRequests).toHaveLength(1);
      const form = new URLSearchParams(tokenRequests[0]);
      expect(form.get('grant_type')).toBe('authorization_code');
      expect(form.get('code_verifier')).toMatch(/^[\w-]{43}$/);
      expect(form.get('client_secret')).toBeNull();
      // The token is kept in memory only.
      const stored = await page.evaluate(() => {
        const dom = globalThis as unknown as {
          localStorage: { length: number };
          sessionStorage: { length: number };
        };
        return dom.localStorage.length + dom.sessionStorage.length;
      });
      expect(stored).toBe(0);
      // Nor in a cookie (the IdP's own session cookies are the IdP's business).
      expect(consoleCookies).toEqual([]);

      await collectViolations(page, problems.cspViolations);
      expect(problems.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in with a pasted token, reaches sign-out by keyboard, and signs out', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await page.goto(`${site.server.url}/`);
      await page.getByLabel(/Bearer token/).fill(site.adminToken);
      await page.getByRole('button', { name: 'Sign in with token' }).click();
      await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
      await expect(page.getByText('ops@example.com').first().isVisible()).resolves.toBe(true);

      const reached = await tabThrough(page);
      expect(reached).toContainEqual(expect.objectContaining({ role: 'button', name: 'Sign out' }));
      expect(reached).toContainEqual(
        expect.objectContaining({ role: 'link', name: 'Environments' }),
      );

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to the Platform console' }).waitFor();
      // Reloading does not bring a session back: there is none stored.
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to the Platform console' }).waitFor();
      await collectViolations(page, problems.cspViolations);
      expect(problems.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows why a pasted token is refused', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`${site.server.url}/`);
      await page.getByLabel(/Bearer token/).fill('not-a-token');
      await page.getByRole('button', { name: 'Sign in with token' }).click();
      // The server's 401 is shown, not an empty page.
      await page
        .getByText(/401|not authenticated|Unauthorized|token/i)
        .first()
        .waitFor();
      await saveScreenshot(page, 'sign-in-refused');
    } finally {
      await context.close();
    }
  });
});
