import { serviceVersionSchema } from '../../../../src/domain/claims/claim-schema.js';
import { decideExpiry } from '../../../../src/domain/claims/expiry.js';
import { dnsLabelProblem } from '../../../../src/domain/claims/names.js';
import type { EnvironmentType } from '../../../../src/domain/environment-types/environment-type.js';
import { InputError } from '../../../../src/domain/errors.js';
import {
  checkServiceVersions,
  DEFAULT_VERSION_POLICY,
  type VersionPolicy,
} from '../../../../src/domain/versions/version-policy.js';
import { fromLocalInput, type ExpiryLimits } from '../environment/extend-range.js';

/** One row of the services editor; `key` stays with the row while rows come and go. */
export interface ServiceDraft {
  readonly key: number;
  readonly name: string;
  readonly version: string;
}

/** The create form as typed. `expiry` is an `<input type="datetime-local">` value or ''. */
export interface CreateDraft {
  readonly name: string;
  readonly type: string;
  readonly pool: string;
  readonly services: readonly ServiceDraft[];
  readonly expiry: string;
}

/** Where a problem is shown: a form field, or a service row's name or version. */
export type FieldKey =
  | 'environment_name'
  | 'environment_type'
  | 'environment_pool'
  | 'expiration_date'
  | 'services'
  | `service-${number}`
  | `service-${number}-name`
  | `service-${number}-version`;

export const serviceRowKey = (row: ServiceDraft): FieldKey => `service-${row.key}`;
export const serviceNameKey = (row: ServiceDraft): FieldKey => `service-${row.key}-name`;
export const serviceVersionKey = (row: ServiceDraft): FieldKey => `service-${row.key}-version`;

/**
 * The body of `POST /api/v1/environments` exactly as the page sends it (and previews).
 * A row left entirely blank is not a service; `expiration_date` only when one is given.
 */
export function claimBody(draft: CreateDraft): Record<string, unknown> {
  const services: Record<string, string> = {};
  for (const row of draft.services) {
    if (row.name === '' && row.version === '') continue;
    services[row.name] = row.version;
  }
  const expiration =
    draft.expiry === '' ? undefined : (fromLocalInput(draft.expiry) ?? draft.expiry);
  return {
    environment_name: draft.name,
    environment_type: draft.type,
    environment_pool: draft.pool,
    services,
    ...(expiration === undefined ? {} : { expiration_date: expiration }),
  };
}

/**
 * The problems the server would report for this draft, found with the domain's own rules
 * (DNS labels, the version policy's constraint kinds, the type's expiry), so the page and
 * the server say the same. The server still decides: a policy configured differently from
 * the default, the catalogue and access are only known there.
 */
export function draftProblems(
  draft: CreateDraft,
  type: ExpiryLimits | undefined,
  now: Date,
  policy: VersionPolicy = DEFAULT_VERSION_POLICY,
): Map<FieldKey, string> {
  const problems = new Map<FieldKey, string>();
  const label = (key: FieldKey, value: string) => {
    const problem = dnsLabelProblem(value);
    if (problem !== undefined) problems.set(key, problem);
  };
  label('environment_name', draft.name);
  if (draft.type === '') problems.set('environment_type', 'choose a type');
  label('environment_pool', draft.pool);

  const seen = new Set<string>();
  for (const row of draft.services) {
    if (row.name === '' && row.version === '') continue;
    const nameProblem = dnsLabelProblem(row.name);
    if (nameProblem !== undefined) problems.set(serviceNameKey(row), nameProblem);
    else if (seen.has(row.name)) problems.set(serviceNameKey(row), 'is listed twice');
    seen.add(row.name);
    const versionProblem = versionProblemOf(row.version, draft.type, policy);
    if (versionProblem !== undefined) problems.set(serviceVersionKey(row), versionProblem);
  }

  if (draft.expiry !== '') {
    const requested = fromLocalInput(draft.expiry);
    if (requested === undefined) {
      problems.set('expiration_date', 'must be a date and time');
    } else if (type !== undefined && draft.type !== '') {
      const decided = decideExpiry({
        typeName: draft.type,
        // The domain's rule reads only `expiry`.
        type: type as EnvironmentType,
        requested,
        current: undefined,
        creationDate: now,
        now,
        mode: 'create',
      });
      const first = 'errors' in decided ? decided.errors[0] : undefined;
      if (first !== undefined) problems.set('expiration_date', first.message);
    }
  }
  return problems;
}

/** The version policy's message for one constraint, or none when the type accepts it. */
export function versionProblemOf(
  version: string,
  type: string,
  policy: VersionPolicy = DEFAULT_VERSION_POLICY,
): string | undefined {
  const text = serviceVersionSchema.safeParse(version);
  if (!text.success) return text.error.issues[0]?.message ?? 'is not a version';
  if (type === '') return undefined;
  try {
    checkServiceVersions({ policy, environmentType: type, services: { service: version } });
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error.errors[0]?.message ?? error.message;
    throw error;
  }
}

/**
 * The field a server's field error belongs to: `environment_name` → the name input,
 * `services.api` → the row named `api` (its name or its version may be the problem: an
 * unknown service or a constraint the type refuses), `services.api.version` → that row's
 * version; `undefined` for a path the form has no field for (shown with the top-level reason).
 */
export function fieldOfPath(path: string, draft: CreateDraft): FieldKey | undefined {
  switch (path) {
    case 'environment_name':
    case 'environment_type':
    case 'environment_pool':
    case 'expiration_date':
    case 'services':
      return path;
  }
  if (!path.startsWith('services.')) return undefined;
  const rest = path.slice('services.'.length);
  // A service name is a DNS label (no dots), so the first segment is the whole name; a row
  // whose typed name is not a label is matched as typed.
  const row =
    draft.services.find((candidate) => candidate.name === rest) ??
    draft.services.find((candidate) => candidate.name === rest.split('.')[0]);
  if (row === undefined) return 'services';
  if (rest === row.name) return serviceRowKey(row);
  return rest.slice(row.name.length) === '.version' ? serviceVersionKey(row) : serviceRowKey(row);
}
