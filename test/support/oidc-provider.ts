import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
// @ts-expect-error -- oidc-provider ships no type declarations; the few parts used are typed below
import * as ProviderModule from 'oidc-provider';
import { pino, type Logger } from 'pino';
import type { Clock } from '../../src/ports/clock.js';

/** The slice of oidc-provider's API this helper uses. */
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(
    event: 'device_authorization.success',
    listener: (ctx: unknown, body: DeviceBody) => void,
  ): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  readonly Grant: {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  };
}
/** The device authorization answer, as the `device_authorization.success` event hands it over. */
interface DeviceBody {
  interval?: number;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface InteractionDetails {
  readonly prompt: {
    readonly name: string;
    readonly details: {
      readonly missingOIDCScope?: string[];
      readonly missingOIDCClaims?: string[];
      readonly missingResourceScopes?: Record<string, string[]>;
    };
  };
  readonly params: Record<string, unknown>;
  readonly session?: { readonly accountId: string };
  readonly grantId?: string;
}
const { Provider, errors: providerErrors } = ProviderModule as unknown as {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => Provider;
  errors: { InvalidTarget: new () => Error };
};

export const SERVICE_CLIENT = { id: 'ci-runner', secret: 'ci-runner-secret-0123456789' };
const WEB_CLIENT = { id: 'platform-web', secret: 'platform-web-secret-0123456789' };
/** The CLI's public client (no secret): the device code grant and refresh tokens (issue 14). */
export const CLI_CLIENT_ID = 'platformctl';
/**
 * The web console's public client (no secret): the authorization code grant with PKCE
 * (issue 17), redirecting to the URIs `allowConsoleRedirect` adds (the server's port is
 * known only once it runs).
 */
export const CONSOLE_CLIENT_ID = 'platform-console';
const REDIRECT_URI = 'http://127.0.0.1/callback';
/** The resource indicator (RFC 8707, an absolute URI) the platform's tokens are asked for. */
export const RESOURCE = 'urn:platform-service:api';
/** Lifetimes in seconds; set so oidc-provider does not print a notice for each default. */
const TTL = {
  AccessToken: 3600,
  AuthorizationCode: 60,
  ClientCredentials: 600,
  Grant: 3600,
  IdToken: 3600,
  Interaction: 600,
  Session: 3600,
  DeviceCode: 600,
  RefreshToken: 86_400,
};

export type TestIdpAlgorithm = 'RS256' | 'PS256' | 'ES256';

/** A signing key of the IdP, private half included so tests can forge with the real key. */
export interface TestIdpKey {
  readonly kid: string;
  readonly alg: TestIdpAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`, also the `iss` of its tokens. */
  readonly issuer: string;
  readonly audience: string;
  /** The key access tokens are signed with now. */
  readonly signingKey: TestIdpKey;
  /** A real access token (JWT) from the client credentials grant of `ci-runner`. */
  clientCredentialsToken(): Promise<string>;
  /** A real access token (JWT) from an authorization code login of `accountId`. */
  userToken(accountId: string): Promise<string>;
  /** Signs `payload` with the current key (or `key`), for forged tokens. */
  sign(
    payload: JWTPayload,
    options?: { header?: Partial<JWTHeaderParameters>; key?: TestIdpKey },
  ): Promise<string>;
  /** Publishes a new key and signs with it from now on; the old key stays published. */
  rotateKeys(): Promise<TestIdpKey>;
  /**
   * Approves a pending device login (RFC 8628) as `accountId` the way a person would: the
   * verification page, the code, the login and consent prompts, all through HTTP.
   */
  approveDevice(userCode: string, accountId: string): Promise<void>;
  /** Aborts a pending device login on the verification page (the person says "not me"). */
  denyDevice(userCode: string): Promise<void>;
  /**
   * Registers `redirectUri` (`<server origin>/signin/callback`) for the console's public
   * client `CONSOLE_CLIENT_ID`, which exists from the first call on; CORS is allowed from
   * the redirect URIs' origins, as for any public client.
   */
  allowConsoleRedirect(redirectUri: string): Promise<void>;
  /** Stops listening (connection refused), keeping the port for `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  readonly audience?: string;
  readonly alg?: TestIdpAlgorithm;
  /** Accounts by id, with the extra claims their access tokens carry (`groups`, `email`, …). */
  readonly accounts?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * The `interval` (seconds) device authorization answers carry; oidc-provider sends none,
   * which means 5 s (RFC 8628 §3.2). Tests set 1 so a login does not take 10 s.
   */
  readonly deviceInterval?: number;
}

/**
 * A real OpenID Provider (npm `oidc-provider`, certified) on 127.0.0.1 and a free port,
 * issuing JWT access tokens for `audience` through real grants. The login step of the
 * authorization code flow is a small interaction handler that logs in whichever account
 * the test names and consents to everything asked.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const audience = options.audience ?? 'https://platform.example.com';
  const alg = options.alg ?? 'RS256';
  const accounts = options.accounts ?? {};
  // One store for every provider instance of this IdP, so a key rotation keeps its state.
  const storage = new Map<string, Record<string, unknown>>();
  const consoleRedirectUris: string[] = [];

  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  // Every provider signs ID tokens with RS256, so an RSA key is always published.
  let keys: TestIdpKey[] = alg === 'RS256' ? [] : [await newKey('RS256')];
  let signingKey = await newKey(alg);
  keys = [signingKey, ...keys];

  const install = async (): Promise<void> => {
    const jwks = await Promise.all(keys.map(privateJwk));
    const provider = new Provider(issuer, {
      adapter: mapAdapter(storage),
      clients: [
        {
          client_id: SERVICE_CLIENT.id,
          client_secret: SERVICE_CLIENT.secret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        {
          client_id: WEB_CLIENT.id,
          client_secret: WEB_CLIENT.secret,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [REDIRECT_URI],
        },
        {
          client_id: CLI_CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
          response_types: [],
          redirect_uris: [],
        },
        ...(consoleRedirectUris.length === 0
          ? []
          : [
              {
                client_id: CONSOLE_CLIENT_ID,
                token_endpoint_auth_method: 'none',
                grant_types: ['authorization_code'],
                response_types: ['code'],
                redirect_uris: [...consoleRedirectUris],
              },
            ]),
      ],
      // oidc-provider's default, set so it does not print a notice: a public client may
      // call from the origins of its redirect URIs (the console's token request).
      clientBasedCORS: (
        _ctx: unknown,
        origin: string,
        client: { clientAuthMethod: string; redirectUris: string[] },
      ) =>
        client.clientAuthMethod === 'none' &&
        client.redirectUris.some((uri) => URL.parse(uri)?.origin === origin),
      jwks: { keys: jwks },
      cookies: { keys: ['test-cookie-signing-key'] },
      ttl: TTL,
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        deviceFlow: {
          enabled: true,
          // Plain pages instead of the defaults, which log a notice each time they are used.
          deviceInfo: () => ({}),
          userCodeInputSource: (ctx: { body: string }, form: string) => {
            ctx.body = `<!DOCTYPE html><title>Enter code</title>${form}`;
          },
          userCodeConfirmSource: (ctx: { body: string }, form: string) => {
            ctx.body = `<!DOCTYPE html><title>Confirm</title>${form}`;
          },
          successSource: (ctx: { body: string }) => {
            ctx.body = '<!DOCTYPE html><title>Signed in</title>';
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== RESOURCE) throw new providerErrors.InvalidTarget();
            return {
              scope: 'api',
              audience,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: signingKey.alg, kid: signingKey.kid } },
            };
          },
        },
      },
      findAccount: (_ctx: unknown, sub: string) =>
        Object.hasOwn(accounts, sub)
          ? { accountId: sub, claims: () => ({ sub, ...accounts[sub] }) }
          : undefined,
      extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) =>
        token.accountId === undefined ? undefined : accounts[token.accountId],
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
    });
    if (options.deviceInterval !== undefined) {
      const interval = options.deviceInterval;
      // The event hands over the answer's body before it is sent.
      provider.on('device_authorization.success', (_ctx, body) => {
        body.interval = interval;
      });
    }
    const callback = provider.callback();
    handle = (req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        interact(provider, req, res).catch((error: unknown) => {
          res.writeHead(500).end(String(error));
        });
      } else {
        callback(req, res);
      }
    };
  };
  await install();

  const postToken = async (
    client: { id: string; secret: string },
    form: Record<string, string>,
  ): Promise<string> => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      throw new Error(`token request failed: HTTP ${response.status} ${JSON.stringify(body)}`);
    }
    return body.access_token;
  };

  return {
    issuer,
    audience,
    get signingKey() {
      return signingKey;
    },
    clientCredentialsToken: () =>
      postToken(SERVICE_CLIENT, {
        grant_type: 'client_credentials',
        resource: RESOURCE,
        scope: 'api',
      }),
    async userToken(accountId) {
      const code = await logIn(issuer, accountId);
      return postToken(WEB_CLIENT, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        resource: RESOURCE,
      });
    },
    sign: (payload, { header = {}, key = signingKey } = {}) =>
      new SignJWT(payload)
        .setProtectedHeader({
          typ: 'at+jwt',
          ...header,
          alg: header.alg ?? key.alg,
          kid: header.kid ?? key.kid,
        })
        .sign(key.privateKey),
    async rotateKeys() {
      signingKey = await newKey(alg);
      keys = [signingKey, ...keys];
      await install();
      return signingKey;
    },
    approveDevice: (userCode, accountId) => submitDeviceCode(issuer, userCode, { accountId }),
    async allowConsoleRedirect(redirectUri) {
      if (!consoleRedirectUris.includes(redirectUri)) consoleRedirectUris.push(redirectUri);
      await install();
    },
    denyDevice: (userCode) => submitDeviceCode(issuer, userCode, { abort: true }),
    async stop() {
      await close(server);
    },
    async start() {
      await listen(server, port);
    },
    async close() {
      if (server.listening) await close(server);
    },
  };
}

/** Logs `accountId` in through /auth and the interaction, returning the authorization code. */
async function logIn(issuer: string, accountId: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = `${issuer}/auth?${new URLSearchParams({
    client_id: WEB_CLIENT.id,
    response_type: 'code',
    scope: 'openid api',
    redirect_uri: REDIRECT_URI,
    resource: RESOURCE,
    state: 'test-state',
  }).toString()}`;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (location === null) {
      throw new Error(`login stopped at ${url}: HTTP ${response.status} ${await response.text()}`);
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (next.href.startsWith(REDIRECT_URI)) {
      const code = next.searchParams.get('code');
      if (code === null) throw new Error(`login refused: ${next.search}`);
      return code;
    }
    if (next.pathname.startsWith('/interaction/')) next.searchParams.set('login', accountId);
    url = next.href;
  }
  throw new Error('login did not finish in 10 redirects');
}

/**
 * Plays the person at the verification page: reads the form's xsrf value, submits the user
 * code (confirmed, or aborted), and then follows the login and consent redirects as
 * `accountId` until the success page. Throws if the provider refuses any step.
 */
async function submitDeviceCode(
  issuer: string,
  userCode: string,
  choice: { accountId: string } | { abort: true },
): Promise<void> {
  const cookies = new Map<string, string>();
  const send = async (url: string, body?: URLSearchParams): Promise<Response> => {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      ...(body === undefined ? {} : { body }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  const page = await (await send(`${issuer}/device`)).text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
  if (xsrf === undefined) throw new Error(`no xsrf field on the verification page: ${page}`);
  const form = new URLSearchParams({ xsrf, user_code: userCode });
  if ('abort' in choice) form.set('abort', 'yes');
  else form.set('confirm', 'yes');
  let url = `${issuer}/device`;
  let response = await send(url, form);
  for (let hop = 0; hop < 10; hop += 1) {
    const location = response.headers.get('location');
    if (location === null) {
      const text = await response.text();
      if (response.status !== 200 || !/Signed in|Enter code/.test(text)) {
        throw new Error(`device approval stopped at ${url}: HTTP ${response.status} ${text}`);
      }
      if ('abort' in choice || text.includes('Signed in')) return;
      throw new Error(`device approval was not accepted: ${text}`);
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if ('accountId' in choice && next.pathname.startsWith('/interaction/')) {
      next.searchParams.set('login', choice.accountId);
    }
    url = next.href;
    response = await send(url);
  }
  throw new Error('device approval did not finish in 10 redirects');
}

/** Finishes a login prompt with the account named in `?login=`, a consent prompt with all asked. */
async function interact(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const accountId =
      req.method === 'POST'
        ? new URLSearchParams(await readBody(req)).get('login')
        : new URL(req.url ?? '/', 'http://localhost').searchParams.get('login');
    if (accountId === null) {
      // A person in a browser: the sign-in page a test fills in (labelled, as a real one).
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(req.url));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
  const grant =
    (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
    new provider.Grant({
      accountId: details.session?.accountId ?? '',
      clientId: String(details.params['client_id']),
    });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/** The test IdP's sign-in page: one field, the account id, posted back to the interaction. */
function loginPage(action: string | undefined): string {
  const path = (action ?? '/').split('?')[0] ?? '/';
  return [
    '<!DOCTYPE html><html lang="en"><title>Sign in to the test IdP</title>',
    '<main><h1>Sign in</h1>',
    `<form method="post" action="${path.replace(/[^\w/-]/g, '')}">`,
    '<label for="login">Username</label> <input id="login" name="login" autocomplete="username">',
    '<button type="submit">Sign in</button>',
    '</form></main></html>',
  ].join('');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** oidc-provider's storage contract over a plain map, without its in-memory adapter's warning. */
function mapAdapter(storage: Map<string, Record<string, unknown>>) {
  return class MapAdapter {
    constructor(private readonly model: string) {}
    private key(id: string): string {
      return `${this.model}:${id}`;
    }
    upsert(id: string, payload: Record<string, unknown>): Promise<void> {
      storage.set(this.key(id), payload);
      return Promise.resolve();
    }
    find(id: string): Promise<Record<string, unknown> | undefined> {
      return Promise.resolve(storage.get(this.key(id)));
    }
    findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return this.findBy('uid', uid);
    }
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      return this.findBy('userCode', userCode);
    }
    consume(id: string): Promise<void> {
      const payload = storage.get(this.key(id));
      if (payload) payload['consumed'] = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    }
    destroy(id: string): Promise<void> {
      storage.delete(this.key(id));
      return Promise.resolve();
    }
    revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, payload] of storage) {
        if (key.startsWith(`${this.model}:`) && payload['grantId'] === grantId) storage.delete(key);
      }
      return Promise.resolve();
    }
    private findBy(field: string, value: string): Promise<Record<string, unknown> | undefined> {
      for (const [key, payload] of storage) {
        if (key.startsWith(`${this.model}:`) && payload[field] === value)
          return Promise.resolve(payload);
      }
      return Promise.resolve(undefined);
    }
  };
}

let keyCounter = 0;

async function newKey(alg: TestIdpAlgorithm): Promise<TestIdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  keyCounter += 1;
  return { kid: `test-key-${keyCounter}-${alg}`, alg, privateKey, publicKey };
}

async function privateJwk(key: TestIdpKey): Promise<JWK> {
  return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg, use: 'sig' };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  // Keep-alive connections would otherwise go on answering a "stopped" IdP.
  server.closeAllConnections();
  return closed;
}

/** A clock the test moves by hand, starting at the real time (tokens carry real times). */
export interface MovableClock extends Clock {
  advance(ms: number): void;
  set(instant: Date): void;
}

export function movableClock(start = new Date()): MovableClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (instant) => {
      current = instant.getTime();
    },
  };
}

/** `fetch` that records each URL it is asked for. */
export function recordingFetch(): { readonly fetchImpl: typeof fetch; readonly urls: string[] } {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  return { fetchImpl, urls };
}

/** A debug-level pino logger whose lines the test can read. */
export function capturingLogger(): { readonly logger: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
