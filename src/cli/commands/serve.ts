import { relative } from 'node:path';
import { ENV_VARS } from '../../config/env-vars.js';
import { DEMO_CONFIG_PATH, demoToken, withDemoToken } from '../../config/demo.js';
import { loadConfig } from '../../config/load-config.js';
import { startPlatform } from '../../main.js';

/**
 * `platformctl serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. Without
 * a config it runs the demo and prints how to call it.
 */
export async function serve(options: {
  config?: string;
  port?: number;
  host?: string;
  dataDir?: string;
}): Promise<void> {
  const demo = options.config === undefined && !process.env[ENV_VARS.config]?.trim();
  let config = await loadConfig({
    configPath: demo ? DEMO_CONFIG_PATH : options.config,
    flags: { port: options.port, host: options.host, dataDir: options.dataDir },
    env: process.env,
  });
  let token: { token: string; path: string } | undefined;
  if (demo) {
    token = await demoToken(config.dataDir);
    config = withDemoToken(config, token.token);
  }

  const platform = await startPlatform(config);
  const shutdown = (): void => {
    void platform.stop().then(() => process.exit(process.exitCode ?? 0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  platform.ready.catch(() => {
    process.exitCode = 1;
    shutdown();
  });

  if (token) {
    const tokenPath = relative(process.cwd(), token.path) || token.path;
    process.stderr.write(
      [
        '',
        `Platform Service demo listening on ${platform.url}`,
        `  console: ${platform.url}/   (sign in with the token below)`,
        `  data:    ${config.dataDir}`,
        `  token:   ${token.token}   (also in ${tokenPath})`,
        '',
        'Try:',
        `  export TOKEN=$(cat ${tokenPath})`,
        `  curl -s -H "Authorization: Bearer $TOKEN" ${platform.url}/api/v1/environments`,
        '',
      ].join('\n') + '\n',
    );
  }
}
