import {
  ALL,
  NONE,
  type EnvironmentFilter,
  type FilterField,
  type LikePart,
} from './environment-filter.js';

/**
 * An equivalent filter, smaller: constants folded (`none` under `and` wins, `all` under `or`
 * wins), nested `and`/`or` flattened, `in` sets on one field merged (intersected under `and`,
 * united under `or`), `static` leaves paired, double negation removed, duplicates dropped,
 * `like` without wildcards turned into `in`. A filter that can match nothing becomes `none`
 * whenever these rules see it, so an index can answer at once.
 */
export function simplifyFilter(filter: EnvironmentFilter): EnvironmentFilter {
  switch (filter.kind) {
    case 'all':
    case 'none':
    case 'static':
    case 'per-item':
      return filter;
    case 'in':
      return filter.values.length === 0
        ? NONE
        : { kind: 'in', field: filter.field, values: sortedUnique(filter.values) };
    case 'like':
      return simplifyLike(filter.field, filter.pattern);
    case 'not': {
      const inner = simplifyFilter(filter.filter);
      if (inner.kind === 'all') return NONE;
      if (inner.kind === 'none') return ALL;
      if (inner.kind === 'not') return inner.filter;
      if (inner.kind === 'static') return { kind: 'static', value: !inner.value };
      return { kind: 'not', filter: inner };
    }
    case 'and':
    case 'or':
      return simplifyJunction(filter.kind, filter.filters);
  }
}

function sortedUnique(values: readonly string[]): string[] {
  const sorted = [...values].sort();
  return sorted.filter((value, index) => index === 0 || sorted[index - 1] !== value);
}

function simplifyLike(field: FilterField, pattern: readonly LikePart[]): EnvironmentFilter {
  if (pattern.length > 0 && pattern.every((part) => part === '*')) return ALL;
  if (!pattern.includes('*'))
    return {
      kind: 'in',
      field,
      values: [pattern.map((part) => (part === '*' ? '' : part.literal)).join('')],
    };
  return { kind: 'like', field, pattern };
}

function simplifyJunction(
  kind: 'and' | 'or',
  filters: readonly EnvironmentFilter[],
): EnvironmentFilter {
  // Under `and`, `none` absorbs and `all` is neutral; under `or` the other way round.
  const absorbing = kind === 'and' ? 'none' : 'all';
  const neutral = kind === 'and' ? 'all' : 'none';
  const children: EnvironmentFilter[] = [];
  const flatten = (list: readonly EnvironmentFilter[]): boolean => {
    for (const child of list) {
      const simple = simplifyFilter(child);
      if (simple.kind === absorbing) return true;
      if (simple.kind === neutral) continue;
      if (simple.kind === kind) flatten(simple.filters);
      else children.push(simple);
    }
    return false;
  };
  if (flatten(filters)) return kind === 'and' ? NONE : ALL;

  const sets = new Map<FilterField, string[]>();
  const statics = new Set<boolean>();
  const others = new Map<string, EnvironmentFilter>();
  for (const child of children) {
    if (child.kind === 'in') {
      const known = sets.get(child.field);
      if (known === undefined) sets.set(child.field, [...child.values]);
      else if (kind === 'or') known.push(...child.values);
      else {
        const keep = new Set(child.values);
        sets.set(
          child.field,
          known.filter((value) => keep.has(value)),
        );
      }
    } else if (child.kind === 'static') statics.add(child.value);
    else others.set(JSON.stringify(child), child);
  }
  if (statics.size === 2) return kind === 'and' ? NONE : ALL;

  const merged: EnvironmentFilter[] = [];
  for (const [field, values] of sets) {
    if (values.length === 0) {
      if (kind === 'and') return NONE;
      continue;
    }
    merged.push({ kind: 'in', field, values: sortedUnique(values) });
  }
  for (const value of statics) merged.push({ kind: 'static', value });
  merged.push(...others.values());
  if (merged.length === 0) return kind === 'and' ? ALL : NONE;
  if (merged.length === 1) return merged[0] as EnvironmentFilter;
  return { kind, filters: merged };
}
