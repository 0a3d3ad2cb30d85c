import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and,
  inSet,
  isStatic,
  like,
  likeMatches,
  matches,
  not,
  or,
  PER_ITEM,
  type FilterSubject,
  type LikePart,
} from './environment-filter.js';
import { simplifyFilter } from './simplify-filter.js';
import { filterArb, likePartArb, subjectArb } from '../../../test/access/filter-arbitraries.js';

/** A Cedar `like` as a regular expression: the reference the matcher must agree with. */
function likeRegex(pattern: readonly LikePart[]): RegExp {
  const source = pattern
    .map((part) =>
      part === '*' ? '[\\s\\S]*' : part.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u');
}

describe('likeMatches', () => {
  it.each<[LikePart[], string, boolean]>([
    [['*', { literal: 'b' }], 'aab', true],
    [[{ literal: 'a' }, { literal: 'b' }], 'ab', true],
    [['*', { literal: 'a' }, { literal: 'b' }], 'aab', true],
    [[{ literal: 'a' }, '*', { literal: 'a' }], 'a', false],
    [[{ literal: 'a' }, '*', { literal: 'a' }], 'aa', true],
    [[], '', true],
    [['*'], '', true],
  ])('%j on %j is %s', (pattern, text, expected) => {
    expect(likeMatches(pattern, text)).toBe(expected);
  });

  it('agrees with a regular expression', () => {
    fc.assert(
      fc.property(
        fc.array(likePartArb, { maxLength: 6 }),
        fc.stringMatching(/^[ab]{0,6}$/),
        (pattern, text) => likeMatches(pattern, text) === likeRegex(pattern).test(text),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('matches', () => {
  const web: FilterSubject = { name: 'web', type: 'dev', pool: 'x', owner: 'ann', static: false };

  it('evaluates sets, static, like and the connectives', () => {
    const filter = or(
      and(inSet('pool', ['x', 'y']), not(isStatic(true))),
      like('name', ['*', { literal: 'b' }]),
    );
    expect(matches(filter, web, () => false)).toBe(true);
    expect(matches(filter, { ...web, static: true }, () => false)).toBe(true);
    expect(matches(filter, { ...web, static: true, name: 'api' }, () => false)).toBe(false);
  });

  it('asks for a per-item decision only when the leaf is reached, and once', () => {
    let asked = 0;
    const decide = () => {
      asked += 1;
      return true;
    };
    expect(matches(or(inSet('pool', ['x']), PER_ITEM), web, decide)).toBe(true);
    expect(asked).toBe(0);
    expect(matches(and(PER_ITEM, not(not(PER_ITEM))), web, decide)).toBe(true);
    expect(asked).toBe(1);
  });
});

describe('simplifyFilter', () => {
  it('folds constants, flattens and merges sets', () => {
    expect(
      simplifyFilter(or(inSet('pool', ['b']), or(inSet('pool', ['a']), { kind: 'none' }))),
    ).toEqual(inSet('pool', ['a', 'b']));
    expect(simplifyFilter(and(inSet('pool', ['a']), inSet('pool', ['b']), PER_ITEM))).toEqual({
      kind: 'none',
    });
    expect(simplifyFilter(or(isStatic(true), not(isStatic(true))))).toEqual({ kind: 'all' });
    expect(simplifyFilter(like('name', [{ literal: 'a' }, { literal: 'b' }]))).toEqual(
      inSet('name', ['ab']),
    );
    expect(simplifyFilter(and())).toEqual({ kind: 'all' });
    expect(simplifyFilter(or())).toEqual({ kind: 'none' });
  });

  it('keeps the meaning of every filter (per-item leaves included)', () => {
    fc.assert(
      fc.property(filterArb, subjectArb, fc.boolean(), (filter, subject, itemAnswer) => {
        const decide = () => itemAnswer;
        const simple = simplifyFilter(filter);
        expect(matches(simple, subject, decide)).toBe(matches(filter, subject, decide));
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        const once = simplifyFilter(filter);
        expect(simplifyFilter(once)).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });
});
