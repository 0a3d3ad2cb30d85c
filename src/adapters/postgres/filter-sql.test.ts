import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL,
  and,
  inSet,
  isStatic,
  like,
  likeMatches,
  matches,
  not,
  or,
  PER_ITEM,
  type EnvironmentFilter,
  type FilterSubject,
} from '../../domain/policy/environment-filter.js';
import { filterArb, subjectArb } from '../../../test/access/filter-arbitraries.js';
import {
  compileFilter,
  escapeLikeLiteral,
  indexBranches,
  likePatternSql,
  totalValues,
} from './filter-sql.js';

/** SQL `LIKE … ESCAPE '\'` in JS: the reference the compiled patterns are checked against. */
function sqlLike(pattern: string, text: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === '\\') source += escapeRegExp(pattern[++index] ?? '');
    else if (character === '%') source += '[\\s\\S]*';
    else if (character === '_') source += '[\\s\\S]';
    else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`, 'u').test(text);
}
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Evaluates the compiled expression for one subject by rewriting its few SQL forms into
 * JS: a check of the compiler's structure (precedence, NOT, empty sets) without a server.
 */
function evaluateSql(
  compiled: { sql: string; params: unknown[] },
  offset: number,
  subject: FilterSubject,
): boolean {
  const param = (n: string): string => `p[${Number(n) - 1 - offset}]`;
  const js = compiled.sql
    .replace(/(\w+) = ANY\(\$(\d+)::text\[\]\)/g, (_m, column: string, n: string) => {
      return `${param(n)}.includes(s.${column})`;
    })
    .replace(/(\w+) LIKE \$(\d+) ESCAPE '\\'/g, (_m, column: string, n: string) => {
      return `like(${param(n)}, s.${column})`;
    })
    .replace(/\bNOT /g, '!')
    .replace(/ AND /g, ' && ')
    .replace(/ OR /g, ' || ')
    .replace(/\bTRUE\b/g, 'true')
    .replace(/\bFALSE\b/g, 'false')
    .replace(/\bis_static\b/g, 's.is_static');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a test-only evaluator of generated text
  const run = new Function('p', 's', 'like', `return (${js});`) as (
    p: unknown[],
    s: Record<string, unknown>,
    like: typeof sqlLike,
  ) => boolean;
  return run(compiled.params, { ...subject, is_static: subject.static }, sqlLike);
}

describe('compileFilter', () => {
  it('translates Cedar like patterns to LIKE with escaped literals', () => {
    expect(likePatternSql(['*', { literal: '50%_a\\b' }, '*'])).toBe('%50\\%\\_a\\\\b%');
    expect(escapeLikeLiteral('plain')).toBe('plain');
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant('*' as const),
            fc.stringMatching(/^[ab%_\\]{1,3}$/).map((literal) => ({ literal })),
          ),
          { maxLength: 5 },
        ),
        fc.stringMatching(/^[ab%_\\]{0,6}$/),
        (pattern, text) => {
          expect(sqlLike(likePatternSql(pattern), text)).toBe(likeMatches(pattern, text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('binds every value as a parameter numbered from the offset', () => {
    const filter = and(
      inSet('pool', ["x'; DROP TABLE claim_index_environments; --", 'b']),
      like('name', [{ literal: "o'brien" }, '*']),
      not(isStatic(true)),
    );
    const compiled = compileFilter(filter, { perItem: true, offset: 3 });
    expect(compiled.sql).toBe(
      "(pool = ANY($4::text[]) AND name LIKE $5 ESCAPE '\\' AND (NOT is_static))",
    );
    expect(compiled.params).toEqual([
      ['b', "x'; DROP TABLE claim_index_environments; --"],
      "o'brien%",
    ]);
  });

  it('reads per-item as the side the caller picks, and empty sets and lists as constants', () => {
    expect(compileFilter(PER_ITEM, { perItem: true }).sql).toBe('TRUE');
    expect(compileFilter(not(PER_ITEM), { perItem: false }).sql).toBe('(NOT FALSE)');
    expect(compileFilter(inSet('type', []), { perItem: true }).sql).toBe('FALSE');
    expect(compileFilter(and(), { perItem: true }).sql).toBe('TRUE');
    expect(compileFilter(or(), { perItem: true }).sql).toBe('FALSE');
  });

  it('agrees with matches for every filter and subject, per-item on either side', () => {
    fc.assert(
      fc.property(
        filterArb,
        subjectArb,
        fc.boolean(),
        fc.nat(5),
        (filter: EnvironmentFilter, subject, answer, offset) => {
          const compiled = compileFilter(filter, { perItem: answer, offset });
          expect(evaluateSql(compiled, offset, subject)).toBe(
            matches(filter, subject, () => answer),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('indexBranches', () => {
  it('reads a collaborator of a few pools, and their own sue, as one range per pool and one per owner', () => {
    const pools = ['pool-0000', 'pool-0100', 'pool-0200'];
    const filter = or(inSet('pool', pools), and(inSet('type', ['sue']), inSet('owner', ['me'])));
    expect(indexBranches(filter, 32)).toEqual([
      { field: 'pool', values: pools, filter: ALL },
      { field: 'owner', values: ['me'], filter: inSet('type', ['sue']) },
    ]);
    expect(indexBranches(filter, 3)).toBeUndefined();
  });

  it('has no ranges where an allowed item may lie outside every indexed set', () => {
    expect(indexBranches(ALL, 32)).toBeUndefined();
    expect(indexBranches(or(inSet('pool', ['a']), isStatic(true)), 32)).toBeUndefined();
    expect(indexBranches(not(inSet('pool', ['a'])), 32)).toBeUndefined();
    expect(indexBranches(and(PER_ITEM, like('name', ['*'])), 32)).toBeUndefined();
    expect(indexBranches(inSet('pool', []), 32)).toEqual([]);
    expect(indexBranches(and(isStatic(false), inSet('owner', ['a']), PER_ITEM), 32)).toEqual([
      { field: 'owner', values: ['a'], filter: and(isStatic(false), PER_ITEM) },
    ]);
  });

  it('matches exactly what the filter matches, per-item on either side, within maxValues', () => {
    fc.assert(
      fc.property(
        filterArb,
        subjectArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        (filter: EnvironmentFilter, subject, answer, maxValues) => {
          const branches = indexBranches(filter, maxValues);
          if (branches === undefined) return;
          expect(totalValues(branches)).toBeLessThanOrEqual(maxValues);
          const inBranches = branches.some(
            (branch) =>
              branch.values.includes(subject[branch.field]) &&
              matches(branch.filter, subject, () => answer),
          );
          expect(inBranches).toBe(matches(filter, subject, () => answer));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
