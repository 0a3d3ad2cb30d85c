import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashToken } from '../adapters/token-authenticator/static-token-authenticator.js';
import type { PlatformConfig } from './load-config.js';

/** The demo config shipped with the package. */
export const DEMO_CONFIG_PATH = fileURLToPath(
  new URL('../../examples/platform.yaml', import.meta.url),
);
export const DEMO_SUBJECT = 'demo@example.com';

/**
 * The demo's token: random on first start, kept in `<data-dir>/demo-token` (mode 0600) so
 * it survives restarts. No token is shipped in the repository, so no demo is ever open to
 * a well-known secret.
 */
export async function demoToken(dataDir: string): Promise<{ token: string; path: string }> {
  const path = join(dataDir, 'demo-token');
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token !== '') return { token, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(24).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return { token, path };
}

/** The config with the demo token added as a platform administrator. */
export function withDemoToken(config: PlatformConfig, token: string): PlatformConfig {
  return Object.freeze({
    ...config,
    auth: Object.freeze({
      ...config.auth,
      tokens: Object.freeze([
        ...config.auth.tokens,
        Object.freeze({
          subject: DEMO_SUBJECT,
          groups: ['platform-admins'],
          sha256: hashToken(token),
          kind: 'user' as const,
        }),
      ]),
    }),
  });
}
