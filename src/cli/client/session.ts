import { resolveBearerToken } from '../auth/credentials.js';
import { resolveServerUrl } from '../auth/server-url.js';
import { createPlatformClient, type PlatformClient } from './platform-client.js';

export interface ConnectionOptions {
  readonly server?: string | undefined;
}

/**
 * The client for a command: the server from `--server`, `PLATFORM_SERVER` or the
 * default; the token from `PLATFORM_TOKEN` or the cached login (refreshed if needed),
 * resolved only when a request that needs it is sent.
 */
export function openClient(
  options: ConnectionOptions,
  io: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly fetchImpl?: typeof fetch;
  } = {},
): PlatformClient {
  const env = io.env ?? process.env;
  const server = resolveServerUrl(options, env);
  return createPlatformClient({
    baseUrl: server,
    token: () =>
      resolveBearerToken({
        server,
        env: { ...env },
        ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
      }),
    ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
  });
}
