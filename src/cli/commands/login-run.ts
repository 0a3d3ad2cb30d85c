import { text } from 'node:stream/consumers';
import { decodeJwt } from 'jose';
import { ENV_VARS } from '../../config/env-vars.js';
import { DEFAULT_CLI_SCOPES } from '../../config/oidc-config-schema.js';
import { InputError } from '../../domain/errors.js';
import { parseServiceToken } from '../../domain/service-tokens/token-format.js';
import { removeCredential, saveCredential } from '../auth/credentials.js';
import { runDeviceFlow, type DevicePrompt } from '../auth/device-flow.js';
import { discoverIssuer } from '../auth/issuer-metadata.js';
import { fetchLoginIssuers, type LoginIssuer } from '../auth/login-config.js';
import { resolveServerUrl } from '../auth/server-url.js';

export interface LoginOptions {
  readonly server?: string;
  readonly issuer?: string;
  readonly clientId?: string;
  readonly scope?: readonly string[];
  readonly resource?: string;
  readonly tokenStdin?: boolean;
}

/** What the login commands read and write besides the cache; tests inject these. */
export interface LoginIo {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetchImpl?: typeof fetch;
  readonly stdin?: NodeJS.ReadableStream;
  readonly stderr?: { write(text: string): unknown };
}

/**
 * `platformctl login`: a service token from stdin, or the device flow against the issuer
 * from the flags or from the server's `/login-config`. The tokens go to the credential
 * cache only; what is printed (on stderr) never contains one.
 */
export async function login(options: LoginOptions, io: LoginIo = {}): Promise<void> {
  const env = io.env ?? process.env;
  const stderr = io.stderr ?? process.stderr;
  const fetchImpl = io.fetchImpl ?? fetch;
  const server = resolveServerUrl(options, env);

  if (options.tokenStdin) {
    if (options.issuer !== undefined || options.clientId !== undefined) {
      throw new InputError('--token-stdin logs in with a service token; drop --issuer/--client-id');
    }
    const token = (await text(io.stdin ?? process.stdin)).trim();
    const parts = parseServiceToken(token);
    if (parts === undefined) {
      throw new InputError(
        'stdin holds no service token (pst_<id>_<secret>); try: printf %s "$TOKEN" | platformctl login --token-stdin',
      );
    }
    const path = await saveCredential(server, { kind: 'service-token', accessToken: token }, env);
    stderr.write(`logged in to ${server} with service token ${parts.id} (saved in ${path})\n`);
    warnIfShadowed(env, stderr);
    return;
  }

  const chosen = await chooseIssuer(options, server, fetchImpl);
  const endpoints = await discoverIssuer(chosen.issuer, fetchImpl);
  const tokens = await runDeviceFlow({
    endpoints,
    clientId: chosen.clientId,
    scopes: chosen.scopes ?? DEFAULT_CLI_SCOPES,
    resource: chosen.resource,
    fetchImpl,
    onPrompt: (prompt) => stderr.write(promptText(prompt)),
  });
  const path = await saveCredential(
    server,
    {
      kind: 'oidc',
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      issuer: endpoints.issuer,
      clientId: chosen.clientId,
      tokenEndpoint: endpoints.tokenEndpoint,
      resource: chosen.resource,
    },
    env,
  );
  const who = subjectOf(tokens.idToken) ?? subjectOf(tokens.accessToken);
  stderr.write(
    `logged in to ${server}${who ? ` as ${who}` : ''} (issuer ${endpoints.issuer}; saved in ${path})\n`,
  );
  warnIfShadowed(env, stderr);
  if (tokens.refreshToken === undefined) {
    stderr.write(
      'note: the issuer sent no refresh token (ask for offline_access); log in again when the token expires\n',
    );
  }
}

/** `platformctl logout`: forgets the cached login for the server (fine if there is none). */
export async function logout(
  options: { readonly server?: string },
  io: Pick<LoginIo, 'env' | 'stderr'> = {},
): Promise<void> {
  const env = io.env ?? process.env;
  const stderr = io.stderr ?? process.stderr;
  const server = resolveServerUrl(options, env);
  const removed = await removeCredential(server, env);
  stderr.write(
    removed ? `logged out of ${server}\n` : `not logged in to ${server}; nothing to remove\n`,
  );
}

/**
 * `--issuer` with `--client-id` skips the server; otherwise the server's list decides,
 * `--issuer` alone picking one of its entries.
 */
async function chooseIssuer(
  options: LoginOptions,
  server: string,
  fetchImpl: typeof fetch,
): Promise<LoginIssuer> {
  const flags = {
    ...(options.scope?.length
      ? { scopes: options.scope.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean) }
      : {}),
    ...(options.resource === undefined ? {} : { resource: options.resource }),
  };
  if (options.issuer !== undefined && options.clientId !== undefined) {
    return { issuer: options.issuer, clientId: options.clientId, ...flags };
  }
  if (options.clientId !== undefined) {
    throw new InputError('--client-id needs --issuer');
  }
  const offered = await fetchLoginIssuers(server, fetchImpl);
  const matching =
    options.issuer === undefined
      ? offered
      : offered.filter(
          (entry) => entry.issuer.replace(/\/+$/, '') === options.issuer?.replace(/\/+$/, ''),
        );
  const [first] = matching;
  if (first === undefined) {
    throw new InputError(
      options.issuer === undefined
        ? `${server} offers no OIDC issuer for the CLI; log in with a service token (--token-stdin) or pass --issuer and --client-id`
        : `${server} does not offer issuer ${options.issuer}; pass --client-id too to use it anyway`,
    );
  }
  return { ...first, ...flags };
}

// resolveBearerToken reads PLATFORM_TOKEN first: the new login would be silently unused.
function warnIfShadowed(
  env: Readonly<Record<string, string | undefined>>,
  stderr: { write(text: string): unknown },
): void {
  if (env[ENV_VARS.token]?.trim()) {
    stderr.write(`note: ${ENV_VARS.token} is set and is used instead of this login; unset it\n`);
  }
}

function promptText(prompt: DevicePrompt): string {
  const minutes = Math.max(1, Math.round(prompt.expiresInSeconds / 60));
  // RFC 8628 §3.3.1: with the complete URI the person only checks the code, not types it.
  return prompt.verificationUriComplete === undefined
    ? `To log in, open ${prompt.verificationUri}\nand enter the code ${prompt.userCode}\n` +
        `Waiting for approval (the code expires in ${minutes} min)…\n`
    : `To log in, open ${prompt.verificationUriComplete}\n` +
        `and check that it shows the code ${prompt.userCode} (or open ${prompt.verificationUri} and enter it)\n` +
        `Waiting for approval (the code expires in ${minutes} min)…\n`;
}

/** A readable name from a JWT's claims (not verified: it is only shown to the person). */
function subjectOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const claims = decodeJwt(token);
    for (const name of ['preferred_username', 'email', 'sub']) {
      const value = claims[name];
      if (typeof value === 'string' && value !== '') return value;
    }
  } catch {
    // An opaque access token has no claims to read.
  }
  return undefined;
}
