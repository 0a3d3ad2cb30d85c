import { ENV_VARS } from '../../config/env-vars.js';
import { InputError } from '../../domain/errors.js';

/** Where the CLI talks when nothing says otherwise: `platformctl serve`'s default address. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** The server's URL for client commands; `PLATFORM_URL` stays as the older name. */
export const SERVER_ENV_VAR = ENV_VARS.server;

/**
 * Which server a client command talks to: `--server`, else `PLATFORM_SERVER`, else the
 * legacy `PLATFORM_URL`, else http://127.0.0.1:8080 (blank values count as unset), in the
 * normal form of {@link normaliseServerUrl}. Throws `InputError` for anything unusable.
 */
export function resolveServerUrl(
  flags: { readonly server?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const text =
    flags.server?.trim() ||
    env[SERVER_ENV_VAR]?.trim() ||
    env[ENV_VARS.url]?.trim() ||
    DEFAULT_SERVER_URL;
  return normaliseServerUrl(text);
}

/**
 * One spelling per server, so the credential cache finds a login whichever way the URL was
 * typed: lower-case scheme and host, no default port, no trailing slash
 * (`HTTP://Example.com:80/api/` → `http://example.com/api`). Refuses anything but http(s),
 * and credentials, a query or a fragment (they would end up in the cache's keys).
 */
export function normaliseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`server URL '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`server URL '${text}' must start with http:// or https://`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `server URL '${url.origin}…' must not carry credentials, a query or a fragment`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
