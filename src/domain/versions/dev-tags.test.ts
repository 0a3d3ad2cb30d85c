import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { readConstraint, type Bound, type Constraint } from './constraint.js';
import {
  createStreamIndex,
  DEFAULT_DEV_TAG_PATTERN,
  devTagPattern,
  isDevTag,
  resolveInStream,
  selectTagStream,
} from './dev-tags.js';
import { comparePreference, resolveVersion } from './resolve.js';
import { compareVersions, parseVersion, type Version } from './version.js';

const tags = [
  'latest',
  'main-abc123',
  '1.3.0',
  '1.4.0-rc.1',
  '1.4.0-dev.7',
  '1.4.0-dev.10',
  'v1.4.0-dev.10',
  '1.5.0-dev.1',
  '2.0.0-dev.3',
  '1.4.0-SNAPSHOT',
];
const dev = { kind: 'dev' } as const;
const release = { kind: 'release' } as const;

describe('the default dev tag pattern', () => {
  it.each([
    '1.4.0-dev.7',
    'v1.4.0-dev7',
    '1.4.0-dev',
    '1.4.0-dev-abc123',
    '1.4.0-SNAPSHOT',
    '1.4.0-snapshot.20240105',
    '1.2.3.4-DEV.1',
  ])('takes %s', (tag) => expect(isDevTag(tag)).toBe(true));

  it.each(['1.4.0', '1.4.0-rc.1', '1.4.0-devops', 'dev-latest', 'main-dev.1', '1.4-dev.1'])(
    'leaves %s',
    (tag) => expect(isDevTag(tag)).toBe(false),
  );

  it('is the default of devTagPattern', () => {
    expect(devTagPattern().source).toBe(new RegExp(DEFAULT_DEV_TAG_PATTERN).source);
  });
});

describe('selectTagStream', () => {
  it('splits the tags into the two streams, keeping their order', () => {
    expect(selectTagStream(tags, dev)).toEqual([
      '1.4.0-dev.7',
      '1.4.0-dev.10',
      'v1.4.0-dev.10',
      '1.5.0-dev.1',
      '2.0.0-dev.3',
      '1.4.0-SNAPSHOT',
    ]);
    expect(selectTagStream(tags, release)).toEqual([
      'latest',
      'main-abc123',
      '1.3.0',
      '1.4.0-rc.1',
    ]);
  });

  it('takes a configured pattern for both streams', () => {
    const pattern = '^(.+)-dev\\.(\\d+)$';
    expect(selectTagStream(tags, { kind: 'dev', pattern })).toEqual([
      '1.4.0-dev.7',
      '1.4.0-dev.10',
      'v1.4.0-dev.10',
      '1.5.0-dev.1',
      '2.0.0-dev.3',
    ]);
    expect(selectTagStream(tags, { kind: 'release', pattern })).toContain('1.4.0-SNAPSHOT');
  });

  it('rejects a pattern that is not a regular expression', () => {
    expect(() => selectTagStream(tags, { kind: 'dev', pattern: '(' })).toThrow(InputError);
    const error = (() => {
      try {
        devTagPattern('[', 'versions.devTags.pattern');
      } catch (thrown) {
        return thrown as InputError;
      }
    })();
    expect(error?.errors).toHaveLength(1);
    expect(error?.errors[0]?.path).toBe('versions.devTags.pattern');
    expect(error?.errors[0]?.message).toMatch(/^'\[' is not a regular expression: /);
  });
});

