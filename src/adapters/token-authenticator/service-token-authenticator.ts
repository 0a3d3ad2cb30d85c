import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { UnavailableError } from '../../domain/errors.js';
import { unusableReason } from '../../domain/service-tokens/service-token-rules.js';
import {
  hashServiceToken,
  parseServiceToken,
  SERVICE_TOKEN_PREFIX,
} from '../../domain/service-tokens/token-format.js';
import type { Authenticator } from '../../ports/authenticator.js';
import type { Clock } from '../../ports/clock.js';
import type { Principal } from '../../ports/principal.js';
import type { ServiceTokenStore } from '../../ports/service-token-store.js';

const BEARER = /^Bearer ([\x21-\x7e]+)$/i;

// Compared against when the id is unknown, so that path costs the same hash and compare.
const NO_MATCH = Buffer.alloc(32);

/**
 * Bearer tokens of the form `pst_<id>_<secret>`, created through the service token API.
 * Looks the record up by id, compares the SHA-256 of the whole presented token with the
 * stored one in constant time, and refuses revoked and expired tokens (the expiry instant
 * itself included). Anything not starting with `pst_` is `undefined` at once, so another
 * authenticator can try it. The token is never logged; refusals are logged by token id.
 *
 * A store that cannot be read is an outage, not a bad token: it is logged and surfaces as
 * `UnavailableError` (503) with no detail.
 */
export function createServiceTokenAuthenticator(deps: {
  store: ServiceTokenStore;
  clock: Clock;
  logger?: Logger;
}): Authenticator {
  const { store, clock, logger } = deps;
  return {
    async authenticate({ authorization }) {
      const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
      if (token === undefined || !token.startsWith(SERVICE_TOKEN_PREFIX)) return undefined;
      const parts = parseServiceToken(token);
      if (!parts) return undefined;

      let record;
      try {
        record = await store.get(parts.id);
      } catch (error) {
        logger?.error({ err: error }, 'service token store unavailable');
        throw new UnavailableError('Authentication is temporarily unavailable');
      }
      const presented = Buffer.from(hashServiceToken(token), 'hex');
      const stored = record ? Buffer.from(record.sha256, 'hex') : NO_MATCH;
      const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
      if (!record || !equal) return undefined;

      const reason = unusableReason(record, clock.now());
      if (reason) {
        logger?.info(
          { token_id: record.id, subject: record.subject, reason },
          'service token refused',
        );
        return undefined;
      }
      const principal: Principal = {
        subject: record.subject,
        groups: [...record.groups],
        kind: 'service',
        authenticatedBy: 'service-token',
        scopes: [...record.scopes],
      };
      return principal;
    },
  };
}
