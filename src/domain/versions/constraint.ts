import { InputError } from '../errors.js';
import {
  parsePreRelease,
  parseVersion,
  type PreReleaseIdentifier,
  type Version,
} from './version.js';

/** Numeric parts (one to four, as written) and pre-release of a `^` or range bound. */
export interface Bound {
  readonly parts: readonly number[];
  readonly preRelease: readonly PreReleaseIdentifier[];
}

/** The comparison operators a range accepts. */
export const OPERATORS = ['>=', '>', '<=', '<', '='] as const;
export type Operator = (typeof OPERATORS)[number];

/** One comparison of a range: a version must satisfy `version <operator> bound`. */
export interface Comparator {
  readonly operator: Operator;
  readonly bound: Bound;
}

/**
 * A parsed version constraint; `text` is the constraint as written.
 * - `any`: `*` or `latest`, any release.
 * - `anchored`: one tag (`v1.2.3`, `1.2.3.4`, `v1.2.3-rc1`).
 * - `caret`: `^1.0.0.0`, every version `>=` the bound (the seed's meaning).
 * - `pattern`: `1.x.x.x`, `1.2.x`, `1.*`, `1.2`: the leading `fixed` parts must be equal.
 * - `range`: comparators joined by commas (`>=1.2.0, <2.0.0`), all of which must hold.
 */
export type Constraint =
  | { readonly kind: 'any'; readonly text: string }
  | { readonly kind: 'anchored'; readonly text: string; readonly version: Version }
  | { readonly kind: 'caret'; readonly text: string; readonly bound: Bound }
  | { readonly kind: 'pattern'; readonly text: string; readonly fixed: readonly number[] }
  | { readonly kind: 'range'; readonly text: string; readonly comparators: readonly Comparator[] };

export type ConstraintKind = Constraint['kind'];
/** Every constraint kind, strictest first. */
export const CONSTRAINT_KINDS: readonly ConstraintKind[] = [
  'anchored',
  'caret',
  'pattern',
  'range',
  'any',
];

/** The outcome of `readConstraint`: the constraint, or a message naming the problem. */
export type ConstraintResult =
  | { readonly ok: true; readonly constraint: Constraint }
  | { readonly ok: false; readonly message: string };

const EXPECTED =
  "expected a tag (v1.2.3), '^1.0.0', a pattern (1.x), a range (>=1.2.0, <2.0.0), '*' or 'latest'";
const WILDCARD = /^[xX*]$/;
const NUMBER = /^(?:0|[1-9]\d*)$/;
const PRE_RELEASE = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;
const COMPARATOR = /^(>=|<=|>|<|=)\s*([^<>=!]*)$/;

type Part = number | 'x';
interface Parts {
  readonly parts: readonly Part[];
  readonly preRelease: readonly PreReleaseIdentifier[];
}

class GrammarError extends Error {}

/** Reads `[v]P[.P[.P[.P]]][-pre]` where P is a number or a wildcard; throws GrammarError. */
function readParts(text: string): Parts {
  const dash = text.indexOf('-');
  const core = (dash < 0 ? text : text.slice(0, dash)).replace(/^v/, '');
  const preText = dash < 0 ? undefined : text.slice(dash + 1);
  const pieces = core.split('.');
  if (pieces.length > 4) throw new GrammarError(`'${text}' has more than four numeric parts`);
  const parts = pieces.map((piece): Part => {
    if (WILDCARD.test(piece)) return 'x';
    if (/^0\d+$/.test(piece)) throw new GrammarError(`'${piece}' in '${text}' has a leading zero`);
    if (!NUMBER.test(piece) || !Number.isSafeInteger(Number(piece))) {
      throw new GrammarError(`'${text}' is not a version; ${EXPECTED}`);
    }
    return Number(piece);
  });
  const wildcard = parts.indexOf('x');
  if (wildcard >= 0 && parts.slice(wildcard).some((part) => part !== 'x')) {
    throw new GrammarError(`'${text}': a number cannot follow a wildcard`);
  }
  if (preText === undefined) return { parts, preRelease: [] };
  if (wildcard >= 0) throw new GrammarError(`'${text}': a pattern cannot name a pre-release`);
  if (parts.length < 3) {
    throw new GrammarError(`'${text}': a pre-release needs three or four numeric parts`);
  }
  const preRelease = PRE_RELEASE.test(preText) ? parsePreRelease(preText) : undefined;
  if (!preRelease) {
    throw new GrammarError(
      `'${text}': the pre-release must be identifiers of letters, digits and '-' separated by '.', numbers without leading zeros`,
    );
  }
  return { parts, preRelease };
}

function readBound(text: string, where: string): Bound {
  if (text === '') throw new GrammarError(`${where} needs a version, e.g. 1.2.0`);
  if (/\s/.test(text)) {
    throw new GrammarError(`'${text}': join comparators with commas, e.g. >=1.2.0, <2.0.0`);
  }
  const { parts, preRelease } = readParts(text);
  const numbers = parts.filter((part) => part !== 'x');
  if (numbers.length !== parts.length) {
    throw new GrammarError(`'${text}': ${where} takes a version, not a wildcard`);
  }
  return { parts: numbers, preRelease };
}

function readRange(text: string): Comparator[] {
  return text.split(',').map((raw) => {
    const piece = raw.trim();
    if (piece === '') throw new GrammarError(`'${text}' has an empty comparator`);
    if (/\S\s+[<>=]/.test(piece)) {
      throw new GrammarError(`'${piece}': join comparators with commas, e.g. >=1.2.0, <2.0.0`);
    }
    const match = COMPARATOR.exec(piece);
    if (!match) {
      throw new GrammarError(
        `'${piece}' in a range needs an operator (${OPERATORS.join(', ')}), e.g. >=1.2.0`,
      );
    }
    const [, operator, version] = match;
    return {
      operator: operator as Operator,
      bound: readBound(version ?? '', `'${operator}'`),
    };
  });
}

function read(text: string): Constraint {
  if (text === '') throw new GrammarError(`must not be empty; ${EXPECTED}`);
  if (text === '*' || text === 'latest') return { kind: 'any', text };
  if (text.startsWith('~')) {
    throw new GrammarError(`'~' is not supported; use a range such as >=1.2.0, <1.3.0`);
  }
  if (text.includes(',') || /^[<>=!]/.test(text)) {
    return { kind: 'range', text, comparators: readRange(text) };
  }
  if (text.startsWith('^')) {
    return { kind: 'caret', text, bound: readBound(text.slice(1).trim(), "'^'") };
  }
  const version = parseVersion(text);
  if (version) return { kind: 'anchored', text, version };
  const { parts } = readParts(text);
  const fixed = parts.filter((part) => part !== 'x');
  if (fixed.length >= 3 && fixed.length === parts.length) {
    throw new GrammarError(`'${text}' is not a version; ${EXPECTED}`);
  }
  return { kind: 'pattern', text, fixed };
}

/**
 * Reads a version constraint (grammar in `README.md`). Outer whitespace is ignored; the
 * returned `text` is trimmed. Never throws: a malformed constraint gives a message.
 */
export function readConstraint(text: string): ConstraintResult {
  try {
    return { ok: true, constraint: read(text.trim()) };
  } catch (error) {
    if (error instanceof GrammarError) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * Parses a version constraint, or throws `InputError` with one field error at `path`
 * (e.g. `services.user-service`) whose message names the problem.
 */
export function parseConstraint(text: string, path = 'version'): Constraint {
  const result = readConstraint(text);
  if (!result.ok) {
    throw new InputError('Invalid version constraint', [{ path, message: result.message }]);
  }
  return result.constraint;
}
