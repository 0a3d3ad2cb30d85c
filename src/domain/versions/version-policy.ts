import { InputError, type FieldError } from '../errors.js';
import { deepFreeze } from '../shared/deep-freeze.js';
import {
  CONSTRAINT_KINDS,
  readConstraint,
  type Constraint,
  type ConstraintKind,
} from './constraint.js';

/**
 * Which constraint kinds each environment type accepts. Types missing from `byType`
 * (a custom type added to the catalogue) get `fallback`.
 */
export interface VersionPolicy {
  readonly byType: Readonly<Record<string, readonly ConstraintKind[]>>;
  readonly fallback: readonly ConstraintKind[];
}

/**
 * The seed's "Version Strategy Recommendations": prod pins tags for stability, staging
 * tests against ranges, dev and sue take anything, `*` included. An unknown type gets
 * prod's rule, the safe side.
 */
export const DEFAULT_VERSION_POLICY: VersionPolicy = deepFreeze({
  byType: {
    prod: ['anchored'],
    staging: ['anchored', 'caret', 'pattern', 'range'],
    dev: [...CONSTRAINT_KINDS],
    sue: [...CONSTRAINT_KINDS],
  },
  fallback: ['anchored'],
});

const KIND_PLURAL: Record<ConstraintKind, string> = {
  anchored: 'anchored tags (v1.2.3)',
  caret: "'^' constraints (^1.0.0)",
  pattern: 'patterns (1.x)',
  range: 'ranges (>=1.2.0, <2.0.0)',
  any: "'*' and 'latest'",
};
const KIND_SINGULAR: Record<ConstraintKind, string> = {
  anchored: 'an anchored tag',
  caret: "a '^' constraint",
  pattern: 'a pattern',
  range: 'a range',
  any: 'any release',
};

function notAllowed(constraint: Constraint, type: string, allowed: readonly ConstraintKind[]) {
  const accepted =
    allowed.length === 0
      ? 'no version at all'
      : `only ${allowed.map((kind) => KIND_PLURAL[kind]).join(', ')}`;
  return `'${constraint.text}' is ${KIND_SINGULAR[constraint.kind]}; environment type '${type}' accepts ${accepted}`;
}

/** The kinds the policy allows for an environment type. */
export function allowedKinds(
  policy: VersionPolicy,
  environmentType: string,
): readonly ConstraintKind[] {
  return Object.hasOwn(policy.byType, environmentType)
    ? (policy.byType[environmentType] ?? policy.fallback)
    : policy.fallback;
}

/** A service's version: the constraint string, or an object carrying it as `version`. */
export type ServiceVersionSpec = string | { readonly version: string };

/**
 * Parses every service's constraint and checks it against the policy for the type.
 * Returns service name → constraint, or throws one `InputError` listing every problem,
 * each at `services.<name>` (or `services.<name>.version` for the object form).
 */
export function checkServiceVersions(args: {
  policy?: VersionPolicy;
  environmentType: string;
  services: Readonly<Record<string, ServiceVersionSpec>>;
}): Record<string, Constraint> {
  const { policy = DEFAULT_VERSION_POLICY, environmentType, services } = args;
  const allowed = allowedKinds(policy, environmentType);
  const constraints: Record<string, Constraint> = {};
  const errors: FieldError[] = [];
  for (const [name, spec] of Object.entries(services)) {
    const text = typeof spec === 'string' ? spec : spec.version;
    const path = typeof spec === 'string' ? `services.${name}` : `services.${name}.version`;
    const result = readConstraint(text);
    if (!result.ok) {
      errors.push({ path, message: result.message });
    } else if (!allowed.includes(result.constraint.kind)) {
      errors.push({ path, message: notAllowed(result.constraint, environmentType, allowed) });
    } else {
      constraints[name] = result.constraint;
    }
  }
  if (errors.length > 0) throw new InputError('Service versions not allowed', errors);
  return constraints;
}
