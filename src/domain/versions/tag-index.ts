import { parseConstraint, type Bound, type Comparator, type Constraint } from './constraint.js';
import { comparePreference, resolveVersion, satisfies, type Resolution } from './resolve.js';
import { compareVersions, isPreRelease, parseVersion, type Version } from './version.js';

/**
 * How an index reads a constraint against a version. The default (`RELEASE_MATCHING`) is
 * `resolveVersion`'s rule; the dev tag stream (`dev-tags.ts`) supplies another.
 *
 * Contract, which the index relies on to skip versions: `compare(version, bound)` is
 * monotone in version order (a higher version never compares lower against the same
 * bound), and `satisfies` of a `^`, range or pattern constraint implies that every bound
 * derived from it holds under `compare` (`^b`: `>= b`; a range: each comparator; a
 * pattern `1.2.x`: `>= 1.2`, `< 1.3`).
 */
export interface TagMatching {
  /** Whether a (non-anchored) constraint accepts the version. */
  satisfies(constraint: Constraint, version: Version): boolean;
  /** Orders a version against a bound as `satisfies` reads it: -1, 0 or 1. */
  compare(version: Pick<Version, 'parts' | 'preRelease'>, bound: Bound): number;
  /** Whether the constraint may accept a pre-release at all (else only releases are walked). */
  mayMatchPreRelease(constraint: Constraint): boolean;
}

function namedBounds(constraint: Constraint): readonly Bound[] {
  if (constraint.kind === 'caret') return [constraint.bound];
  if (constraint.kind === 'range') return constraint.comparators.map((c) => c.bound);
  return [];
}

/** `resolveVersion`'s rule: `satisfies` from `resolve.ts`, pre-releases only when named. */
export const RELEASE_MATCHING: TagMatching = {
  satisfies,
  compare: compareVersions,
  // `satisfies` admits a pre-release only when a bound names one (of the same core).
  mayMatchPreRelease: (constraint) => namedBounds(constraint).some(isPreRelease),
};

/**
 * Tags parsed once and sorted, to resolve many constraints against one tag list (a
 * registry repository) without re-reading the list for each.
 */
export interface TagIndex {
  /** How many tags were given, duplicates and non-versions included. */
  readonly size: number;
  /**
   * Exactly what `resolveVersion(constraint, tags)` returns for the tags given (with the
   * default matching): same tag, same reason and message. A string is parsed first and
   * may throw `InputError`.
   */
  resolve(constraint: Constraint | string): Resolution;
}

/** Descending version, then the preferred spelling first: the first match is the best. */
function rank(a: Version, b: Version): number {
  return compareVersions(b, a) || comparePreference(a, b);
}

/** Conditions that hold for every match, checked with `matching.compare`. */
interface Window {
  /** False for the highest versions, then true: the walk starts at the first true. */
  readonly below: readonly Comparator[];
  /** True, then false for the lowest versions: the walk stops at the first false. */
  readonly above: readonly Comparator[];
}

function windowOf(constraint: Constraint): Window {
  switch (constraint.kind) {
    case 'caret':
      return { below: [], above: [{ operator: '>=', bound: constraint.bound }] };
    case 'range': {
      const { comparators } = constraint;
      // `=` bounds both sides; it is read as `<=` above and `>=` below.
      return {
        below: comparators
          .filter((c) => c.operator !== '>' && c.operator !== '>=')
          .map((c) => (c.operator === '=' ? { operator: '<=', bound: c.bound } : c)),
        above: comparators
          .filter((c) => c.operator !== '<' && c.operator !== '<=')
          .map((c) => (c.operator === '=' ? { operator: '>=', bound: c.bound } : c)),
      };
    }
    case 'pattern': {
      const { fixed } = constraint;
      if (fixed.length === 0) return { below: [], above: [] };
      const next = [...fixed.slice(0, -1), fixed[fixed.length - 1]! + 1];
      return {
        below: [{ operator: '<', bound: { parts: next, preRelease: [] } }],
        above: [{ operator: '>=', bound: { parts: fixed, preRelease: [] } }],
      };
    }
    default:
      return { below: [], above: [] };
  }
}

function holds(matching: TagMatching, comparators: readonly Comparator[], version: Version) {
  return comparators.every(({ operator, bound }) => {
    const order = matching.compare(version, bound);
    if (operator === '<') return order < 0;
    if (operator === '<=') return order <= 0;
    if (operator === '>') return order > 0;
    return order >= 0;
  });
}

/** The first index whose version satisfies every `below` comparator (binary search). */
function start(matching: TagMatching, sorted: readonly Version[], below: readonly Comparator[]) {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(matching, below, sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function withoutV(tag: string): string {
  return tag.startsWith('v') ? tag.slice(1) : tag;
}

/**
 * Parses every tag once and sorts the versions (highest first, then the preferred
 * spelling as `comparePreference` orders it), so a resolution walks down from the highest
 * version that can match — found by binary search when the constraint bounds it above —
 * and stops at the first match or below the constraint's lower bound. Anchored tags are
 * looked up by text. Building costs one parse per distinct tag and one sort.
 */
export function createTagIndex(
  tags: readonly string[],
  matching: TagMatching = RELEASE_MATCHING,
): TagIndex {
  const byTag = new Map<string, Version>();
  for (const tag of new Set(tags)) {
    const version = parseVersion(tag);
    if (version) byTag.set(tag, version);
  }
  const all = [...byTag.values()].sort(rank);
  const releases = all.filter((version) => !isPreRelease(version));
  const size = tags.length;

  function resolveAnchored(constraint: Extract<Constraint, { kind: 'anchored' }>): Resolution {
    const wanted = constraint.version;
    if (byTag.has(wanted.tag)) return { ok: true, tag: wanted.tag, version: wanted };
    // The `v` is spelling (see `satisfies`): the only other tag that can match.
    const bare = withoutV(wanted.tag);
    const found = [byTag.get(`v${bare}`), byTag.get(bare)].find((v) => v !== undefined);
    if (found) return { ok: true, tag: found.tag, version: found };
    // Let `resolveVersion` word the miss, so both always say the same thing.
    return resolveVersion(constraint, []);
  }

  return {
    size,
    resolve(input) {
      const constraint = typeof input === 'string' ? parseConstraint(input) : input;
      if (constraint.kind === 'anchored') return resolveAnchored(constraint);
      const sorted = matching.mayMatchPreRelease(constraint) ? all : releases;
      const { below, above } = windowOf(constraint);
      for (let i = start(matching, sorted, below); i < sorted.length; i++) {
        const version = sorted[i]!;
        if (!holds(matching, above, version)) break;
        if (matching.satisfies(constraint, version)) {
          return { ok: true, tag: version.tag, version };
        }
      }
      return {
        ok: false,
        reason: 'no-match',
        message: `no tag satisfies '${constraint.text}' among ${size} tags`,
      };
    },
  };
}
