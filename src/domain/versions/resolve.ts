import { parseConstraint, type Bound, type Comparator, type Constraint } from './constraint.js';
import {
  compareParts,
  compareVersions,
  isPreRelease,
  parseVersion,
  type Version,
} from './version.js';

/** The outcome of `resolveVersion`: the chosen tag, or why there is none. */
export type Resolution =
  | { readonly ok: true; readonly tag: string; readonly version: Version }
  | {
      readonly ok: false;
      /** `not-found`: an anchored tag is absent; `no-match`: nothing satisfies the constraint. */
      readonly reason: 'not-found' | 'no-match';
      readonly message: string;
    };

function withoutV(tag: string): string {
  return tag.startsWith('v') ? tag.slice(1) : tag;
}

function holds({ operator, bound }: Comparator, version: Version): boolean {
  const order = compareVersions(version, bound);
  switch (operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '=':
      return order === 0;
  }
}

function namedBounds(constraint: Constraint): readonly Bound[] {
  switch (constraint.kind) {
    case 'caret':
      return [constraint.bound];
    case 'range':
      return constraint.comparators.map((comparator) => comparator.bound);
    default:
      return [];
  }
}

/**
 * The npm rule (node-semver `includePrerelease: false`): a pre-release is admitted only
 * when a bound of the constraint is itself a pre-release of the same numeric core, so
 * `>=1.2.3-rc1` admits `1.2.3-rc2` but never `1.3.0-rc1`. Anchored tags name their own.
 */
function admitsPreRelease(constraint: Constraint, version: Version): boolean {
  return namedBounds(constraint).some(
    (bound) => isPreRelease(bound) && compareParts(bound.parts, version.parts) === 0,
  );
}

/** Whether `version` satisfies `constraint`, the pre-release rule included. */
export function satisfies(constraint: Constraint, version: Version): boolean {
  if (constraint.kind === 'anchored') {
    // The seed writes `v1.2.3`, registries often publish `1.2.3`: the `v` is spelling.
    return withoutV(version.tag) === withoutV(constraint.version.tag);
  }
  if (isPreRelease(version) && !admitsPreRelease(constraint, version)) return false;
  switch (constraint.kind) {
    case 'any':
      return true;
    case 'caret':
      // The seed's `^` means "greater than or equal", unbounded above; npm's `^1.2.3`
      // would stop below 2.0.0.
      return compareVersions(version, constraint.bound) >= 0;
    case 'pattern':
      return constraint.fixed.every((part, i) => version.parts[i] === part);
    case 'range':
      return constraint.comparators.every((comparator) => holds(comparator, version));
  }
}

/**
 * Whether the tag satisfies the constraint (a string is parsed first and may throw
 * `InputError`). Tags that are not versions never match.
 */
export function matches(constraint: Constraint | string, tag: string): boolean {
  const parsed = typeof constraint === 'string' ? parseConstraint(constraint) : constraint;
  const version = parseVersion(tag);
  return version !== undefined && satisfies(parsed, version);
}

/**
 * Orders spellings of one version, preferred first: a leading `v` before none (the seed
 * writes `v1.2.3`), then three parts before four (`1.2.3` before `1.2.3.0`).
 */
export function comparePreference(a: Version, b: Version): number {
  if (a.prefixed !== b.prefixed) return a.prefixed ? -1 : 1;
  return Math.sign(a.parts.length - b.parts.length);
}

/**
 * Picks the highest tag satisfying the constraint (a string is parsed first and may
 * throw `InputError`). Deterministic and independent of the order of `tags`:
 * - anchored: the exact text if present, else the same tag with or without a leading `v`;
 *   never another spelling such as `1.2.3.0`;
 * - otherwise, among equal versions (`v1.2.3`, `1.2.3`, `1.2.3.0`) the preferred
 *   spelling by `comparePreference`.
 * Pre-releases are chosen only when the constraint names one (see `satisfies`).
 */
export function resolveVersion(
  constraint: Constraint | string,
  tags: readonly string[],
): Resolution {
  const parsed = typeof constraint === 'string' ? parseConstraint(constraint) : constraint;
  if (parsed.kind === 'anchored' && tags.includes(parsed.version.tag)) {
    return { ok: true, tag: parsed.version.tag, version: parsed.version };
  }
  let best: Version | undefined;
  for (const tag of tags) {
    const version = parseVersion(tag);
    if (!version || !satisfies(parsed, version)) continue;
    const order = best ? compareVersions(version, best) : 1;
    if (order > 0 || (order === 0 && best && comparePreference(version, best) < 0)) {
      best = version;
    }
  }
  if (best) return { ok: true, tag: best.tag, version: best };
  if (parsed.kind === 'anchored') {
    const other = parsed.version.prefixed ? withoutV(parsed.text) : `v${parsed.text}`;
    return {
      ok: false,
      reason: 'not-found',
      message: `tag '${parsed.text}' does not exist (nor '${other}')`,
    };
  }
  return {
    ok: false,
    reason: 'no-match',
    message: `no tag satisfies '${parsed.text}' among ${tags.length} tags`,
  };
}
