import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { PlatformConfig } from '../config/load-config.js';
import { loadConsoleFiles } from '../http/console/console-files.js';
import type { ConsoleSite } from '../http/console/console-site.js';
import { consoleIssuerOrigins } from './login-config.js';

/**
 * Where `npm run build` puts the web console: `dist/console/`, beside the compiled server
 * (this file is `dist/composition/console-site.js` once built), so an installed package or
 * image finds it without configuration.
 */
export const CONSOLE_DIRECTORY = fileURLToPath(new URL('../console/', import.meta.url));

/**
 * The console `platformctl serve` serves at `/`, read once at start. Without a built console
 * it logs why and serves the API alone (`/` then answers a 404 problem saying so).
 */
export async function loadConsoleSite(
  config: PlatformConfig,
  logger: Logger,
  directory: string = CONSOLE_DIRECTORY,
): Promise<ConsoleSite> {
  const files = await loadConsoleFiles(directory);
  if ('missing' in files) {
    logger.warn(
      { directory },
      `web console not served: ${files.missing} (npm run build builds it); the API is served`,
    );
    return files;
  }
  return { files, issuerOrigins: consoleIssuerOrigins(config.auth.oidc) };
}
