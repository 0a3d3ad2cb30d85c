import type { Logger } from 'pino';
import { z } from 'zod';
import { UnavailableError } from '../../domain/errors.js';
import { parseChallenges, type AuthChallenge } from './challenge.js';
import type { RegistryRequest, RegistryResponse, Send } from './registry-http.js';
import { TokenCache } from './token-cache.js';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** A registry request and the token scope it needs, `repository:<name>:pull`. */
export interface ScopedRequest extends RegistryRequest {
  readonly scope: string;
}

export interface RegistryAuthOptions {
  readonly registry: string;
  readonly send: Send;
  readonly now: () => number;
  readonly credentials?: RegistryCredentials | undefined;
  /** A static bearer token, sent with every request instead of answering challenges. */
  readonly token?: string | undefined;
  readonly logger?: Logger | undefined;
}

/** Sends requests with the authorization the registry asks for. */
export type AuthorizedSend = (request: ScopedRequest) => Promise<RegistryResponse>;

export function basicAuthorization(credentials: RegistryCredentials): string {
  const pair = `${credentials.username}:${credentials.password}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * Answers the registry's `WWW-Authenticate` challenge (Docker registry token
 * authentication, which OCI registries share): requests go out anonymously until a 401
 * names a scheme; `Basic` is then answered with the credentials and sent up front from then
 * on; `Bearer` is answered with a token from the challenge's realm, cached per realm,
 * service and scope until it nearly expires, and the request is retried once. A static
 * `token` is sent as `Bearer` on every request. Still refused (401/403) after that, or no
 * usable scheme: `UnavailableError`, since it is the operator's configuration that is wrong,
 * not the caller's request. Credentials and tokens never appear in errors or logs.
 */
export function createAuthorizedSend(options: RegistryAuthOptions): AuthorizedSend {
  const { registry, send, credentials, token: staticToken, logger } = options;
  const tokens = new TokenCache(options.now);
  let basicSeen = false;
  let bearerRealm: { realm: string; service: string } | undefined;
  const tokenKey = (realm: string, service: string, scope: string) =>
    `${realm}\n${service}\n${scope}`;

  const withAuthorization = (request: ScopedRequest, authorization: string | undefined) =>
    send({
      ...request,
      headers:
        authorization === undefined
          ? (request.headers ?? {})
          : { ...request.headers, authorization },
    });

  const refused = (request: ScopedRequest, status: number, what: string) =>
    new UnavailableError(
      `registry ${registry} refused ${what} for ${request.subject} (HTTP ${status})`,
    );

  return async (request) => {
    if (staticToken !== undefined) {
      const response = await withAuthorization(request, `Bearer ${staticToken}`);
      if (response.status === 401 || response.status === 403) {
        throw refused(request, response.status, 'the configured token');
      }
      return response;
    }

    let sent: { kind: 'basic' } | { kind: 'bearer'; key: string } | undefined;
    let authorization: string | undefined;
    if (bearerRealm !== undefined) {
      const key = tokenKey(bearerRealm.realm, bearerRealm.service, request.scope);
      const cached = tokens.get(key);
      if (cached !== undefined) {
        sent = { kind: 'bearer', key };
        authorization = `Bearer ${cached}`;
      }
    } else if (basicSeen && credentials !== undefined) {
      sent = { kind: 'basic' };
      authorization = basicAuthorization(credentials);
    }

    const first = await withAuthorization(request, authorization);
    if (first.status === 403) throw refused(request, 403, 'access');
    if (first.status !== 401) return first;

    const what = credentials === undefined ? 'anonymous access' : 'the configured credentials';
    const challenges = parseChallenges(first.headers.get('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer !== undefined) {
      // A cached token that is refused may have been revoked: fetch a fresh one once.
      if (sent?.kind === 'bearer') tokens.delete(sent.key);
      const realm = bearer.params.realm!;
      const service = bearer.params.service ?? '';
      const answer = await fetchBearerToken(send, bearer, {
        registry,
        credentials,
        scope: request.scope,
        subject: request.subject,
      });
      bearerRealm = { realm, service };
      tokens.set(tokenKey(realm, service, request.scope), answer.token, answer.expiresIn);
      logger?.debug({ registry, subject: request.subject }, 'registry bearer token obtained');
      authorization = `Bearer ${answer.token}`;
    } else if (basic !== undefined && credentials !== undefined && sent?.kind !== 'basic') {
      basicSeen = true;
      authorization = basicAuthorization(credentials);
    } else {
      throw refused(request, 401, what);
    }

    const second = await withAuthorization(request, authorization);
    if (second.status === 401 || second.status === 403) {
      throw refused(request, second.status, what);
    }
    return second;
  };
}

const tokenAnswerSchema = z.looseObject({
  token: z.string().min(1).optional(),
  access_token: z.string().min(1).optional(),
  expires_in: z.number().optional(),
});

/**
 * Asks the realm of a `Bearer` challenge for a token (Docker token authentication: GET
 * `realm?service=…&scope=…`, Basic credentials when configured). The challenge's `scope`
 * (space-separated, one `scope` parameter each) is asked for, else `scope`. Returns the
 * `token` (or OAuth's `access_token`) and `expires_in` in seconds, if given.
 */
export async function fetchBearerToken(
  send: Send,
  challenge: AuthChallenge,
  options: {
    registry: string;
    credentials?: RegistryCredentials | undefined;
    scope: string;
    subject: string;
  },
): Promise<{ token: string; expiresIn?: number }> {
  const { registry, credentials, subject } = options;
  const realm = challenge.params.realm ?? '';
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnavailableError(
      `registry ${registry} named an unusable token realm for ${subject}: ${JSON.stringify(realm.slice(0, 200))}`,
    );
  }
  if (challenge.params.service !== undefined)
    url.searchParams.set('service', challenge.params.service);
  const scopes = (challenge.params.scope ?? options.scope).split(' ').filter((s) => s !== '');
  for (const scope of scopes) url.searchParams.append('scope', scope);
  if (credentials !== undefined) url.searchParams.set('account', credentials.username);

  const endpoint = `${url.origin}${url.pathname}`;
  const response = await send({
    url: url.href,
    headers: {
      accept: 'application/json',
      ...(credentials === undefined ? {} : { authorization: basicAuthorization(credentials) }),
    },
    subject: `${subject} (token endpoint ${endpoint})`,
  });
  if (response.status === 401 || response.status === 403) {
    const what = credentials === undefined ? 'an anonymous token' : 'the configured credentials';
    throw new UnavailableError(
      `token endpoint ${endpoint} of registry ${registry} refused ${what} for ${subject} (HTTP ${response.status})`,
    );
  }
  let parsed: z.infer<typeof tokenAnswerSchema> | undefined;
  if (response.status === 200) {
    try {
      parsed = tokenAnswerSchema.parse(JSON.parse(Buffer.from(response.body).toString('utf8')));
    } catch {
      parsed = undefined;
    }
  }
  const token = parsed?.token ?? parsed?.access_token;
  if (parsed === undefined || token === undefined) {
    throw new UnavailableError(
      `token endpoint ${endpoint} of registry ${registry} gave no token for ${subject} (HTTP ${response.status})`,
    );
  }
  return parsed.expires_in === undefined ? { token } : { token, expiresIn: parsed.expires_in };
}