describe('resolveInStream', () => {
  // The table in README.md, "Dev tags".
  it.each([
    ['*', ['1.4.0-dev.7', '1.5.0-dev.1', '2.0.0-dev.3'], '2.0.0-dev.3'],
    ['latest', ['1.4.0-dev.7', '1.5.0-dev.1', '2.0.0-dev.3'], '2.0.0-dev.3'],
    ['1.x', ['1.4.0-dev.7', '1.5.0-dev.1', '2.0.0-dev.3'], '1.5.0-dev.1'],
    ['>=1.2.0, <2.0.0', ['1.4.0-dev.7', '1.5.0-dev.1', '2.0.0-dev.3'], '1.5.0-dev.1'],
    ['^1.4.0', ['1.4.0-dev.7', '1.5.0-dev.1', '2.0.0-dev.3'], '2.0.0-dev.3'],
    ['1.4.x', ['1.4.0-dev.7', '1.4.0-dev.10', 'v1.4.0-dev.10'], 'v1.4.0-dev.10'],
    ['>=1.4.0-dev.8, <1.4.1', ['1.4.0-dev.7', '1.4.0-dev.10', 'v1.4.0-dev.10'], 'v1.4.0-dev.10'],
    ['<=1.4.0-dev.8', ['1.4.0-dev.7', '1.4.0-dev.10', 'v1.4.0-dev.10'], '1.4.0-dev.7'],
    ['v1.3.0', ['1.3.0', '1.4.0-dev.7'], '1.3.0'],
  ])('README: %s among %j picks %s', (constraint, list, tag) => {
    expect(resolveInStream(constraint, list, dev)).toMatchObject({ ok: true, tag });
  });

  describe('the dev stream: a dev tag stands for its numeric core', () => {
    it.each([
      ['*', '2.0.0-dev.3'],
      ['latest', '2.0.0-dev.3'],
      ['1.x', '1.5.0-dev.1'],
      // v first, then the highest pre-release: dev.10 is above dev.7 and SNAPSHOT.
      ['1.4.x', 'v1.4.0-dev.10'],
      ['^1.4.0', '2.0.0-dev.3'],
      ['>=1.2.0, <2.0.0', '1.5.0-dev.1'],
      ['<1.5.0', 'v1.4.0-dev.10'],
      ['=1.4.0', 'v1.4.0-dev.10'],
      // A bound naming a pre-release compares whole versions.
      ['>=1.4.0-dev.8, <1.4.1', 'v1.4.0-dev.10'],
      ['<=1.4.0-dev.8', '1.4.0-dev.7'],
      ['^1.4.0-dev.11', '2.0.0-dev.3'],
      ['>1.4.0-dev.10, <2', '1.5.0-dev.1'],
    ])('%s picks %s', (constraint, tag) => {
      expect(resolveInStream(constraint, tags, dev)).toMatchObject({ ok: true, tag });
    });

    it('looks pins up among all tags: a pin is a pin', () => {
      expect(resolveInStream('1.3.0', tags, dev)).toEqual(resolveVersion('1.3.0', tags));
      expect(resolveInStream('v1.4.0-dev.7', tags, dev)).toMatchObject({ tag: '1.4.0-dev.7' });
      expect(resolveInStream('1.4.0', tags, dev)).toMatchObject({ ok: false, reason: 'not-found' });
    });

    it('says when no dev tag matches', () => {
      expect(resolveInStream('3.x', tags, { kind: 'dev', pattern: '-dev\\.' })).toEqual({
        ok: false,
        reason: 'no-match',
        message: "no dev tag satisfies '3.x' among 5 dev tags (pattern /-dev\\./)",
      });
    });

    it('prefers a release to its dev builds when the pattern lets releases in', () => {
      const mixed = ['1.4.0-dev.10', '1.4.0', '1.5.0-dev.1'];
      expect(resolveInStream('1.4.x', mixed, { kind: 'dev', pattern: '.' })).toMatchObject({
        tag: '1.4.0',
      });
    });
  });

  describe('the release stream', () => {
    it('never picks a dev tag', () => {
      expect(resolveInStream('*', tags, release)).toMatchObject({ ok: true, tag: '1.3.0' });
      expect(resolveInStream('>=1.4.0-dev.1', tags, release)).toMatchObject({
        tag: '1.4.0-rc.1',
      });
      expect(resolveInStream('1.5.x', tags, release)).toEqual({
        ok: false,
        reason: 'no-match',
        message: "no tag satisfies '1.5.x' among 4 tags",
      });
    });

    it('still takes a pinned dev tag', () => {
      expect(resolveInStream('2.0.0-dev.3', tags, release)).toMatchObject({ ok: true });
    });

    it('is resolveVersion when there are no dev tags', () => {
      const plain = ['1.0.0', 'v1.2.0', '1.3.0-rc.1'];
      for (const c of ['*', '1.x', '>=1.3.0-rc.1', 'v1.0.0', '9.9.9']) {
        expect(resolveInStream(c, plain, release)).toEqual(resolveVersion(c, plain));
      }
    });
  });

  it('counts every tag given as its size', () => {
    expect(createStreamIndex(tags, dev).size).toBe(tags.length);
  });
});

