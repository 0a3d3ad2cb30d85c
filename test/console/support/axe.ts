import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Dom } from './dom.js';

let axeSource: Promise<string> | undefined;

/** axe-core's browser build, read once per test file. */
function loadAxe(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules and axe's best practices) on the page as it is now
 * and fails listing every serious or critical violation: rule, help, and the elements.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so
 * the console is checked under its real policy.
 */
export async function expectNoSeriousViolations(page: Page, what = page.url()): Promise<void> {
  const source = await loadAxe();
  const loaded = await page.evaluate(() => (globalThis as unknown as Dom).axe !== undefined);
  if (!loaded) await page.evaluate(source);
  const { violations } = await page.evaluate(() => {
    const dom = globalThis as unknown as Dom;
    return dom.axe!.run(dom.document, { resultTypes: ['violations'] });
  });
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact}: ${violation.id} (${violation.help}) at ${violation.nodes
          .map((node) => JSON.stringify(node.target))
          .join(', ')}`,
    );
  expect(serious, `serious or critical axe violations on ${what}`).toEqual([]);
}
