import { InputError } from '../errors.js';
import { durationMs } from '../shared/duration.js';
import { formatTimestamp } from '../shared/timestamp.js';
import type {
  ServiceTokenCreate,
  ServiceTokenRecord,
  ServiceTokenView,
} from './service-token-schema.js';

/** Lifetime of a token created without `expires_in` or `expires_at`. */
export const DEFAULT_SERVICE_TOKEN_TTL = '90d';
/** No token lives longer than this: a forgotten CI secret must stop working by itself. */
export const MAX_SERVICE_TOKEN_TTL = '365d';

/**
 * When a token created at `now` with this request expires. Throws `InputError` for an
 * instant that is not in the future or lies more than `MAX_SERVICE_TOKEN_TTL` ahead.
 */
export function serviceTokenExpiry(
  request: Pick<ServiceTokenCreate, 'expires_in' | 'expires_at'>,
  now: Date,
): Date {
  const maxMs = durationMs(MAX_SERVICE_TOKEN_TTL);
  if (request.expires_at !== undefined) {
    const at = new Date(request.expires_at);
    const problem =
      at.getTime() <= now.getTime()
        ? 'must be in the future'
        : at.getTime() - now.getTime() > maxMs
          ? `must be at most ${MAX_SERVICE_TOKEN_TTL} ahead`
          : undefined;
    if (problem) {
      throw new InputError('Invalid service token', [{ path: 'expires_at', message: problem }]);
    }
    return at;
  }
  const ttl = durationMs(request.expires_in ?? DEFAULT_SERVICE_TOKEN_TTL);
  if (ttl > maxMs) {
    throw new InputError('Invalid service token', [
      { path: 'expires_in', message: `must be at most ${MAX_SERVICE_TOKEN_TTL}` },
    ]);
  }
  return new Date(now.getTime() + ttl);
}

/** The record to store for a validated create request. The token itself is not part of it. */
export function newServiceTokenRecord(args: {
  request: ServiceTokenCreate;
  id: string;
  sha256: string;
  createdBy: string;
  now: Date;
}): ServiceTokenRecord {
  const { request, id, sha256, createdBy, now } = args;
  return {
    id,
    subject: request.subject,
    scopes: [...request.scopes],
    groups: [...request.groups],
    ...(request.description === undefined ? {} : { description: request.description }),
    created_at: formatTimestamp(now),
    created_by: createdBy,
    expires_at: formatTimestamp(serviceTokenExpiry(request, now)),
    revoked_at: null,
    sha256,
  };
}

/** The record revoked at `now`; an already revoked record keeps its first revocation time. */
export function revokedRecord(record: ServiceTokenRecord, now: Date): ServiceTokenRecord {
  return record.revoked_at === null ? { ...record, revoked_at: formatTimestamp(now) } : record;
}

/** Why a token no longer authenticates at `now`, or `undefined` while it does. */
export function unusableReason(
  record: Pick<ServiceTokenRecord, 'expires_at' | 'revoked_at'>,
  now: Date,
): 'revoked' | 'expired' | undefined {
  if (record.revoked_at !== null) return 'revoked';
  // The expiry instant itself is already past: a token is valid strictly before it.
  if (now.getTime() >= Date.parse(record.expires_at)) return 'expired';
  return undefined;
}

/** The record without its hash: what the API shows. */
export function toServiceTokenView(record: ServiceTokenRecord): ServiceTokenView {
  const { sha256: _sha256, ...view } = record;
  return { ...view, scopes: [...view.scopes], groups: [...view.groups] };
}

/**
 * Problems with a request made by a principal that is itself limited by scopes: it may
 * not hand out an action or a group it does not hold, so a token never mints a wider one.
 */
export function escalationProblems(
  caller: { readonly scopes?: readonly string[] | undefined; readonly groups: readonly string[] },
  request: Pick<ServiceTokenCreate, 'scopes' | 'groups'>,
): { path: string; message: string }[] {
  if (caller.scopes === undefined) return [];
  const scopes = new Set(caller.scopes);
  const groups = new Set(caller.groups);
  const extraScopes = request.scopes.filter((scope) => !scopes.has(scope));
  const extraGroups = request.groups.filter((group) => !groups.has(group));
  return [
    ...(extraScopes.length > 0
      ? [{ path: 'scopes', message: `the caller does not hold ${extraScopes.join(', ')}` }]
      : []),
    ...(extraGroups.length > 0
      ? [{ path: 'groups', message: `the caller is not in ${extraGroups.join(', ')}` }]
      : []),
  ];
}
