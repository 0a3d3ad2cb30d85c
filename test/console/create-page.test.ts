import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks } from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import {
  collectViolations,
  launchChromium,
  openPage,
  type PageProblems,
} from './support/browser.js';
import { tabThrough } from './support/keyboard.js';
import { saveScreenshot } from './support/screenshots.js';
import {
  signInAs,
  startDeployerConsole,
  type DeployerConsole,
} from './environment-pages-server.js';

// The create page against the real `platformctl serve` (deployer and service catalogue on), in Chromium.
installE2eHooks();

let site: DeployerConsole;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startDeployerConsole(), launchChromium()]);
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

async function open(person: 'anna' | 'kim'): Promise<Page> {
  const opened = await openPage(browser);
  context = opened.context;
  problems = opened.problems;
  await signInAs(opened.page, site, person, '/create');
  await opened.page.getByRole('heading', { level: 1, name: 'Create an environment' }).waitFor();
  return opened.page;
}

const preview = async (page: Page): Promise<unknown> =>
  JSON.parse((await page.getByLabel('Request body').textContent()) ?? '');

describe('the create page', () => {
  it('checks fields live, shows the server’s field error beside its field, then creates', async () => {
    const page = await open('anna');
    await page.getByLabel('Name', { exact: true }).fill('koa-new');
    await page.getByLabel('Type').selectOption('dev');
    // The type's rules, from the catalogue and the version policy.
    const rules = page.locator('.type-rules');
    await expect.poll(() => rules.textContent()).toContain('at most 30 days after creation');
    expect(await rules.textContent()).toContain("'*' or 'latest'");
    // Only the pools /me lists for the type.
    const pools = await page.getByLabel('Pool').locator('option').allTextContents();
    expect(pools).toEqual(['Choose a pool', 'koa']);
    await page.getByLabel('Pool').selectOption('koa');

    // A constraint the grammar refuses: the domain's own message, beside the field, live.
    await page.getByLabel('Service 1 name').fill('nosuch-service');
    const version = page.getByLabel('Service 1 version');
    await version.fill('1.2.3.4.5');
    const versionError = page.locator(`#${(await version.getAttribute('id')) ?? ''}-error`);
    await expect.poll(() => versionError.textContent()).toContain('more than four numeric parts');
    expect(await version.getAttribute('aria-invalid')).toBe('true');
    expect(await version.getAttribute('aria-describedby')).toContain('-error');
    await version.fill('v1.2.3');
    await expect.poll(() => versionError.count()).toBe(0);

    // The preview is the body, exactly.
    expect(await preview(page)).toEqual({
      environment_name: 'koa-new',
      environment_type: 'dev',
      environment_pool: 'koa',
      services: { 'nosuch-service': 'v1.2.3' },
    });

    // Only the server knows its catalogue: its field error lands on the row it names.
    await page.getByRole('button', { name: 'Create' }).click();
    const rowError = page.locator('.service-row .row-error');
    await expect.poll(() => rowError.textContent()).toContain('nosuch-service');
    expect(await page.getByLabel('Service 1 name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').first().textContent()).toContain('Refused');
    expect(new URL(page.url()).pathname).toBe('/create');
    await expectNoSeriousViolations(page, 'create page with a field error');
    await saveScreenshot(page, 'create-page-field-error');

    // Fixed, it is created, and the page goes to the new environment.
    await page.getByLabel('Service 1 name').fill('user-service');
    await expect.poll(() => rowError.count()).toBe(0);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'koa-new' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/environments/koa-new');
    const created = await site.server.request<{ user: string; services: unknown }>(
      'GET',
      '/api/v1/environments/koa-new',
      undefined,
      { token: await site.idp.userToken('anna') },
    );
    expect(created.body.user).toBe('anna@example.com');
    expect(created.body.services).toEqual({ 'user-service': 'v1.2.3' });
    await collectViolations(page, problems?.cspViolations ?? []);
    expect(problems?.cspViolations).toEqual([]);
  });

  it('adds and removes service rows and previews an expiry within the type’s range', async () => {
    const page = await open('anna');
    await page.getByLabel('Type').selectOption('sue');
    await page.getByRole('button', { name: 'Add a service' }).click();
    await page.getByLabel('Service 2 name').fill('auth-service');
    await page.getByLabel('Service 2 version').fill('^1.0.0');
    await page.getByRole('button', { name: 'Remove service 1' }).click();
    expect(await page.getByLabel('Service 2 name').count()).toBe(0);
    expect(await page.getByLabel('Service 1 name').inputValue()).toBe('auth-service');
    // Past sue's 7 days: the domain's expiry rule says so before the server is asked.
    const expiry = page.getByLabel('Expiry (optional, your local time)');
    const far = new Date(Date.now() + 9 * 86_400_000);
    await expiry.fill(localInput(far));
    await page
      .locator('#create-expiry-error')
      .filter({ hasText: 'must be at most 7d after creation_date' })
      .waitFor();
    const body = (await preview(page)) as Record<string, unknown>;
    expect(body.services).toEqual({ 'auth-service': '^1.0.0' });
    expect(Math.abs(Date.parse(String(body.expiration_date)) - far.getTime())).toBeLessThan(60_000);
    await expectNoSeriousViolations(page, 'create page');
    await saveScreenshot(page, 'create-page');
    // Every field and button without a mouse (tabThrough stops at the date's parts; the
    // preview and Create follow it), from the top of the page.
    await page.getByRole('heading', { level: 1 }).click();
    const reached = await tabThrough(page);
    for (const [role, name] of [
      ['textbox', 'Name'],
      ['combobox', 'Type'],
      ['combobox', 'Pool'],
      ['textbox', 'Service 1 name'],
      ['textbox', 'Service 1 version'],
      ['button', 'Remove service 1'],
      ['button', 'Add a service'],
      ['textbox', 'Expiry (optional, your local time)'],
    ] as const) {
      expect(reached).toContainEqual(expect.objectContaining({ role, name }));
    }
    await page.getByLabel('Request body').focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Create');
  });

  it('offers a reader no pool and no Create link', async () => {
    const page = await open('kim');
    expect(await page.getByRole('link', { name: 'Create' }).count()).toBe(0);
    await page
      .getByText('The server lists no pool and type you may create environments in.')
      .waitFor();
    expect(await page.getByLabel('Type').locator('option').allTextContents()).toEqual([
      'Choose a type',
    ]);
  });
});

function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
