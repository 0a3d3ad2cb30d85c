/** One pre-release identifier: numeric identifiers are numbers, the others strings. */
export type PreReleaseIdentifier = number | string;

/** A tag read as a version. `tag` is the original text, kept for the registry. */
export interface Version {
  readonly tag: string;
  /** Whether the tag starts with `v` (`v1.2.3`). */
  readonly prefixed: boolean;
  /** Three or four numeric parts, as written. */
  readonly parts: readonly number[];
  /** Empty for a release. */
  readonly preRelease: readonly PreReleaseIdentifier[];
}

const NUMBER = '(?:0|[1-9]\\d*)';
const IDENTIFIER = '[0-9A-Za-z-]+';
/** `[v]N.N.N[.N][-id(.id)*]`; no build metadata, since OCI tags cannot contain `+`. */
export const VERSION_PATTERN = new RegExp(
  `^(v)?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:\\.(${NUMBER}))?(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`,
);
const NUMERIC = /^\d+$/;

/**
 * Reads the pre-release identifiers of `text` (`rc.2` → `['rc', 2]`), or `undefined`
 * when a numeric identifier has a leading zero or is too large (SemVer 2.0 §9).
 */
export function parsePreRelease(text: string): PreReleaseIdentifier[] | undefined {
  const identifiers: PreReleaseIdentifier[] = [];
  for (const part of text.split('.')) {
    if (!NUMERIC.test(part)) {
      identifiers.push(part);
      continue;
    }
    const value = Number(part);
    if ((part.length > 1 && part.startsWith('0')) || !Number.isSafeInteger(value)) {
      return undefined;
    }
    identifiers.push(value);
  }
  return identifiers;
}

/**
 * Parses a tag such as `v1.2.3`, `1.2.3.4`, `v1.2.3-rc1` or `1.2.3-rc.2`. Numeric parts
 * have no leading zeros (as in SemVer), so one version has few spellings. Tags that are
 * not versions (`latest`, `main-abc123`, `1.2`) give `undefined`.
 */
export function parseVersion(tag: string): Version | undefined {
  const match = VERSION_PATTERN.exec(tag);
  if (!match) return undefined;
  const [, v, major, minor, patch, fourth, preText] = match;
  const parts = [major, minor, patch, fourth]
    .filter((part): part is string => part !== undefined)
    .map(Number);
  if (!parts.every(Number.isSafeInteger)) return undefined;
  const preRelease = preText === undefined ? [] : parsePreRelease(preText);
  if (!preRelease) return undefined;
  return { tag, prefixed: v !== undefined, parts, preRelease };
}

function sign(value: number): number {
  return value < 0 ? -1 : value > 0 ? 1 : 0;
}

/** Compares numeric parts, reading a missing part as 0 (`1.2.3` equals `1.2.3.0`). */
export function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length, 4); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return sign(diff);
  }
  return 0;
}

function compareIdentifiers(a: PreReleaseIdentifier, b: PreReleaseIdentifier): number {
  if (typeof a === 'number' && typeof b === 'number') return sign(a - b);
  // SemVer 2.0 §11.4.3: numeric identifiers sort before alphanumeric ones.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  // §11.4.2: alphanumeric identifiers compare in ASCII order, not locale order.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares pre-release lists; the empty list (a release) sorts after every pre-release. */
export function comparePreRelease(
  a: readonly PreReleaseIdentifier[],
  b: readonly PreReleaseIdentifier[],
): number {
  if (a.length === 0 || b.length === 0) return sign(b.length - a.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIdentifiers(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return sign(a.length - b.length);
}

/**
 * Orders versions as SemVer 2.0 §11 does, extended to four parts: numeric parts first,
 * then a pre-release before its release. Returns -1, 0 or 1. Spelling is ignored:
 * `v1.2.3`, `1.2.3` and `1.2.3.0` compare equal.
 */
export function compareVersions(
  a: Pick<Version, 'parts' | 'preRelease'>,
  b: Pick<Version, 'parts' | 'preRelease'>,
): number {
  return compareParts(a.parts, b.parts) || comparePreRelease(a.preRelease, b.preRelease);
}

/** Whether the version is a pre-release (`1.2.3-rc1`). */
export function isPreRelease(version: Pick<Version, 'preRelease'>): boolean {
  return version.preRelease.length > 0;
}
