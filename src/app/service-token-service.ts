import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../domain/errors.js';
import {
  escalationProblems,
  newServiceTokenRecord,
  revokedRecord,
  toServiceTokenView,
} from '../domain/service-tokens/service-token-rules.js';
import {
  serviceTokenCreateSchema,
  type ServiceTokenView,
} from '../domain/service-tokens/service-token-schema.js';
import {
  formatServiceToken,
  hashServiceToken,
  isServiceTokenId,
  newServiceTokenParts,
} from '../domain/service-tokens/token-format.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import type { Action, PlatformResource } from '../ports/authorizer.js';
import type { Clock } from '../ports/clock.js';
import type { Caller } from '../ports/principal.js';
import type { ServiceTokenStore } from '../ports/service-token-store.js';
import type { AccessGuard } from './access-guard.js';

export interface CreatedServiceToken {
  /** The bearer token. Returned here once; nothing keeps it. */
  readonly token: string;
  readonly record: ServiceTokenView;
}

export interface ServiceTokenService {
  /** Validates `body` (`ServiceTokenCreate`), stores the hash, returns the token once. */
  create(caller: Caller, body: unknown): Promise<CreatedServiceToken>;
  /** Every token, revoked and expired ones included, oldest first. */
  list(caller: Caller): Promise<ServiceTokenView[]>;
  /** Throws `NotFoundError` for an unknown id. */
  get(caller: Caller, id: string): Promise<ServiceTokenView>;
  /** Idempotent: revoking a revoked token keeps the first `revoked_at`. `NotFoundError` if unknown. */
  revoke(caller: Caller, id: string): Promise<void>;
}

const MANAGE: Action = 'service-tokens:manage';
const PLATFORM: PlatformResource = { kind: 'platform' };
/** A 64-bit id collides practically never; a retry keeps "practically" out of the API. */
const ID_ATTEMPTS = 3;

/**
 * Service tokens for CI: created by whoever may `service-tokens:manage` the platform, shown
 * once, stored as SHA-256, expiring (default 90 days, at most 365) and revocable.
 */
export function createServiceTokenService(deps: {
  store: ServiceTokenStore;
  guard: AccessGuard;
  clock: Clock;
  logger: Logger;
  randomBytes?: (size: number) => Uint8Array;
}): ServiceTokenService {
  const { store, guard, clock, logger, randomBytes = nodeRandomBytes } = deps;

  async function requireManage(caller: Caller): Promise<void> {
    await guard.require(caller, MANAGE, PLATFORM);
    // Scopes only ever take actions away, and the authorizer applies them (and audits the
    // deny). `service-tokens:manage` is never granted to a token, so should an authorizer
    // ever ignore scopes, a leaked CI token still cannot mint its successor.
    if (caller.scopes !== undefined && !caller.scopes.includes(MANAGE)) {
      logger.warn(
        { principal: caller.subject, action: MANAGE, request_id: caller.requestId },
        'the authorizer allowed an action outside the token scopes; denied',
      );
      throw new NotAllowedError(`${caller.subject} may not perform ${MANAGE} on platform`);
    }
  }

  // A malformed id is not echoed: it may be a whole token pasted by mistake.
  const notFound = (id: string): NotFoundError =>
    new NotFoundError(
      isServiceTokenId(id) ? `service token '${id}' not found` : 'no service token has that id',
    );

  return {
    async create(caller, body) {
      await requireManage(caller);
      const parsed = serviceTokenCreateSchema.safeParse(body);
      if (!parsed.success) {
        throw new InputError('Invalid service token', toFieldErrors(parsed.error));
      }
      const request = parsed.data;
      const escalation = escalationProblems(caller, request);
      if (escalation.length > 0) throw new InputError('Invalid service token', escalation);

      for (let attempt = 1; ; attempt++) {
        const parts = newServiceTokenParts(randomBytes);
        const token = formatServiceToken(parts);
        const record = newServiceTokenRecord({
          request,
          id: parts.id,
          sha256: hashServiceToken(token),
          createdBy: caller.subject,
          now: clock.now(),
        });
        try {
          await store.create(record);
        } catch (error) {
          if (error instanceof ConflictError && attempt < ID_ATTEMPTS) continue;
          throw error;
        }
        logger.info(
          {
            token_id: record.id,
            subject: record.subject,
            scopes: record.scopes,
            expires_at: record.expires_at,
            principal: caller.subject,
            request_id: caller.requestId,
          },
          'service token created',
        );
        return { token, record: toServiceTokenView(record) };
      }
    },

    async list(caller) {
      await requireManage(caller);
      return (await store.list()).map(toServiceTokenView);
    },

    async get(caller, id) {
      await requireManage(caller);
      const record = isServiceTokenId(id) ? await store.get(id) : undefined;
      if (!record) throw notFound(id);
      return toServiceTokenView(record);
    },

    async revoke(caller, id) {
      await requireManage(caller);
      const now = clock.now();
      const updated = isServiceTokenId(id)
        ? await store.update(id, (current) => revokedRecord(current, now))
        : undefined;
      if (!updated) throw notFound(id);
      logger.info(
        {
          token_id: id,
          subject: updated.subject,
          revoked_at: updated.revoked_at,
          principal: caller.subject,
          request_id: caller.requestId,
        },
        'service token revoked',
      );
    },
  };
}
