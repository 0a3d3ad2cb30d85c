import { hash, timingSafeEqual } from 'node:crypto';
import type { Authenticator } from '../../ports/authenticator.js';
import type { Principal } from '../../ports/principal.js';

export interface StaticTokenEntry {
  readonly subject: string;
  readonly groups: readonly string[];
  /** Hex SHA-256 of the token. The token itself is never configured, stored or logged. */
  readonly sha256: string;
  readonly kind?: 'user' | 'service';
}

const BEARER = /^Bearer ([\x21-\x7e]+)$/i;

/**
 * Bearer tokens listed in config by their SHA-256. The presented token is hashed and
 * compared in constant time against every entry, so timing says nothing about which
 * entry came close.
 */
export function createStaticTokenAuthenticator(
  entries: readonly StaticTokenEntry[],
): Authenticator {
  // One frozen principal per entry, made once: the authorizer's per-principal caches then
  // see the same groups on every request of a token.
  const digests = entries.map((entry) => ({
    digest: Buffer.from(entry.sha256, 'hex'),
    principal: Object.freeze({
      subject: entry.subject,
      groups: Object.freeze([...entry.groups]),
      kind: entry.kind ?? 'user',
      authenticatedBy: 'static-token',
    }) satisfies Principal,
  }));
  return {
    authenticate({ authorization }) {
      const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
      if (token === undefined) return Promise.resolve(undefined);
      // One-shot `hash`: no Hash object per request (half the time of createHash here).
      const presented = hash('sha256', token, 'buffer');
      let match: Principal | undefined;
      for (const { digest, principal } of digests) {
        if (digest.length === presented.length && timingSafeEqual(digest, presented))
          match ??= principal;
      }
      return Promise.resolve(match);
    },
  };
}

/** The value to put in `auth.tokens[].sha256` for a token. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}
