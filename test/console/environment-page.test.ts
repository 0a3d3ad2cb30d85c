import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks, waitFor } from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import {
  collectViolations,
  launchChromium,
  openPage,
  type PageProblems,
} from './support/browser.js';
import { STATIC_ENVIRONMENT } from './support/console-server.js';
import { tabThrough } from './support/keyboard.js';
import { saveScreenshot } from './support/screenshots.js';
import {
  signInAs,
  startDeployerConsole,
  type DeployerConsole,
} from './environment-pages-server.js';

// The environment page against the real `platformctl serve` with the deployer on, in Chromium.
installE2eHooks();

interface View {
  expiration_date?: string | null;
  status: {
    etag: string;
    deployment?: {
      phase: string;
      revision: number;
      pinned_revision: number | null;
      resolved: Record<string, { image: { tag: string } }>;
    };
  };
}

let site: DeployerConsole;
let browser: Browser;
let annaToken: string;

const api = <T>(method: string, path: string, body?: unknown, token = annaToken) =>
  site.server.request<T>(method, path, body, { token });

async function rendered(name: string, revision: number): Promise<View> {
  return waitFor(
    `${name} rendered at revision ${revision}`,
    async () => {
      const view = (await api<View>('GET', `/api/v1/environments/${name}`)).body;
      const deployment = view.status.deployment;
      return deployment?.phase === 'Rendered' && deployment.revision >= revision ? view : undefined;
    },
    15_000,
    100,
  );
}

async function createDev(name: string): Promise<void> {
  const created = await api('POST', '/api/v1/environments', {
    environment_name: name,
    environment_type: 'dev',
    environment_pool: 'koa',
    services: { 'user-service': 'v1.2.3' },
  });
  expect(created.status, created.text).toBe(201);
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startDeployerConsole(), launchChromium()]);
  annaToken = await site.idp.userToken('anna');
  // Two revisions to roll between: v1.2.3, then v1.3.0.
  await createDev('koa-feature');
  await rendered('koa-feature', 1);
  const patched = await api('PATCH', '/api/v1/environments/koa-feature', {
    services: { 'user-service': 'v1.3.0' },
  });
  expect(patched.status, patched.text).toBe(200);
  await rendered('koa-feature', 2);
  await createDev('koa-doomed');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

let context: BrowserContext | undefined;
let problems: PageProblems | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function open(person: 'anna' | 'kim' | 'ada', path: string): Promise<Page> {
  const opened = await openPage(browser);
  context = opened.context;
  problems = opened.problems;
  await signInAs(opened.page, site, person, path);
  await opened.page.getByRole('heading', { level: 2, name: 'Claim' }).waitFor();
  return opened.page;
}

async function expectCleanPage(page: Page): Promise<void> {
  await collectViolations(page, problems?.cspViolations ?? []);
  // A refusal the page shows is logged by the browser as a failed request, nothing else.
  expect(
    (problems?.errors ?? []).filter((line) => !line.includes('Failed to load resource')),
  ).toEqual([]);
  expect(problems?.cspViolations).toEqual([]);
}

