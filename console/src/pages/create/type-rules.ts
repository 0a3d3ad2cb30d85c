import type { ConstraintKind } from '../../../../src/domain/versions/constraint.js';
import {
  allowedKinds,
  DEFAULT_VERSION_POLICY,
  type VersionPolicy,
} from '../../../../src/domain/versions/version-policy.js';
import { durationWords, type ExpiryLimits } from '../environment/extend-range.js';

/**
 * The server's version policy as `GET /api/v1/environment-types` publishes it (each type's
 * `version_constraints`); the built-in policy until the types are loaded.
 */
export function policyOf(
  types:
    | readonly { readonly name: string; readonly version_constraints: readonly ConstraintKind[] }[]
    | undefined,
): VersionPolicy {
  if (types === undefined) return DEFAULT_VERSION_POLICY;
  return {
    byType: Object.fromEntries(types.map((type) => [type.name, type.version_constraints])),
    fallback: DEFAULT_VERSION_POLICY.fallback,
  };
}

const KIND_TEXT: Record<ConstraintKind, string> = {
  anchored: 'an exact tag (v1.2.3)',
  caret: 'a caret constraint (^1.0.0)',
  pattern: 'an x-range (1.x, 1.2.x)',
  range: 'a range (>=1.2.0, <2.0.0)',
  any: "'*' or 'latest'",
};

/** A type's rules in words: its expiry and the version constraints it accepts. */
export interface TypeRules {
  readonly expiry: string;
  readonly versions: readonly string[];
}

export function typeRules(
  name: string,
  type: ExpiryLimits | undefined,
  policy: VersionPolicy = DEFAULT_VERSION_POLICY,
): TypeRules {
  const versions = allowedKinds(policy, name).map((kind) => KIND_TEXT[kind]);
  if (type === undefined) return { expiry: 'unknown (the type catalogue did not load)', versions };
  const { expiry } = type;
  if (expiry === null) return { expiry: 'never expires; no expiry may be given', versions };
  const maximum = `at most ${durationWords(expiry.maximum)} after creation`;
  return {
    expiry:
      expiry.default === null
        ? `none unless you give one; ${maximum}`
        : `${durationWords(expiry.default)} by default; ${maximum}`,
    versions,
  };
}
