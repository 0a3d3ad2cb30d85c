import fc from 'fast-check';
import {
  and,
  like,
  isStatic,
  not,
  or,
  PER_ITEM,
  type EnvironmentFilter,
  type FilterSubject,
  type LikePart,
} from '../../src/domain/policy/environment-filter.js';

/** fast-check arbitraries for permission filters over a few short values. */
export const FILTER_VALUES = ['a', 'b', 'ab', 'ba', ''];

const fieldArb = fc.constantFrom('name', 'type', 'pool', 'owner' as const);
export const likePartArb: fc.Arbitrary<LikePart> = fc.oneof(
  fc.constant('*' as const),
  fc.constantFrom('a', 'b', 'ab').map((literal) => ({ literal })),
);
/** Filters of every kind, nested a few levels, whose sets and patterns use `values`. */
export const filterArbitrary = (values: readonly string[]): fc.Arbitrary<EnvironmentFilter> =>
  fc.letrec<{
    filter: EnvironmentFilter;
  }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<EnvironmentFilter>({ kind: 'all' }, { kind: 'none' }, PER_ITEM),
      fc
        .tuple(fieldArb, fc.array(fc.constantFrom(...values), { maxLength: 3 }))
        .map(([field, chosen]) => ({ kind: 'in' as const, field, values: chosen })),
      fc
        .tuple(fieldArb, fc.array(likePartArb, { maxLength: 4 }))
        .map(([field, pattern]) => like(field, pattern)),
      fc.boolean().map(isStatic),
      fc.array(tie('filter'), { maxLength: 3 }).map((filters) => and(...filters)),
      fc.array(tie('filter'), { maxLength: 3 }).map((filters) => or(...filters)),
      tie('filter').map(not),
    ),
  })).filter;

export const filterArb = filterArbitrary(FILTER_VALUES);

export const subjectArb: fc.Arbitrary<FilterSubject> = fc.record({
  name: fc.constantFrom(...FILTER_VALUES),
  type: fc.constantFrom(...FILTER_VALUES),
  pool: fc.constantFrom(...FILTER_VALUES),
  owner: fc.constantFrom(...FILTER_VALUES),
  static: fc.boolean(),
});
