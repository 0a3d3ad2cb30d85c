/**
 * Which environments a principal may see, as data: every index compiles the same value
 * into its own access path (posting lists in memory, a `WHERE` in SQL). No closures, so the
 * value can be compared, printed, cached and translated.
 */
export type EnvironmentFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  /** The field's value is one of `values` (sorted, without duplicates once simplified). */
  | { readonly kind: 'in'; readonly field: FilterField; readonly values: readonly string[] }
  /** Cedar's `like`: `*` elements match any run of characters, literals match themselves. */
  | { readonly kind: 'like'; readonly field: FilterField; readonly pattern: readonly LikePart[] }
  | { readonly kind: 'static'; readonly value: boolean }
  | { readonly kind: 'and'; readonly filters: readonly EnvironmentFilter[] }
  | { readonly kind: 'or'; readonly filters: readonly EnvironmentFilter[] }
  | { readonly kind: 'not'; readonly filter: EnvironmentFilter }
  /**
   * The items left to per-item decisions: true exactly when the authorizer, asked about
   * this one environment, allows it. An SQL index reads it as "maybe" and post-filters.
   */
  | { readonly kind: 'per-item' };

/** The environment attributes a filter can name (`static` has its own leaf). */
export type FilterField = 'name' | 'type' | 'pool' | 'owner';

/** `'*'` is Cedar's wildcard; a string is a literal run. */
export type LikePart = '*' | { readonly literal: string };

/** What a filter is evaluated against: the environment's attributes. */
export interface FilterSubject {
  readonly name: string;
  readonly type: string;
  readonly pool: string;
  readonly owner: string;
  readonly static: boolean;
}

export const ALL: EnvironmentFilter = { kind: 'all' };
export const NONE: EnvironmentFilter = { kind: 'none' };
export const PER_ITEM: EnvironmentFilter = { kind: 'per-item' };

export const inSet = (field: FilterField, values: Iterable<string>): EnvironmentFilter => ({
  kind: 'in',
  field,
  values: [...new Set(values)].sort(),
});
export const isStatic = (value: boolean): EnvironmentFilter => ({ kind: 'static', value });
export const like = (field: FilterField, pattern: readonly LikePart[]): EnvironmentFilter => ({
  kind: 'like',
  field,
  pattern,
});
export const and = (...filters: EnvironmentFilter[]): EnvironmentFilter => ({
  kind: 'and',
  filters,
});
export const or = (...filters: EnvironmentFilter[]): EnvironmentFilter => ({ kind: 'or', filters });
export const not = (filter: EnvironmentFilter): EnvironmentFilter => ({ kind: 'not', filter });

// Large `in` sets are checked per item, so each node gets its Set once, not per call.
const setOf = new WeakMap<readonly string[], ReadonlySet<string>>();
function contains(values: readonly string[], value: string): boolean {
  if (values.length <= 8) return values.includes(value);
  let set = setOf.get(values);
  if (!set) setOf.set(values, (set = new Set(values)));
  return set.has(value);
}

/** A pattern as literal runs between wildcards: `a*b*` → anchored 'a', then 'b', open end. */
interface LikeRuns {
  readonly runs: readonly string[];
  readonly openStart: boolean;
  readonly openEnd: boolean;
}
const runsOf = new WeakMap<readonly LikePart[], LikeRuns>();
function likeRuns(pattern: readonly LikePart[]): LikeRuns {
  let found = runsOf.get(pattern);
  if (found) return found;
  const runs: string[] = [];
  let current: string | undefined;
  for (const part of pattern) {
    if (part === '*') {
      if (current !== undefined) runs.push(current);
      current = undefined;
      if (runs.length === 0) runs.push('');
    } else current = (current ?? '') + part.literal;
  }
  const openEnd = pattern.at(-1) === '*';
  if (current !== undefined) runs.push(current);
  found = { runs, openStart: pattern[0] === '*', openEnd };
  runsOf.set(pattern, found);
  return found;
}

/** True when `text` matches a Cedar `like` pattern. */
export function likeMatches(pattern: readonly LikePart[], text: string): boolean {
  const { runs, openStart, openEnd } = likeRuns(pattern);
  const wildcards = pattern.includes('*');
  if (!wildcards) return text === (runs[0] ?? '');
  // First run anchored at the start, last at the end, the ones between at their earliest
  // place: for `*`-only globs the earliest placement never loses a match.
  const first = openStart ? 0 : 1;
  const last = openEnd ? runs.length : runs.length - 1;
  let position = 0;
  if (!openStart) {
    const head = runs[0] ?? '';
    if (!text.startsWith(head)) return false;
    position = head.length;
  }
  for (let index = first; index < last; index++) {
    const run = runs[index] ?? '';
    const at = text.indexOf(run, position);
    if (at < 0) return false;
    position = at + run.length;
  }
  if (openEnd) return true;
  const tail = runs.at(-1) ?? '';
  return text.length - tail.length >= position && text.endsWith(tail);
}

/**
 * Evaluates a filter for one environment. `decideItem` is called only for `per-item`
 * leaves the evaluation reaches, at most once per call.
 */
export function matches<S extends FilterSubject>(
  filter: EnvironmentFilter,
  subject: S,
  decideItem: (subject: S) => boolean,
): boolean {
  let decided: boolean | undefined;
  const evaluate = (node: EnvironmentFilter): boolean => {
    switch (node.kind) {
      case 'all':
        return true;
      case 'none':
        return false;
      case 'in':
        return contains(node.values, subject[node.field]);
      case 'like':
        return likeMatches(node.pattern, subject[node.field]);
      case 'static':
        return subject.static === node.value;
      case 'and':
        return node.filters.every(evaluate);
      case 'or':
        return node.filters.some(evaluate);
      case 'not':
        return !evaluate(node.filter);
      case 'per-item':
        return (decided ??= decideItem(subject));
    }
  };
  return evaluate(filter);
}

/** True when the filter needs no per-item decision anywhere. */
export function isDecidedByData(filter: EnvironmentFilter): boolean {
  switch (filter.kind) {
    case 'per-item':
      return false;
    case 'and':
    case 'or':
      return filter.filters.every(isDecidedByData);
    case 'not':
      return isDecidedByData(filter.filter);
    default:
      return true;
  }
}
