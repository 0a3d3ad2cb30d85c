import { z } from 'zod';
import { durationSchema, parseDuration } from '../domain/shared/duration.js';

/**
 * JWS algorithms an issuer's tokens may be signed with. Asymmetric only: `none` would let
 * anyone mint tokens, and an HS* key is a shared secret the platform would have to hold
 * (and the classic RS256→HS256 key-confusion attack uses the public key as that secret).
 */
export const OIDC_SIGNING_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type OidcSigningAlgorithm = (typeof OIDC_SIGNING_ALGORITHMS)[number];

/** What an issuer entry allows when `algorithms` is left out. */
export const DEFAULT_OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const satisfies readonly OidcSigningAlgorithm[];

/** Longest accepted `clockTolerance`: skew beyond this is a broken clock, not drift. */
const MAX_CLOCK_TOLERANCE_MS = 5 * 60_000;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why `text` cannot be the URL of an identity provider (issuer, JWKS), or `undefined` if it
 * can: https, or plain http on a loopback host for a local IdP in development and tests.
 * No credentials, query or fragment (an issuer has none: RFC 8414 §2).
 */
export function idpUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
    return 'must use https (http only on 127.0.0.1, localhost or ::1)';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  return undefined;
}

const idpUrlSchema = z.string().superRefine((text, ctx) => {
  const problem = idpUrlProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
const claimPathSchema = z
  .string()
  .min(1)
  .refine(
    (path) => path.split('.').every((segment) => segment !== ''),
    'must be a claim name or a dotted path such as realm_access.roles',
  );

/** What `platformctl login` asks for when an issuer's `cli.scopes` is left out. */
export const DEFAULT_CLI_SCOPES = ['openid', 'offline_access'] as const;

// RFC 6749 §3.3: a scope token is printable ASCII without spaces, quotes or backslashes.
const scopeSchema = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one scope without spaces');

/** A resource indicator (RFC 8707: an absolute URI) sent so the token carries our `aud`. */
const resourceSchema = z
  .string()
  .refine(
    (text) => URL.canParse(text) && !text.includes('#'),
    'must be an absolute URI without a fragment (RFC 8707)',
  );

/**
 * `auth.oidc[].cli`: how people log in to this issuer with `platformctl login` (the OAuth
 * 2.0 Device Authorization Grant, RFC 8628). Published, without auth, by `GET /login-config`,
 * so it holds nothing secret: the CLI is a public client (RFC 8628 §3.1, no client secret).
 */
export const oidcCliSchema = z.strictObject({
  /** The public client registered at the IdP for the CLI, with the device code grant enabled. */
  clientId: z.string().min(1),
  /** `offline_access` is what earns a refresh token, so a login outlives the access token. */
  scopes: z
    .array(scopeSchema)
    .min(1)
    .default([...DEFAULT_CLI_SCOPES]),
  resource: resourceSchema.optional(),
});

/** What the web console asks for when an issuer's `console.scopes` is left out. */
export const DEFAULT_CONSOLE_SCOPES = ['openid'] as const;

/**
 * `auth.oidc[].console`: how people sign in to the web console with this issuer (the
 * authorization code grant with PKCE S256, RFC 7636, as a browser-based public client). The
 * redirect URI to register is `<the server's origin>/signin/callback`. Published by
 * `GET /login-config` like `cli`, so it holds nothing secret.
 */
export const oidcConsoleSchema = z.strictObject({
  /** The public client registered at the IdP for the console: code grant, PKCE, no secret. */
  clientId: z.string().min(1),
  /** No `offline_access` by default: the console keeps its token in memory only. */
  scopes: z
    .array(scopeSchema)
    .min(1)
    .default([...DEFAULT_CONSOLE_SCOPES]),
  resource: resourceSchema.optional(),
});

/**
 * One trusted OpenID Provider (`auth.oidc[]`). Tokens are matched to an entry by their
 * `iss` claim, which must equal `issuer` character for character (trailing slash included).
 */
export const oidcIssuerSchema = z.strictObject({
  /** The issuer identifier, exactly as the IdP writes it into `iss`. */
  issuer: idpUrlSchema,
  /** The `aud` the platform's tokens carry; with several, a token needs any one of them. */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  algorithms: z
    .array(
      z.enum(OIDC_SIGNING_ALGORITHMS, {
        error: `must be an asymmetric JWS algorithm (${OIDC_SIGNING_ALGORITHMS.join(', ')}); none and HS* are refused`,
      }),
    )
    .min(1)
    .default([...DEFAULT_OIDC_ALGORITHMS]),
  /** Where the groups are: `groups` (Authentik, Entra), `realm_access.roles` (Keycloak). */
  groupsClaim: claimPathSchema.default('groups'),
  /** What becomes the principal's subject: `sub`, `email`, `preferred_username`, … */
  subjectClaim: claimPathSchema.default('sub'),
  /** Allowed clock skew when checking `exp` and `nbf`. */
  clockTolerance: durationSchema
    .refine((text) => (parseDuration(text) ?? 0) <= MAX_CLOCK_TOLERANCE_MS, 'must be at most 5m')
    .default('30s'),
  /** The JWKS location; set it to skip discovery (`<issuer>/.well-known/openid-configuration`). */
  jwksUri: idpUrlSchema.optional(),
  /** Set to let people log in to this issuer with `platformctl login`; unset, the CLI is not offered it. */
  cli: oidcCliSchema.optional(),
  /** Set to let people sign in to the web console with this issuer; unset, the console is not offered it. */
  console: oidcConsoleSchema.optional(),
});

/** `auth.oidc`: the trusted issuers, each at most once. */
export const oidcIssuersSchema = z.array(oidcIssuerSchema).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.issuer)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'issuer'],
        message: 'this issuer is already configured',
      });
    }
    seen.add(entry.issuer);
  });
});

export type OidcIssuerConfig = z.infer<typeof oidcIssuerSchema>;
export type OidcCliConfig = z.infer<typeof oidcCliSchema>;
export type OidcConsoleConfig = z.infer<typeof oidcConsoleSchema>;
