import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../e2e/serve-helper.js';

/** Where the console tests leave their screenshots; CI keeps the directory as an artifact. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'console');

/**
 * Saves a full-page screenshot as `test-artifacts/console/<name>.png` and returns its path.
 * They are for people to look at (the issue asks for no pixel comparison).
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new TypeError(`not a file name: ${name}`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}