// The dev rule written out plainly: filter, then sort, sharing no code with the index.
function devCompare(version: Version, bound: Bound): number {
  return compareVersions(
    bound.preRelease.length > 0 ? version : { ...version, preRelease: [] },
    bound,
  );
}
function devAccepts(c: Constraint, version: Version): boolean {
  if (c.kind === 'any') return true;
  if (c.kind === 'pattern') return c.fixed.every((n, i) => version.parts[i] === n);
  if (c.kind === 'caret') return devCompare(version, c.bound) >= 0;
  if (c.kind !== 'range') return false;
  return c.comparators.every(({ operator, bound }) => {
    const order = devCompare(version, bound);
    return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0, '=': order === 0 }[
      operator
    ];
  });
}
function devReference(text: string, all: readonly string[], pattern: RegExp): string | undefined {
  const c = (readConstraint(text) as { constraint: Constraint }).constraint;
  if (c.kind === 'anchored') {
    const result = resolveVersion(c, all);
    return result.ok ? result.tag : undefined;
  }
  const ranked = all
    .filter((tag) => pattern.test(tag))
    .map((tag) => parseVersion(tag))
    .filter((v): v is Version => v !== undefined && devAccepts(c, v))
    .sort((a, b) => compareVersions(b, a) || comparePreference(a, b));
  return ranked[0]?.tag;
}

const num = fc.integer({ min: 0, max: 6 });
const versionTag = fc
  .record({
    v: fc.boolean(),
    core: fc.array(num, { minLength: 3, maxLength: 4 }),
    pre: fc.option(fc.constantFrom('dev.1', 'dev.2', 'dev.10', 'SNAPSHOT', 'rc.1', 'dev'), {
      freq: 2,
    }),
  })
  .map(({ v, core, pre }) => `${v ? 'v' : ''}${core.join('.')}${pre ? `-${pre}` : ''}`);
const tagList = fc.array(fc.oneof(versionTag, fc.constantFrom('latest', 'dev-main')), {
  maxLength: 40,
});
const bound = fc
  .tuple(
    fc.array(num, { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom('dev.1', 'dev.5', 'rc.1'), { freq: 3 }),
  )
  .map(([core, pre]) => `${core.join('.')}${pre && core.length >= 3 ? `-${pre}` : ''}`);
const constraintText = fc.oneof(
  fc.constantFrom('*', 'latest', 'x', '1.x', '2.x', '1.2.x', '3.1.x', '0.x.x.x'),
  versionTag,
  bound.map((b) => `^${b}`),
  fc
    .array(fc.tuple(fc.constantFrom('>=', '>', '<=', '<', '='), bound), {
      minLength: 1,
      maxLength: 2,
    })
    .map((cs) => cs.map(([op, b]) => `${op}${b}`).join(', ')),
);

/** Constraints around the list's own versions, so that bounds land exactly on them. */
const withConstraints = tagList.chain((all) => {
  const versions = all.filter((tag) => parseVersion(tag)).map((tag) => tag.replace(/^v/, ''));
  const near =
    versions.length === 0
      ? constraintText
      : fc
          .tuple(
            fc.constantFrom(...versions),
            fc.constantFrom('=', '>=', '>', '<=', '<', '^', 'x'),
            fc.boolean(),
          )
          .map(([version, op, stripPre]) => {
            const text = stripPre ? version.replace(/-.*/, '') : version;
            if (op !== 'x') return `${op}${text}`;
            return `${text.replace(/-.*/, '').split('.').slice(0, 3).join('.')}.x`;
          });
  return fc.tuple(
    fc.constant(all),
    fc.array(fc.oneof(constraintText, near), { minLength: 1, maxLength: 6 }),
  );
});

describe('the streams against plain references', () => {
  it('dev: filters by the pattern and the dev rule, then takes the highest', () => {
    const pattern = devTagPattern();
    fc.assert(
      fc.property(withConstraints, ([all, cs]) => {
        const index = createStreamIndex(all, dev);
        for (const c of cs) {
          const result = index.resolve(c);
          expect(result.ok ? result.tag : undefined).toBe(devReference(c, all, pattern));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('release: resolveVersion over the release tags, pins over all tags', () => {
    fc.assert(
      fc.property(withConstraints, ([all, cs]) => {
        const releases = all.filter((tag) => !isDevTag(tag));
        const index = createStreamIndex(all, release);
        for (const c of cs) {
          const anchored = readConstraint(c).ok && parseVersion(c.trim()) !== undefined;
          expect(index.resolve(c)).toEqual(resolveVersion(c, anchored ? all : releases));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
