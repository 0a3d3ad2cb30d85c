import { InputError } from '../errors.js';
import type { Constraint } from '../versions/constraint.js';
import { checkServiceVersions, type VersionPolicy } from '../versions/version-policy.js';
import { DEFAULT_VERSION_KEY } from './service-catalogue-schema.js';

/** The outcome of checking one version text against the policy for one environment type. */
export type VersionCheck =
  | { readonly ok: true; readonly constraint: Constraint }
  | { readonly ok: false; readonly message: string };

/**
 * Parses `text` and checks it against the policy for `environmentType`, with exactly the
 * messages a claim gets from `checkServiceVersions` (the one place those rules live).
 */
export function checkVersionForType(
  policy: VersionPolicy | undefined,
  environmentType: string,
  text: string,
): VersionCheck {
  try {
    const checked = checkServiceVersions({
      ...(policy ? { policy } : {}),
      environmentType,
      services: { service: text },
    });
    const constraint = checked.service;
    if (!constraint) throw new TypeError('checkServiceVersions returned no constraint');
    return { ok: true, constraint };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { ok: false, message: error.errors[0]?.message ?? error.message };
  }
}

/**
 * A service's default for an environment type: the type's own key, else `default`;
 * `undefined` when it has neither.
 */
export function defaultVersionFor<T>(
  versions: Readonly<Record<string, T>>,
  environmentType: string,
): { readonly key: string; readonly value: T } | undefined {
  if (Object.hasOwn(versions, environmentType)) {
    return { key: environmentType, value: versions[environmentType] as T };
  }
  if (Object.hasOwn(versions, DEFAULT_VERSION_KEY)) {
    return { key: DEFAULT_VERSION_KEY, value: versions[DEFAULT_VERSION_KEY] as T };
  }
  return undefined;
}