describe('the environment page', () => {
  it('shows the claim, each service requested and resolved (tag and digest), and the history', async () => {
    const page = await open('anna', '/environments/koa-feature');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('koa-feature');
    const claim = page.getByRole('region', { name: 'Claim' });
    await expect.poll(() => claim.textContent()).toContain('anna@example.com');
    expect(await claim.textContent()).toContain('dynamic');
    const row = page
      .getByRole('table', { name: 'Requested and resolved versions per service' })
      .getByRole('row', { name: /user-service/ });
    await expect.poll(() => row.textContent()).toContain('v1.3.0');
    const digest = site.imageDigests['v1.3.0'] ?? '';
    expect(await row.locator(`[title="${digest}"]`).count()).toBe(1);
    const history = page.getByRole('table', { name: 'Render revisions, newest first' });
    await history.waitFor();
    expect(await history.getByRole('row').count()).toBe(3);
    // The current revision offers no rollback; the earlier one does.
    expect(await page.getByRole('button', { name: 'Roll back to revision 2' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Roll back to revision 1' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(1);
    await expectNoSeriousViolations(page, 'environment page');
    await saveScreenshot(page, 'environment-page');
    // Every action without a mouse: tabThrough stops at the date (its parts are tab stops of
    // one element); from the Extend button on, Tab reaches the delete confirmation.
    const reached = await tabThrough(page);
    for (const [role, name] of [
      ['link', 'Environments'],
      ['button', 'Roll back to revision 1'],
      ['textbox', 'New expiry (your local time)'],
    ] as const) {
      expect(reached).toContainEqual(expect.objectContaining({ role, name }));
    }
    await page.getByRole('button', { name: 'Extend' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('delete-confirm');
    await expectCleanPage(page);
  });

  it('rolls back to an earlier revision', async () => {
    const page = await open('anna', '/environments/koa-feature');
    await page.getByRole('button', { name: 'Roll back to revision 1' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Rolled back to the versions of revision 1');
    const row = page
      .getByRole('table', { name: 'Requested and resolved versions per service' })
      .getByRole('row', { name: /user-service/ });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('v1.2.3');
    expect(await page.getByRole('region', { name: 'Services' }).textContent()).toContain(
      'Pinned to the versions of revision 1',
    );
    const view = await rendered('koa-feature', 3);
    expect(view.status.deployment?.pinned_revision).toBe(1);
    expect(view.status.deployment?.resolved['user-service']?.image.tag).toBe('v1.2.3');
    await saveScreenshot(page, 'environment-page-rolled-back');
    await expectCleanPage(page);
  });

  it('extends within the range it shows, and shows the server’s reason beyond the maximum', async () => {
    const page = await open('anna', '/environments/koa-feature');
    const date = page.getByLabel('New expiry (your local time)');
    await date.waitFor();
    // The range: now to 30 days (dev's maximum) after creation.
    const hint = await page.locator('#extend-date').getAttribute('aria-describedby');
    expect(await page.locator(`#${hint ?? ''}`).textContent()).toContain(
      'at most 30 days after creation',
    );
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    await date.fill(localInput(inTwoDays));
    await page.getByRole('button', { name: 'Extend' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Expiry set to');
    const view = (await api<View>('GET', '/api/v1/environments/koa-feature')).body;
    expect(Math.abs(Date.parse(view.expiration_date ?? '') - inTwoDays.getTime())).toBeLessThan(
      60_000,
    );

    // Past the maximum: the page warns but sends it; the server refuses and says why.
    await page
      .getByLabel('New expiry (your local time)')
      .fill(localInput(new Date(Date.now() + 40 * 86_400_000)));
    await page.getByRole('button', { name: 'Extend' }).click();
    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'must be at most 30d after creation_date' });
    await alert.waitFor();
    await saveScreenshot(page, 'environment-page-extend-refused');
    await expectNoSeriousViolations(page, 'environment page with a refusal');
  });

  it('says "changed meanwhile, reload" when the environment changed since it loaded', async () => {
    const page = await open('anna', '/environments/koa-feature');
    await page.getByLabel('New expiry (your local time)').waitFor();
    const changed = await api('PATCH', '/api/v1/environments/koa-feature', {
      expiration_date: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect(changed.status, changed.text).toBe(200);
    await page.getByRole('button', { name: 'Extend' }).click();
    await page.getByRole('alert').filter({ hasText: 'Changed meanwhile, reload' }).waitFor();
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'Changed meanwhile' }).count())
      .toBe(0);
  });

  it('deletes only after the name is typed, then goes to the list', async () => {
    const page = await open('anna', '/environments/koa-doomed');
    const remove = page.getByRole('button', { name: 'Delete' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Environment name').fill('koa-doome');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Environment name').fill('koa-doomed');
    expect(await remove.isDisabled()).toBe(false);
    await remove.click();
    await page.getByRole('heading', { level: 1, name: 'Environments' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/environments');
    expect((await api('GET', '/api/v1/environments/koa-doomed')).status).toBe(404);
    await expectCleanPage(page);
  });

  it('offers a reader nothing to change, and the server refuses anyway', async () => {
    const page = await open('kim', '/environments/koa-feature');
    await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
    await page.getByRole('table', { name: 'Render revisions, newest first' }).waitFor();
    for (const name of ['Delete', 'Extend', 'Roll back to revision 1', 'Roll back to revision 2']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByText('You may read this environment but not change it').count()).toBe(1);
    // What the page does not offer, the API denies with the reason the page would show.
    const kimToken = await site.idp.userToken('kim');
    const denied = await api<{ detail: string }>(
      'DELETE',
      '/api/v1/environments/koa-feature',
      undefined,
      kimToken,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('may not perform environment:delete');
    await expectNoSeriousViolations(page, 'environment page for a reader');
    await saveScreenshot(page, 'environment-page-reader');
  });

  it('shows a static environment read-only, linking its Git repository', async () => {
    const page = await open('ada', `/environments/${STATIC_ENVIRONMENT.name}`);
    const link = page.getByRole('link', {
      name: new RegExp(STATIC_ENVIRONMENT.repository.replace(/[.]/g, '\\.')),
    });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(STATIC_ENVIRONMENT.repository);
    expect(await page.getByRole('region', { name: 'Claim' }).textContent()).toContain('main');
    expect(await page.getByText('A static environment, managed in Git').count()).toBe(1);
    await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
    // An administrator, yet nothing to change: the server allows no change on a static one.
    for (const name of ['Delete', 'Extend']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    await expectNoSeriousViolations(page, 'static environment page');
    await saveScreenshot(page, 'environment-page-static');
    await expectCleanPage(page);
  });
});

function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
