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
  type EnvironmentFilter,
  type FilterSubject,
} from '../../domain/policy/environment-filter.js';
import { filterArb, subjectArb } from '../../../test/access/filter-arbitraries.js';
import { compileFilter, escapeLikeLiteral, likePatternSql } from './filter-sql.js';

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
