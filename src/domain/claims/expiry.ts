import type { FieldError } from '../errors.js';
import type { EnvironmentType } from '../environment-types/environment-type.js';
import { durationMs } from '../shared/duration.js';
import { formatTimestamp } from '../shared/timestamp.js';

/**
 * When an environment expires: its `expiration_date`, or for a type with a default expiry
 * (sue: 24 h) the creation date plus that default, so that even a claim uploaded by hand
 * without a date expires as the seed says. `null`: never.
 */
export function effectiveExpiry(
  claim: { creation_date: string; expiration_date?: string | null | undefined },
  type: EnvironmentType,
): Date | null {
  if (type.expiry === null) return null;
  if (claim.expiration_date) return new Date(claim.expiration_date);
  if (type.expiry.default === null) return null;
  return new Date(Date.parse(claim.creation_date) + durationMs(type.expiry.default));
}

/** The latest expiry a claim of this type may carry, counted from its creation. */
export function latestAllowedExpiry(creationDate: Date, type: EnvironmentType): Date | null {
  return type.expiry === null
    ? null
    : new Date(creationDate.getTime() + durationMs(type.expiry.maximum));
}

/**
 * Problems with an expiry that a stored claim carries, whoever wrote it: a date on a type
 * that never expires, or one past the type's maximum lifetime. A date in the past is not a
 * problem here: the reaper deletes such claims.
 */
export function storedExpiryProblems(
  claim: { creation_date: string; expiration_date?: string | null | undefined },
  typeName: string,
  type: EnvironmentType,
): FieldError[] {
  if (!claim.expiration_date) return [];
  if (type.expiry === null) {
    return [
      {
        path: 'expiration_date',
        message: `environments of type '${typeName}' never expire; remove expiration_date`,
      },
    ];
  }
  const latest = latestAllowedExpiry(new Date(claim.creation_date), type);
  if (latest !== null && Date.parse(claim.expiration_date) > latest.getTime()) {
    return [
      {
        path: 'expiration_date',
        message: `must be at most ${type.expiry.maximum} after creation_date (${claim.creation_date}), i.e. not after ${formatTimestamp(latest)}`,
      },
    ];
  }
  return [];
}

/**
 * Decides the `expiration_date` for a create or a patch. `requested`: `undefined` keeps
 * (patch) or takes the type default (create); `null` asks for the type default on create
 * and for no expiry on patch, which only types without a default allow.
 */
export function decideExpiry(args: {
  typeName: string;
  type: EnvironmentType;
  requested: string | null | undefined;
  current: string | null | undefined;
  creationDate: Date;
  now: Date;
  mode: 'create' | 'patch';
}): { expiration: Date | null } | { errors: FieldError[] } {
  const { type, typeName, requested, creationDate, now, mode } = args;
  const policy = type.expiry;
  if (requested === undefined && mode === 'patch') {
    return { expiration: args.current ? new Date(args.current) : null };
  }
  if (policy === null) {
    if (requested === undefined || requested === null) return { expiration: null };
    return {
      errors: [
        {
          path: 'expiration_date',
          message: `environments of type '${typeName}' never expire; remove expiration_date`,
        },
      ],
    };
  }
  if (requested === undefined || requested === null) {
    if (policy.default === null) return { expiration: null };
    if (mode === 'patch') {
      return {
        errors: [
          {
            path: 'expiration_date',
            message: `environments of type '${typeName}' always expire; give a date at most ${policy.maximum} after creation`,
          },
        ],
      };
    }
    return { expiration: new Date(creationDate.getTime() + durationMs(policy.default)) };
  }
  const expiration = new Date(requested);
  if (expiration.getTime() <= now.getTime()) {
    return {
      errors: [
        {
          path: 'expiration_date',
          message: 'must be in the future (to remove the environment now, DELETE it)',
        },
      ],
    };
  }
  const problems = storedExpiryProblems(
    { creation_date: formatTimestamp(creationDate), expiration_date: formatTimestamp(expiration) },
    typeName,
    type,
  );
  return problems.length > 0 ? { errors: problems } : { expiration };
}
