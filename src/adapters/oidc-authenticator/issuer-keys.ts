import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../../ports/clock.js';
import { discoverJwksUri } from './discovery.js';

export interface IssuerKeysOptions {
  readonly issuer: string;
  /** Configured JWKS location; without it the issuer's discovery document names one. */
  readonly jwksUri: string | undefined;
  readonly fetchImpl: typeof fetch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Limit on each discovery or JWKS fetch. */
  readonly timeoutMs: number;
  /** After a failed fetch, no request reaches this issuer's IdP for this long. */
  readonly retryAfterMs: number;
}

/** The signing keys of one issuer, found on first use. */
export interface IssuerKeys {
  /**
   * The key lookup for `jwtVerify`, or `undefined` while discovery is failing. Never
   * rejects. Discovery runs once, shared by concurrent callers; a failure is not kept: it
   * is retried by the first call after `retryAfterMs`.
   */
  resolve(): Promise<JWTVerifyGetKey | undefined>;
}

/**
 * Keys come from jose's remote JWKS set: cached for 10 minutes, refetched at once for an
 * unknown `kid` (key rotation) but at most every 30 seconds, so tokens with made-up `kid`s
 * cannot make the platform hammer the IdP. Every fetch, discovery or JWKS, goes through a
 * gate: after a failure the IdP gets `retryAfterMs` of rest, and requests that would need
 * it fail at once instead of each waiting for a timeout. Cached keys keep verifying
 * meanwhile, as long as jose holds them fresh (10 minutes after the last good fetch).
 */
export function createIssuerKeys(options: IssuerKeysOptions): IssuerKeys {
  const { issuer, clock, logger, timeoutMs, retryAfterMs } = options;
  let keys: JWTVerifyGetKey | undefined;
  let pending: Promise<JWTVerifyGetKey | undefined> | undefined;
  let restUntil = Number.NEGATIVE_INFINITY;

  const resting = (): boolean => clock.now().getTime() < restUntil;
  const failed = (stage: 'discovery' | 'jwks', reason: string): void => {
    restUntil = clock.now().getTime() + retryAfterMs;
    logger.warn({ issuer, stage, reason, retryAfterMs }, 'OIDC issuer unreachable');
  };

  const gatedFetch: typeof fetch = async (input, init) => {
    if (resting()) throw new Error('issuer unreachable a moment ago; waiting before retrying');
    try {
      const response = await options.fetchImpl(input, init);
      if (response.status !== 200) failed('jwks', `HTTP ${response.status}`);
      return response;
    } catch (error) {
      failed('jwks', reasonOf(error));
      throw error;
    }
  };

  const discover = async (): Promise<JWTVerifyGetKey | undefined> => {
    let jwksUri = options.jwksUri;
    if (jwksUri === undefined) {
      try {
        jwksUri = await discoverJwksUri(issuer, { fetchImpl: options.fetchImpl, timeoutMs });
      } catch (error) {
        failed('discovery', reasonOf(error));
        return undefined;
      }
    }
    keys = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: timeoutMs,
      [customFetch]: gatedFetch,
    });
    return keys;
  };

  return {
    resolve() {
      if (keys !== undefined) return Promise.resolve(keys);
      if (resting()) return Promise.resolve(undefined);
      pending ??= discover().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

/** A failure's message, for the log; fetch hides the network error in `cause`. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
