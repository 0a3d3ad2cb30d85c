import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Dom } from './dom.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package): nothing is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts headless Chromium. Playwright gives every `launch` a fresh profile directory of its
 * own (`--user-data-dir` under the temp dir) and removes it on `close`, so no state (cookies,
 * storage, cache) leaks from one test file to the next or from a developer's browser.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** What went wrong in a page: console errors, uncaught exceptions and CSP violations. */
export interface PageProblems {
  /** `console.error` lines and uncaught exceptions, as text. */
  readonly errors: string[];
  /** Each `securitypolicyviolation` event: the directive and what it blocked. */
  readonly cspViolations: string[];
  /** Everything above, for one `expect(...).toEqual([])`. */
  all(): string[];
}

/**
 * A new page in a new context (cookies and storage of its own), recording its problems.
 * CSP is enforced as served (no `bypassCSP`): a console that breaks its own policy fails.
 * With `origin`, only what happens while the page shows that origin is recorded (the test
 * IdP's sign-in page, with its missing favicon, is not the console's).
 */
export async function openPage(
  browser: Browser,
  options: { readonly origin?: string } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Injected by the DevTools protocol, not as a page script: the page's CSP does not apply.
  await context.addInitScript(() => {
    const dom = globalThis as unknown as Dom;
    dom.__cspViolations = [];
    dom.document.addEventListener('securitypolicyviolation', (event) => {
      dom.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const cspViolations: string[] = [];
  const ours = (): boolean => options.origin === undefined || page.url().startsWith(options.origin);
  page.on('console', (message) => {
    if (message.type() === 'error' && ours()) {
      const where = message.location().url;
      errors.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (error) => {
    if (ours()) errors.push(`uncaught: ${error.message}`);
  });
  const problems: PageProblems = {
    errors,
    cspViolations,
    all: () => [...errors, ...cspViolations],
  };
  // The events of every document the page shows, read before it goes (and on demand).
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) void collectViolations(page, cspViolations);
  });
  return { context, page, problems };
}

/** Moves the CSP violations the page recorded into `into` (call before asserting). */
export async function collectViolations(page: Page, into: string[]): Promise<void> {
  const found = await page
    .evaluate(() => (globalThis as unknown as Dom).__cspViolations?.splice(0) ?? [])
    .catch(() => [] as string[]);
  into.push(...found);
}
