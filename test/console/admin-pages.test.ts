import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  installE2eHooks,
  waitFor,
  writeAtomically,
  type RejectedList,
} from '../e2e/serve-helper.js';
import { expectNoSeriousViolations } from './support/axe.js';
import { collectViolations, launchChromium, openPage } from './support/browser.js';
import { tabThrough } from './support/keyboard.js';
import {
  PEOPLE,
  STATIC_ENVIRONMENT,
  startConsoleServer,
  type ConsoleServer,
  type Person,
} from './support/console-server.js';
import { saveScreenshot } from './support/screenshots.js';

// The Rejected claims, Access and Audit pages in Chromium against the real `platformctl
// serve`: an admin (ada, IdP group platform-admins) and a koa developer (anna), each signed
// in with a real access token from the test IdP pasted into the sign-in form.
installE2eHooks();

const BAD_KEY = 'Broken_Claim.json';
/** More creates than one audit page holds (50), so the pager has a next page. */
const CREATES = 55;

let site: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
  // A claim document written straight into the bucket, as `mc cp` would, that is not valid.
  await writeAtomically(
    join(site.server.bucketDir(DYNAMIC), BAD_KEY),
    JSON.stringify({ environment_name: 'Broken_Claim', environment_pool: 'koa' }),
  );
  await waitFor('the bad claim to be rejected', async () => {
    const list = await site.server.request<RejectedList>(
      'GET',
      '/api/v1/rejected-claims',
      undefined,
      {
        token: site.adminToken,
      },
    );
    return list.body.items.some((item) => item.key === BAD_KEY) ? true : undefined;
  });
  // Changes for the audit log: each create is an intent and an outcome, listed as one row.
  for (let i = 0; i < CREATES; i += 1) {
    const created = await site.server.request(
      'POST',
      '/api/v1/environments',
      {
        environment_name: `koa-audit-${String(i).padStart(2, '0')}`,
        environment_type: 'dev',
        environment_pool: 'koa',
        services: {},
      },
      { token: site.adminToken },
    );
    expect(created.status).toBe(201);
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** Opens `path` in a fresh context and signs in as `person` with a token from the test IdP. */
async function signedIn(person: Person, path: string) {
  const opened = await openPage(browser);
  const token = await site.idp.userToken(person);
  await opened.page.goto(`${site.server.url}${path}`);
  await opened.page.getByLabel(/Bearer token/).fill(token);
  await opened.page.getByRole('button', { name: 'Sign in with token' }).click();
  await opened.page.getByRole('navigation', { name: 'Main' }).waitFor();
  return opened;
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** The accessible text of the table with caption `caption`, row by row. */
async function tableRows(page: Page, caption: string | RegExp): Promise<string[]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  return (await table.getByRole('row').allInnerTexts()).slice(1);
}

/**
 * No console error, uncaught exception or CSP violation, but the browser's own line for each
 * refusal the test provoked (`refused`: the HTTP statuses the page was meant to show).
 */
async function expectClean(
  page: Page,
  problems: { cspViolations: string[]; all(): string[] },
  refused: readonly number[] = [],
) {
  await collectViolations(page, problems.cspViolations);
  const expected = (line: string) =>
    refused.some((status) => line.includes(`responded with a status of ${status} `));
  expect(problems.all().filter((line) => !expected(line))).toEqual([]);
}

type Opened = Awaited<ReturnType<typeof signedIn>>;

describe('the Rejected claims, Access and Audit pages for a platform admin', () => {
  // One sign-in for the describe: each test moves on with the console's own links.
  let admin: Opened;
  beforeAll(async () => {
    admin = await signedIn('ada', '/environments');
  }, 30_000);
  afterAll(() => admin?.context.close());

  it('show an admin the rejected claim with its reasons, and when it was seen', async () => {
    const { page, problems } = admin;
    {
      await nav(page).getByRole('link', { name: 'Rejected claims', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Rejected claims' }).waitFor();
      const rows = await tableRows(page, /Rejected claim documents/);
      const row = rows.find((text) => text.includes(BAD_KEY));
      expect(row, rows.join('\n')).toBeDefined();
      expect(row).toContain('environments');
      expect(row).toContain('environment_name: must be lower case');
      expect(row).toContain('environment_type: is required');
      // Relative and absolute time.
      expect(row).toMatch(/(ago|now) \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)/);
      await expectNoSeriousViolations(page, 'rejected claims');
      await saveScreenshot(page, 'rejected-claims');
      await expectClean(page, problems);
    }
  });

  it('explains an allowed and a denied action with the policies and the group path', async () => {
    const { page, problems } = admin;
    {
      await nav(page).getByRole('link', { name: 'Access', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Access' }).waitFor();
      const explain = page.getByRole('form', { name: 'Explain a decision' });
      await explain.getByLabel('Action').selectOption('environment:create');
      await explain.getByLabel('Environment name').fill('koa-new');
      await explain.getByLabel('Pool').fill('koa');
      await explain.getByLabel('Type').selectOption('dev');
      await explain.getByRole('button', { name: 'Explain' }).click();
      const allowed = page.getByRole('heading', { level: 3, name: /^Allowed/ });
      await allowed.waitFor();
      expect(await allowed.innerText()).toContain('environment/koa-new');
      expect(new URL(page.url()).searchParams.get('action')).toBe('environment:create');
      const chain = page.getByRole('list', { name: 'Path to platform-admins' });
      await chain.waitFor();
      const steps = await chain.getByRole('listitem').allInnerTexts();
      expect(steps[0]).toBe(`user ${PEOPLE.ada.email}`);
      expect(steps.join(' → ')).toContain("IdP group 'platform-admins'");
      expect(steps.at(-1)).toBe('platform-admins');
      expect(await page.locator('.explanation').innerText()).toContain('platform-admins');

      // A change to the static (Git) environment: a forbid decides, for admins too.
      await explain.getByLabel('Action').selectOption('environment:update');
      await explain.getByLabel('Environment name').fill(STATIC_ENVIRONMENT.name);
      await explain.getByRole('button', { name: 'Explain' }).click();
      const denied = page.getByRole('heading', { level: 3, name: /^Denied/ });
      await denied.waitFor();
      expect(await denied.innerText()).toContain(`environment/${STATIC_ENVIRONMENT.name}`);
      expect(await page.locator('.explanation').innerText()).toContain(
        'static-environments-read-only',
      );
      // Someone else, with the IdP groups their token would carry.
      await explain.getByLabel('Action').selectOption('environment:create');
      await explain.getByLabel('Environment name').fill('koa-hers');
      await explain.getByLabel('Pool').fill('koa');
      await explain.getByLabel('Type').selectOption('dev');
      await explain.getByLabel('As (optional)').fill(`user:${PEOPLE.anna.email}`);
      await explain.getByLabel('With IdP groups (optional)').fill('koa-developer');
      await explain.getByRole('button', { name: 'Explain' }).click();
      const hers = page.getByRole('heading', { level: 3, name: /^Allowed/ });
      await hers.waitFor();
      expect(await hers.innerText()).toContain(`for ${PEOPLE.anna.email}`);
      await page.getByRole('list', { name: 'Path to product:koa:developer' }).waitFor();
      await expectNoSeriousViolations(page, 'access (explain, admin)');
      await saveScreenshot(page, 'access-explain-admin');

      // Who can, by tool and level, and a user's access across tools.
      const whoCan = page.getByRole('form', { name: 'Who can' });
      await whoCan.getByLabel('Tool').selectOption('argocd');
      await whoCan.getByLabel('At least').selectOption('read');
      await whoCan.getByRole('button', { name: 'Find who can' }).click();
      const groups = await tableRows(page, /Groups holding it/);
      expect(groups.some((row) => row.startsWith('platform-admins'))).toBe(true);
      const search = new URL(page.url()).searchParams;
      expect([search.get('tool'), search.get('level')]).toEqual(['argocd', 'read']);

      const lookup = page.getByRole('form', { name: 'A user’s access' });
      await lookup.getByLabel('User').fill('ops@example.com');
      await lookup.getByRole('button', { name: 'Show access' }).click();
      // The report's reason, as the access compiler gives it.
      await page.getByText(/is a platform admin: listed in platformAdmins\.users/).waitFor();
      await expectNoSeriousViolations(page, 'access (who-can, user)');
      await saveScreenshot(page, 'access-admin');
      await expectClean(page, problems);
    }
  });

  it('shows audit intents with their outcomes, filters in the URL and pages', async () => {
    const { page, problems } = admin;
    {
      await nav(page).getByRole('link', { name: 'Audit', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
      const form = page.getByRole('search', { name: 'Filter the audit log' });
      await form.getByLabel('Action').fill('environment:create');
      await form.getByLabel('Decision').selectOption('allow');
      await form.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/action=environment%3Acreate/);
      await page.getByRole('status').filter({ hasText: '50 records shown' }).waitFor();
      const rows = await tableRows(page, /Audit records/);
      expect(rows).toHaveLength(50);
      const first = rows[0] ?? '';
      // One row per create: the intent's actor, action and resource with its outcome record.
      expect(first).toContain('ops@example.com');
      expect(first).toContain('environment/koa-audit-00');
      expect(first).toContain('allowed');
      expect(first).toMatch(/succeeded 201\s+recorded as #\d+/);
      expect(rows.every((row) => row.includes('environment:create'))).toBe(true);
      await expectNoSeriousViolations(page, 'audit');
      await saveScreenshot(page, 'audit');
      // Filters and the pager without a mouse. tabThrough stops at the first time field (its
      // date and time parts are tab stops of one element), so from there on Tab is pressed here.
      const reached = await tabThrough(page);
      for (const name of ['Actor', 'Action', 'Decision', 'Resource', 'Since'])
        // A wrapping label's text includes a select's options: the name starts with the label.
        expect(reached.some((item) => item.name.startsWith(name))).toBe(true);
      for (const name of ['Clear', 'Next page'])
        expect(reached).toContainEqual(expect.objectContaining({ role: 'button', name }));
      await page.getByLabel('Until').focus();
      let focused = '';
      for (let press = 0; press < 10 && focused !== 'Apply filters'; press += 1) {
        await page.keyboard.press('Tab');
        focused = String(await page.evaluate('document.activeElement?.textContent ?? ""'));
      }
      expect(focused).toBe('Apply filters');

      await page.getByRole('button', { name: 'Next page' }).click();
      await page.waitForURL(/cursor=/);
      await page.getByRole('status').filter({ hasText: 'a later page' }).waitFor();
      const later = await tableRows(page, /Audit records/);
      expect(later).toHaveLength(CREATES - 50);
      expect(later[0]).toContain('environment/koa-audit-50');
      expect(new URL(page.url()).searchParams.get('action')).toBe('environment:create');
      await expect(page.getByRole('button', { name: 'Next page' }).count()).resolves.toBe(0);
      await page.getByRole('button', { name: 'First page' }).click();
      await page.getByRole('status').filter({ hasText: '50 records shown' }).waitFor();
      expect(page.url()).not.toContain('cursor=');

      // A range the server refuses: its reason next to the field it names.
      await page.evaluate(
        "history.pushState(null, '', '/audit?since=2026-12-07T05:00:00Z&until=2026-12-07T04:00:00Z'); dispatchEvent(new PopStateEvent('popstate'))",
      );
      const until = page.getByLabel('Until');
      // The field's error is announced beside it, as on every form (components/field.tsx).
      await page.locator('#audit-until-error[role=alert]').waitFor();
      await expect(until.getAttribute('aria-invalid')).resolves.toBe('true');
      const errorId = (await until.getAttribute('aria-describedby')) ?? '';
      expect(await page.locator(`#${errorId}`).innerText()).toBe('must not be before since');
      await expectClean(page, problems, [400]);
    }
  });
});

describe('the same pages for a developer', () => {
  // Signed in on /audit, as someone who opens a link to it.
  let developer: Opened;
  beforeAll(async () => {
    developer = await signedIn('anna', '/audit');
  }, 30_000);
  afterAll(() => developer?.context.close());

  it('gives a non-admin neither Audit nor Rejected claims, and the server’s reason at /audit', async () => {
    const { page, problems } = developer;
    {
      const links = nav(page).getByRole('link');
      await expect(links.filter({ hasText: 'Access' }).count()).resolves.toBe(1);
      await expect(links.filter({ hasText: 'Audit' }).count()).resolves.toBe(0);
      await expect(links.filter({ hasText: 'Rejected claims' }).count()).resolves.toBe(0);
      await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain(
        `${PEOPLE.anna.email} may not perform audit:read on platform`,
      );
      await expect(page.getByRole('table').count()).resolves.toBe(0);
      await expectNoSeriousViolations(page, 'audit (refused)');
      await saveScreenshot(page, 'audit-refused');
      await expectClean(page, problems, [403]);
    }
  });

  it('shows a developer their access and why a create is allowed in their pool only', async () => {
    const { page, problems } = developer;
    {
      await nav(page).getByRole('link', { name: 'Access', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Access' }).waitFor();
      // No admin question is offered.
      await expect(page.getByRole('form', { name: 'Who can' }).count()).resolves.toBe(0);
      const facts = await page.locator('.facts').innerText();
      expect(facts).toContain('koa-developer');
      expect(facts).toMatch(/in pool koa: .*dev/);

      const explain = page.getByRole('form', { name: 'Explain a decision' });
      await explain.getByLabel('Action').selectOption('environment:create');
      await explain.getByRole('button', { name: 'Explain' }).click();
      // Missing fields are said next to the fields, before anything is asked.
      const name = explain.getByLabel('Environment name');
      await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
      expect(await page.locator(`#${describedBy}`).innerText()).toContain('name');

      await name.fill('koa-mine');
      await explain.getByLabel('Pool').fill('koa');
      await explain.getByLabel('Type').selectOption('dev');
      await explain.getByRole('button', { name: 'Explain' }).click();
      await page.getByRole('heading', { level: 3, name: /^Allowed/ }).waitFor();
      const chain = page.getByRole('list', { name: 'Path to product:koa:developer' });
      const steps = await chain.getByRole('listitem').allInnerTexts();
      expect(steps.join(' → ')).toContain("IdP group 'koa-developer'");
      expect(await page.locator('.explanation').innerText()).toContain('product-developers-manage');

      await explain.getByLabel('Environment name').fill('ai-mine');
      await explain.getByLabel('Pool').fill('ai');
      await explain.getByRole('button', { name: 'Explain' }).click();
      await page.getByRole('heading', { level: 3, name: /^Denied/ }).waitFor();
      expect(await page.locator('.explanation').innerText()).toContain('No policy gives it');
      await expectNoSeriousViolations(page, 'access (developer)');
      await saveScreenshot(page, 'access-developer');
      const reached = await tabThrough(page);
      expect(reached).toContainEqual(expect.objectContaining({ role: 'combobox', name: 'Action' }));
      expect(reached).toContainEqual(expect.objectContaining({ role: 'button', name: 'Explain' }));
      // The list of all groups opens from the keyboard too.
      expect(
        reached.some((item) => item.role === 'button' && item.name.startsWith('All groups of')),
      ).toBe(true);

      // An admin question opened from a link (in place: a reload would sign out): the
      // server's refusal, not an empty answer. A string, as the project has no DOM types.
      await page.evaluate(
        "history.pushState(null, '', '/access?tool=argocd&level=read'); dispatchEvent(new PopStateEvent('popstate'))",
      );
      const refusal = page.getByRole('alert').filter({ hasText: 'access:compile' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain(`${PEOPLE.anna.email} may not perform`);
      await expectClean(page, problems, [403]);
    }
  });
});
