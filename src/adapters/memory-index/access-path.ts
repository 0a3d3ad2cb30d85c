import type { EnvironmentFilter, FilterField } from '../../domain/policy/environment-filter.js';
import { compareStrings, lowerBound } from './lazy-sorted.js';

/** The posting-list fields: each value has the sorted names of its environments. */
export type PostedField = Exclude<FilterField, 'name'>;

/**
 * How a query reads the index: nothing at all, every name in order, or only the names of
 * some sorted lists (posting lists, or the literal names of a `name ∈ {…}` filter).
 */
export type AccessPath =
  | { readonly kind: 'empty' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'lists'; readonly lists: readonly SortedSource[]; readonly estimate: number };

/** A sorted list of candidate names, materialized only when the path is taken. */
export interface SortedSource {
  readonly estimate: number;
  readonly names: () => readonly string[];
}

export interface Postings {
  /** The posting list of one field value, or undefined when no environment has it. */
  lookup(field: PostedField, value: string): SortedSource | undefined;
}

/**
 * Chooses an access path for a filter: every candidate the filter can match is in the
 * chosen lists (a superset, the filter is still applied to each). `and` reads its most
 * selective child, `or` the union of its children; anything else needs a scan.
 */
export function accessPath(filter: EnvironmentFilter, postings: Postings): AccessPath {
  switch (filter.kind) {
    case 'none':
      return { kind: 'empty' };
    case 'in': {
      if (filter.field === 'name') {
        const names = filter.values;
        const sorted = isSorted(names) ? names : [...names].sort(compareStrings);
        return {
          kind: 'lists',
          lists: [{ estimate: names.length, names: () => sorted }],
          estimate: names.length,
        };
      }
      const lists: SortedSource[] = [];
      for (const value of filter.values) {
        const list = postings.lookup(filter.field, value);
        if (list) lists.push(list);
      }
      if (lists.length === 0) return { kind: 'empty' };
      return { kind: 'lists', lists, estimate: sum(lists) };
    }
    case 'and': {
      let best: AccessPath = { kind: 'scan' };
      for (const child of filter.filters) {
        const path = accessPath(child, postings);
        if (path.kind === 'empty') return path;
        if (path.kind === 'lists' && (best.kind === 'scan' || path.estimate < best.estimate))
          best = path;
      }
      return best;
    }
    case 'or': {
      const lists: SortedSource[] = [];
      for (const child of filter.filters) {
        const path = accessPath(child, postings);
        if (path.kind === 'scan') return path;
        if (path.kind === 'lists') lists.push(...path.lists);
      }
      return lists.length === 0
        ? { kind: 'empty' }
        : { kind: 'lists', lists, estimate: sum(lists) };
    }
    default:
      return { kind: 'scan' };
  }
}

const sum = (lists: readonly SortedSource[]): number =>
  lists.reduce((total, list) => total + list.estimate, 0);

function isSorted(names: readonly string[]): boolean {
  for (let index = 1; index < names.length; index++)
    if ((names[index - 1] as string) >= (names[index] as string)) return false;
  return true;
}

/**
 * The names of several sorted lists in one ascending order, each name once, starting after
 * `after`: a k-way merge on a binary heap, so a page reads about `limit · log k` names
 * however long the lists are.
 */
export function* mergeSorted(
  lists: readonly (readonly string[])[],
  after: string | undefined,
): Generator<string, void, undefined> {
  const cursors: { list: readonly string[]; at: number }[] = [];
  for (const list of lists) {
    const at = after === undefined ? 0 : lowerBound(list, after, compareStrings, false);
    if (at < list.length) cursors.push({ list, at });
  }
  const head = (index: number): string => {
    const cursor = cursors[index] as { list: readonly string[]; at: number };
    return cursor.list[cursor.at] as string;
  };
  const swap = (a: number, b: number): void => {
    const kept = cursors[a] as (typeof cursors)[number];
    cursors[a] = cursors[b] as (typeof cursors)[number];
    cursors[b] = kept;
  };
  const siftDown = (start: number): void => {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < cursors.length && head(left) < head(smallest)) smallest = left;
      if (right < cursors.length && head(right) < head(smallest)) smallest = right;
      if (smallest === index) return;
      swap(index, smallest);
      index = smallest;
    }
  };
  for (let index = (cursors.length >>> 1) - 1; index >= 0; index--) siftDown(index);
  let last: string | undefined;
  while (cursors.length > 0) {
    const top = cursors[0] as (typeof cursors)[number];
    const name = top.list[top.at] as string;
    if (name !== last) {
      last = name;
      yield name;
    }
    top.at += 1;
    if (top.at >= top.list.length) {
      const end = cursors.pop() as (typeof cursors)[number];
      if (cursors.length === 0) return;
      cursors[0] = end;
    }
    siftDown(0);
  }
}
