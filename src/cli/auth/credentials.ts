import { ENV_VARS } from '../../config/env-vars.js';
import { NotAuthenticatedError } from '../../domain/errors.js';
import { withCacheLock } from './cache-lock.js';
import {
  credentialsPath,
  readCredentials,
  withCredential,
  writeCredentials,
  type StoredCredential,
} from './credential-store.js';
import { describeOAuthError, oauthError, postForm } from './idp-http.js';
import { normaliseServerUrl } from './server-url.js';

export type { StoredCredential } from './credential-store.js';

/** A token this close to its expiry is refreshed first: it could expire on the way. */
const EXPIRY_MARGIN_MS = 30_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The bearer token for `server`, in this order: `PLATFORM_TOKEN`; the cached login for
 * that server; when its access token has expired (or expires within 30 s) and it holds a
 * refresh token, a refreshed one (grant_type=refresh_token), stored before it is returned.
 * Otherwise `NotAuthenticatedError` saying to run `platformctl login --server <server>`.
 * An unreachable or failing IdP during a refresh is an `UnavailableError`.
 *
 * `env` also decides where the cache is (`XDG_CONFIG_HOME`, `HOME`); `now` is epoch ms.
 */
export async function resolveBearerToken(options: {
  server: string;
  env?: Record<string, string | undefined>;
  fetchImpl?: typeof fetch;
  now?: () => number;
}): Promise<string> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const fromEnv = env[ENV_VARS.token]?.trim();
  if (fromEnv) return fromEnv;

  const server = normaliseServerUrl(options.server);
  const path = credentialsPath(env);
  const cached = (await readCredentials(path)).servers[server];
  if (cached === undefined) throw notLoggedIn(server);
  if (isFresh(cached, now())) return cached.accessToken;

  return withCacheLock(path, async () => {
    // Another platformctl may have refreshed (or logged out) while this one waited.
    const current = (await readCredentials(path)).servers[server];
    if (current !== undefined && isFresh(current, now())) return current.accessToken;
    const { refreshToken, tokenEndpoint, clientId } = current ?? {};
    if (current === undefined) throw notLoggedIn(server);
    if (refreshToken === undefined || tokenEndpoint === undefined || clientId === undefined) {
      throw sessionExpired(server);
    }
    const refreshed = await refresh(
      { ...current, refreshToken, tokenEndpoint, clientId },
      server,
      options.fetchImpl ?? fetch,
      now,
    );
    await writeCredentials(path, withCredential(await readCredentials(path), server, refreshed));
    return refreshed.accessToken;
  });
}

/** Stores `credential` as the login for `server` (normalised), replacing any other. */
export async function saveCredential(
  server: string,
  credential: StoredCredential,
  env: Env = process.env,
): Promise<string> {
  const path = credentialsPath(env);
  await withCacheLock(path, async () => {
    const file = await readCredentials(path);
    await writeCredentials(path, withCredential(file, normaliseServerUrl(server), credential));
  });
  return path;
}

/** Forgets the login for `server`; `false` when there was none. */
export async function removeCredential(server: string, env: Env = process.env): Promise<boolean> {
  const path = credentialsPath(env);
  const key = normaliseServerUrl(server);
  return withCacheLock(path, async () => {
    const file = await readCredentials(path);
    if (!Object.hasOwn(file.servers, key)) return false;
    await writeCredentials(path, withCredential(file, key, undefined));
    return true;
  });
}

function isFresh(credential: StoredCredential, now: number): boolean {
  return credential.expiresAt === undefined || credential.expiresAt - EXPIRY_MARGIN_MS > now;
}

function notLoggedIn(server: string): NotAuthenticatedError {
  return new NotAuthenticatedError(
    `not logged in to ${server}; run platformctl login --server ${server}`,
  );
}

function sessionExpired(server: string, detail?: string): NotAuthenticatedError {
  return new NotAuthenticatedError(
    `session expired for ${server}${detail ? ` (${detail})` : ''}; run platformctl login --server ${server}`,
  );
}

/** RFC 6749 §6 as a public client; a rejected refresh token means logging in again. */
async function refresh(
  credential: StoredCredential & { refreshToken: string; tokenEndpoint: string; clientId: string },
  server: string,
  fetchImpl: typeof fetch,
  now: () => number,
): Promise<StoredCredential> {
  const answer = await postForm(
    credential.tokenEndpoint,
    {
      grant_type: 'refresh_token',
      refresh_token: credential.refreshToken,
      client_id: credential.clientId,
      resource: credential.resource,
    },
    'the token endpoint',
    fetchImpl,
  );
  if (answer.status !== 200) {
    const error = oauthError(answer.body);
    throw sessionExpired(server, error ? describeOAuthError(error) : `HTTP ${answer.status}`);
  }
  // Loaded here, not at start: it brings jose, which every client command would pay for.
  const { parseTokenAnswer } = await import('./token-set.js');
  const tokens = parseTokenAnswer(answer.body, now(), new URL(credential.tokenEndpoint).host);
  return {
    ...credential,
    accessToken: tokens.accessToken,
    // RFC 6749 §6: without a new refresh token the old one stays valid.
    refreshToken: tokens.refreshToken ?? credential.refreshToken,
    expiresAt: tokens.expiresAt,
  };
}
