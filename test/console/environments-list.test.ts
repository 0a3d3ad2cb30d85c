import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks } from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import { collectViolations, launchChromium, openPage } from './support/browser.js';
import {
  STATIC_ENVIRONMENT,
  startConsoleServer,
  type ConsoleServer,
} from './support/console-server.js';
import { tabThrough } from './support/keyboard.js';
import { saveScreenshot } from './support/screenshots.js';

// The Environments page over 200 environments in Chromium: cursor paging through every one
// exactly once, the filters, the expiry countdown and its warning, static against dynamic.
installE2eHooks();

const SEEDED = 210;

let site: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([
    startConsoleServer({ environments: SEEDED }),
    launchChromium(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

async function signInWithToken(page: Page, token: string, path = '/'): Promise<void> {
  await page.goto(`${site.server.url}${path}`);
  await page.getByLabel(/Bearer token/).fill(token);
  await page.getByRole('button', { name: 'Sign in with token' }).click();
  await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
}

/** The names in the table's rows once the page has loaded them. */
async function rowNames(page: Page): Promise<string[]> {
  await page.getByRole('status').filter({ hasText: /shown/ }).waitFor();
  return page.locator('table tbody tr th').allInnerTexts();
}

describe('the Environments page', () => {
  it('pages through all 211 environments, 50 at a time, each exactly once', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await signInWithToken(page, site.adminToken);
      const seen: string[] = [];
      for (let pageNumber = 1; ; pageNumber += 1) {
        const names = await rowNames(page);
        expect(names.length, `page ${pageNumber}`).toBeLessThanOrEqual(50);
        seen.push(...names);
        const next = page.getByRole('button', { name: 'Next page' });
        if ((await next.count()) === 0) break;
        expect(names).toHaveLength(50);
        await next.click();
        await page.waitForURL(/cursor=/);
        expect(pageNumber).toBeLessThan(10);
      }
      const expected = [...site.seeded, STATIC_ENVIRONMENT.name].sort();
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(SEEDED + 1);
      // Back to the first page from the last.
      await page.getByRole('button', { name: 'First page' }).click();
      expect((await rowNames(page))[0]).toBe(expected[0]);
      await collectViolations(page, problems.cspViolations);
      expect(problems.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('filters by type and text, and marks static, dynamic and expiring rows', async () => {
    const { context, page } = await openPage(browser);
    try {
      await signInWithToken(page, site.adminToken);
      await page.getByLabel('Type').selectOption('sue');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/type=sue/);
      const sue = await rowNames(page);
      // Every third seeded environment is a sue one.
      expect(sue).toEqual(site.seeded.filter((_, i) => i % 3 === 0).slice(0, 50));
      const types = await page.locator('table tbody tr td:nth-child(2)').allInnerTexts();
      expect(new Set(types)).toEqual(new Set(['sue']));
      // koa-env-000 expires within the hour: inside sue's two-hour warning window.
      const first = page.getByRole('row', { name: /koa-env-000/ });
      await expect(first.getByText(/Warning: expires in/).isVisible()).resolves.toBe(true);
      const later = page.getByRole('row', { name: /koa-env-003/ });
      await expect(later.getByText(/expires in/).textContent()).resolves.not.toMatch(/Warning/);
      await saveScreenshot(page, 'environments-filtered');

      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Text').fill('staging');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/q=staging/);
      expect(await rowNames(page)).toEqual([STATIC_ENVIRONMENT.name]);
      const row = page.getByRole('row', { name: new RegExp(STATIC_ENVIRONMENT.name) });
      await expect(row.getByText('static (Git)').isVisible()).resolves.toBe(true);

      // A filtered page is a URL: opened afresh (and signed in again) it shows the same rows.
      await signInWithToken(page, site.adminToken, '/environments?type=dev&pool=koa');
      const dev = await rowNames(page);
      expect(dev).toEqual(site.seeded.filter((_, i) => i % 3 !== 0).slice(0, 50));
      await expect(
        page
          .getByRole('row', { name: /koa-env-001/ })
          .getByText('dynamic')
          .isVisible(),
      ).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('has no serious accessibility violation, and its actions are reachable by keyboard', async () => {
    const { context, page } = await openPage(browser);
    try {
      await signInWithToken(page, site.adminToken);
      await rowNames(page);
      await expectNoSeriousViolations(page, 'the Environments page');
      await saveScreenshot(page, 'environments');
      const reached = await tabThrough(page, 150);
      for (const action of ['Apply filters', 'Next page', 'Sign out']) {
        expect(reached, action).toContainEqual(
          expect.objectContaining({ role: 'button', name: action }),
        );
      }
      expect(reached).toContainEqual(
        expect.objectContaining({ role: 'link', name: 'koa-env-000' }),
      );
      expect(reached).toContainEqual(expect.objectContaining({ role: 'textbox', name: 'Pool' }));
    } finally {
      await context.close();
    }
  });
});
