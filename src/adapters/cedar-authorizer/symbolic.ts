import {
  ALL,
  inSet,
  NONE,
  type EnvironmentFilter,
  type FilterField,
} from '../../domain/policy/environment-filter.js';
import { ENTITY } from '../../domain/policy/cedar-names.js';
import { equal, isEntity, isRecord, UnsupportedResidualError, type Value } from './cedar-value.js';

/**
 * A residual sub-expression evaluated as far as the environment's attributes allow: a
 * known value, an attribute of the environment, the environment itself, a boolean given
 * as two filters (where it is true, where it is false; anywhere else it is an error), a
 * set or record with symbolic parts, or a certain error.
 */
export type Sym =
  | { readonly k: 'value'; readonly value: Value }
  | { readonly k: 'field'; readonly field: FilterField }
  | { readonly k: 'resource' }
  | { readonly k: 'bool'; readonly t: EnvironmentFilter; readonly f: EnvironmentFilter }
  | { readonly k: 'set'; readonly items: readonly Sym[] }
  | { readonly k: 'record'; readonly fields: ReadonlyMap<string, Sym> }
  | { readonly k: 'error' };

export const ERROR: Sym = { k: 'error' };
export const known = (value: Value): Sym => ({ k: 'value', value });
export const bool = (t: EnvironmentFilter, f: EnvironmentFilter): Sym => ({ k: 'bool', t, f });

// Smart constructors that fold constants at once, so per-product trees stay small.
export function all(...filters: EnvironmentFilter[]): EnvironmentFilter {
  const kept = filters.filter((filter) => filter.kind !== 'all');
  if (kept.some((filter) => filter.kind === 'none')) return NONE;
  return kept.length === 0
    ? ALL
    : kept.length === 1
      ? (kept[0] as EnvironmentFilter)
      : { kind: 'and', filters: kept };
}
export function any(...filters: EnvironmentFilter[]): EnvironmentFilter {
  const kept = filters.filter((filter) => filter.kind !== 'none');
  if (kept.some((filter) => filter.kind === 'all')) return ALL;
  return kept.length === 0
    ? NONE
    : kept.length === 1
      ? (kept[0] as EnvironmentFilter)
      : { kind: 'or', filters: kept };
}
export function negate(filter: EnvironmentFilter): EnvironmentFilter {
  if (filter.kind === 'all') return NONE;
  if (filter.kind === 'none') return ALL;
  if (filter.kind === 'not') return filter.filter;
  return { kind: 'not', filter };
}

/** The boolean reading of a value: a non-boolean is a type error, so neither true nor false. */
export function asBool(sym: Sym): { t: EnvironmentFilter; f: EnvironmentFilter } {
  if (sym.k === 'bool') return sym;
  if (sym.k === 'value' && typeof sym.value === 'boolean')
    return sym.value ? { t: ALL, f: NONE } : { t: NONE, f: ALL };
  return { t: NONE, f: NONE };
}

/** Where evaluating the value errors. */
export function errorOf(sym: Sym): EnvironmentFilter {
  switch (sym.k) {
    case 'error':
      return ALL;
    case 'bool':
      return negate(any(sym.t, sym.f));
    case 'set':
      return any(...sym.items.map(errorOf));
    case 'record':
      return any(...[...sym.fields.values()].map(errorOf));
    default:
      return NONE;
  }
}

/** A boolean that is `truth` where neither operand errors, an error where one does. */
export function strict(truth: EnvironmentFilter, operands: readonly Sym[]): Sym {
  if (operands.some((operand) => operand.k === 'error')) return ERROR;
  const errors = any(...operands.map(errorOf));
  const ok = negate(errors);
  return bool(all(truth, ok), all(negate(truth), ok));
}

/** A known array or record seen as a symbolic set or record, to compare with one. */
function lift(sym: Sym): Sym {
  if (sym.k !== 'value') return sym;
  const { value } = sym;
  if (Array.isArray(value)) return { k: 'set', items: value.map(known) };
  if (isRecord(value))
    return {
      k: 'record',
      fields: new Map(Object.entries(value).map(([key, inner]) => [key, known(inner)])),
    };
  return sym;
}

const RANK = { value: 0, field: 1, resource: 2, bool: 3, set: 4, record: 5, error: 6 } as const;

/** Where `left == right` holds, errors aside (the caller wraps it with `strict`). */
export function equalWhere(leftSym: Sym, rightSym: Sym): EnvironmentFilter {
  if (leftSym.k === 'value' && rightSym.k === 'value')
    return equal(leftSym.value, rightSym.value) ? ALL : NONE;
  let left = lift(leftSym);
  let right = lift(rightSym);
  if (RANK[left.k] > RANK[right.k]) [left, right] = [right, left];
  switch (left.k) {
    case 'value': {
      const { value } = left;
      if (right.k === 'field')
        return typeof value === 'string' ? inSet(right.field, [value]) : NONE;
      if (right.k === 'resource')
        return isEntity(value) && value.type === ENTITY.environment
          ? inSet('name', [value.id])
          : NONE;
      if (right.k === 'bool')
        return typeof value === 'boolean' ? (value ? right.t : right.f) : NONE;
      return NONE;
    }
    case 'field':
      if (right.k === 'field') {
        if (right.field === left.field) return ALL;
        throw new UnsupportedResidualError('two environment attributes compared');
      }
      return NONE;
    case 'resource':
      return right.k === 'resource' ? ALL : NONE;
    case 'bool':
      return right.k === 'bool' ? any(all(left.t, right.t), all(left.f, right.f)) : NONE;
    case 'set': {
      if (right.k !== 'set') return NONE;
      const a = left.items;
      const b = right.items;
      return all(
        ...a.map((x) => any(...b.map((y) => equalWhere(x, y)))),
        ...b.map((y) => any(...a.map((x) => equalWhere(x, y)))),
      );
    }
    case 'record': {
      if (right.k !== 'record' || right.fields.size !== left.fields.size) return NONE;
      const parts: EnvironmentFilter[] = [];
      for (const [key, value] of left.fields) {
        const other = right.fields.get(key);
        if (other === undefined) return NONE;
        parts.push(equalWhere(value, other));
      }
      return all(...parts);
    }
    case 'error':
      return NONE;
  }
}

/** The items of a set, or undefined when the value is not a set. */
export function itemsOf(sym: Sym): readonly Sym[] | undefined {
  if (sym.k === 'set') return sym.items;
  if (sym.k === 'value' && Array.isArray(sym.value)) return sym.value.map(known);
  return undefined;
}

/** Where `set.contains(item)` holds, errors aside. */
export function containsWhere(items: readonly Sym[], item: Sym): EnvironmentFilter {
  return any(...items.map((member) => equalWhere(member, item)));
}
