import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import type { Logger } from 'pino';
import type { OidcIssuerConfig } from '../../config/oidc-config-schema.js';
import { durationMs } from '../../domain/shared/duration.js';
import type { Authenticator } from '../../ports/authenticator.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import { principalFromClaims } from './claims.js';
import { createIssuerKeys, reasonOf, type IssuerKeys } from './issuer-keys.js';

export interface OidcAuthenticatorOptions {
  readonly issuers: readonly OidcIssuerConfig[];
  readonly fetchImpl?: typeof fetch;
  /** Checks `exp` and `nbf`, and times the retry after a failed fetch. */
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Limit on each discovery or JWKS fetch; default 5 s. */
  readonly fetchTimeoutMs?: number;
  /** Rest given to an IdP after a failed fetch; default 5 s. */
  readonly retryAfterMs?: number;
}

/** `Bearer` and three base64url segments; the signature may be empty (then `alg` refuses). */
const BEARER_JWT = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

interface TrustedIssuer {
  readonly config: OidcIssuerConfig;
  readonly algorithms: ReadonlySet<string>;
  readonly keys: IssuerKeys;
  readonly verify: JWTVerifyOptions;
}

/**
 * Bearer JWTs from the configured OpenID Providers. The token's unverified `iss` picks the
 * issuer entry, then the token is verified with that issuer's keys only: signature with
 * an allowed algorithm, `iss`, `aud`, `exp` (required) and `nbf` within `clockTolerance`.
 *
 * Returns `undefined` for anything else, and at once, without network, for a bearer
 * token that is not JWT-shaped (so static and service tokens can share the header),
 * for an issuer that is not configured and for an algorithm that is not allowed. The
 * reason is logged at debug level, never the token. An unreachable IdP refuses its
 * tokens until it answers again; it never throws.
 *
 * The principal's `kind` is `service` for client credentials tokens (see
 * `isClientToken`), `user` otherwise; `authenticatedBy` is `oidc:<issuer>`.
 */
export function createOidcAuthenticator(options: OidcAuthenticatorOptions): Authenticator {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetchImpl ?? fetch;
  const trusted = new Map<string, TrustedIssuer>();
  for (const config of options.issuers) {
    if (trusted.has(config.issuer)) {
      throw new TypeError(`OIDC issuer configured twice: ${config.issuer}`);
    }
    trusted.set(config.issuer, {
      config,
      algorithms: new Set(config.algorithms),
      keys: createIssuerKeys({
        issuer: config.issuer,
        jwksUri: config.jwksUri,
        fetchImpl,
        clock,
        logger,
        timeoutMs: options.fetchTimeoutMs ?? 5_000,
        retryAfterMs: options.retryAfterMs ?? 5_000,
      }),
      verify: {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...config.algorithms],
        clockTolerance: durationMs(config.clockTolerance) / 1_000,
        // jose checks exp only when present; a token that never expires is refused.
        requiredClaims: ['exp'],
      },
    });
  }

  const refuse = (reason: string, details: Record<string, unknown> = {}): undefined => {
    logger.debug({ ...details, reason }, 'OIDC bearer token refused');
    return undefined;
  };

  return {
    async authenticate({ authorization }) {
      const token = authorization === undefined ? undefined : BEARER_JWT.exec(authorization)?.[1];
      if (token === undefined) return undefined;

      let alg: unknown;
      let iss: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
        iss = decodeJwt(token).iss;
      } catch {
        return refuse('not a decodable JWT');
      }
      const issuer = typeof iss === 'string' ? trusted.get(iss) : undefined;
      if (issuer === undefined) {
        return refuse('issuer not configured', { iss: String(iss).slice(0, 200) });
      }
      const at = { issuer: issuer.config.issuer };
      if (typeof alg !== 'string' || !issuer.algorithms.has(alg)) {
        return refuse('algorithm not allowed', { ...at, alg: String(alg).slice(0, 20) });
      }

      const getKey = await issuer.keys.resolve();
      if (getKey === undefined) return refuse('issuer unreachable', at);
      let payload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          ...issuer.verify,
          currentDate: clock.now(),
        }));
      } catch (error) {
        // Only the code and message: jose's claim errors carry the payload, not for the log.
        const code = error instanceof errors.JOSEError ? error.code : 'ERR_FETCH';
        return refuse(reasonOf(error), { ...at, code });
      }

      const result = principalFromClaims(payload, issuer.config);
      if (result.principal === undefined) return refuse(result.refused, at);
      return result.principal;
    },
  };
}
