import { protoKeyProblem } from '../shared/proto-keys.js';
import { InputError, type FieldError } from '../errors.js';
import type { EnvironmentType } from '../environment-types/environment-type.js';
import { knownTypeNames, type EnvironmentTypeCatalogue } from '../environment-types/catalogue.js';
import { formatTimestamp } from '../shared/timestamp.js';
import { toFieldErrors } from '../shared/zod-errors.js';
import {
  claimSchema,
  type Claim,
  type ClaimCreate,
  type ClaimPatch,
  type Services,
} from './claim-schema.js';
import { decideExpiry, storedExpiryProblems } from './expiry.js';

function unknownTypeError(name: string, catalogue: EnvironmentTypeCatalogue): FieldError {
  return {
    path: 'environment_type',
    message: `unknown environment type '${name}'; known types: ${knownTypeNames(catalogue).join(', ')}`,
  };
}

/** The field error for a type name the catalogue does not know, or none. */
export function unknownTypeProblems(
  catalogue: EnvironmentTypeCatalogue,
  name: unknown,
): FieldError[] {
  return typeof name === 'string' && findType(catalogue, name) === undefined
    ? [unknownTypeError(name, catalogue)]
    : [];
}

export function findType(
  catalogue: EnvironmentTypeCatalogue,
  name: string,
): EnvironmentType | undefined {
  return Object.hasOwn(catalogue, name) ? catalogue[name] : undefined;
}

/**
 * The `expiration_date` to store for a create or a patch, as the type's expiry policy
 * decides it (see `decideExpiry`). Throws `InputError` titled `title`.
 */
function expirationFor(
  catalogue: EnvironmentTypeCatalogue,
  title: string,
  args: Omit<Parameters<typeof decideExpiry>[0], 'type'>,
): string | null {
  const type = findType(catalogue, args.typeName);
  if (!type) throw new InputError(title, [unknownTypeError(args.typeName, catalogue)]);
  const decided = decideExpiry({ ...args, type });
  if ('errors' in decided) throw new InputError(title, decided.errors);
  return decided.expiration === null ? null : formatTimestamp(decided.expiration);
}

/**
 * Builds the claim to store from a validated create request: `user` from the principal,
 * `creation_date` from the clock, the expiry decided by the type. Throws `InputError`.
 */
export function newClaim(args: {
  request: ClaimCreate;
  user: string;
  now: Date;
  catalogue: EnvironmentTypeCatalogue;
}): Claim {
  const { request, user, now, catalogue } = args;
  const expiration = expirationFor(catalogue, 'Invalid environment claim', {
    typeName: request.environment_type,
    requested: request.expiration_date,
    current: undefined,
    creationDate: now,
    now,
    mode: 'create',
  });
  return {
    environment_name: request.environment_name,
    environment_type: request.environment_type,
    environment_pool: request.environment_pool,
    user,
    creation_date: formatTimestamp(now),
    expiration_date: expiration,
    deployment_method: 'dynamic',
    services: request.services,
    ...(request.deploy_only_specified === undefined
      ? {}
      : { deploy_only_specified: request.deploy_only_specified }),
    ...(request.use_dev_tags === undefined ? {} : { use_dev_tags: request.use_dev_tags }),
  };
}

/** Applies a merge patch to a stored claim. Throws `InputError`. */
export function patchedClaim(args: {
  claim: Claim;
  patch: ClaimPatch;
  now: Date;
  catalogue: EnvironmentTypeCatalogue;
}): Claim {
  const { claim, patch, now, catalogue } = args;
  const expiration = expirationFor(catalogue, 'Invalid patch', {
    typeName: claim.environment_type,
    requested: patch.expiration_date,
    current: claim.expiration_date,
    creationDate: new Date(claim.creation_date),
    now,
    mode: 'patch',
  });
  return {
    ...claim,
    expiration_date: expiration,
    services: patch.services ? mergeServices(claim.services, patch.services) : claim.services,
  };
}

function mergeServices(
  current: Services,
  patch: Readonly<Record<string, Services[string] | null>>,
): Services {
  const merged: Services = { ...current };
  for (const [name, spec] of Object.entries(patch)) {
    if (spec === null) delete merged[name];
    else merged[name] = spec;
  }
  return merged;
}

export type StoredClaimVerdict =
  | { readonly valid: true; readonly claim: Claim }
  | { readonly valid: false; readonly reasons: readonly FieldError[] };

/**
 * Judges a document found in a bucket under `<stem>.json`, whoever wrote it (the API, the
 * Git pipeline, `mc cp`): it must be JSON, match the claim schema, name a known type with
 * a permitted expiry, and be stored under its own name, so one file is one environment.
 */
export function judgeStoredClaim(
  stem: string,
  text: string,
  catalogue: EnvironmentTypeCatalogue,
): StoredClaimVerdict {
  return judge(text, catalogue, stem);
}

/**
 * Judges a claim document found under any key (the seed's `mc cp my-environment-claim.json`):
 * as `judgeStoredClaim`, except that the key need not name the environment, since the
 * document's `environment_name` does.
 */
export function judgeClaimDocument(
  text: string,
  catalogue: EnvironmentTypeCatalogue,
): StoredClaimVerdict {
  return judge(text, catalogue, undefined);
}

function judge(
  text: string,
  catalogue: EnvironmentTypeCatalogue,
  stem: string | undefined,
): StoredClaimVerdict {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      valid: false,
      reasons: [{ path: '(root)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  const protoKey = protoKeyProblem(text, json);
  if (protoKey) return { valid: false, reasons: [protoKey] };
  const parsed = claimSchema.safeParse(json);
  if (!parsed.success) return { valid: false, reasons: toFieldErrors(parsed.error) };
  const claim = parsed.data;
  const reasons: FieldError[] = [];
  if (stem !== undefined && claim.environment_name !== stem) {
    reasons.push({
      path: 'environment_name',
      message: `the file must be named after the environment: expected key '${claim.environment_name}.json'`,
    });
  }
  const type = findType(catalogue, claim.environment_type);
  if (!type) reasons.push(unknownTypeError(claim.environment_type, catalogue));
  else reasons.push(...storedExpiryProblems(claim, claim.environment_type, type));
  return reasons.length > 0 ? { valid: false, reasons } : { valid: true, claim };
}
