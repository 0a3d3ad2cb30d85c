import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseConstraint } from './constraint.js';
import { resolveVersion } from './resolve.js';
import { createTagIndex } from './tag-index.js';

const tags = [
  'latest',
  'main-abc123',
  'v1.0.0',
  '1.2.0',
  'v1.2.3',
  '1.2.3',
  '1.2.3.0',
  '1.3.0-rc1',
  '1.9.0.5',
  'v2.0.0-rc.1',
  '2.0.0-rc.2',
  '1.2.0',
];

describe('createTagIndex', () => {
  const index = createTagIndex(tags);

  it('counts every tag given, duplicates and non-versions included', () => {
    expect(index.size).toBe(tags.length);
  });

  it.each([
    ['^1.0.0.0', '1.9.0.5'],
    ['*', '1.9.0.5'],
    ['latest', '1.9.0.5'],
    ['1.2.x', 'v1.2.3'],
    ['1.x.x.x', '1.9.0.5'],
    ['x', '1.9.0.5'],
    ['>=1.0.0, <1.9.0', 'v1.2.3'],
    ['<=1.2.3.0', 'v1.2.3'],
    ['>=2.0.0-rc.1', '2.0.0-rc.2'],
    ['<2.0.0-rc.2', 'v2.0.0-rc.1'],
    ['=1.3.0-rc1', '1.3.0-rc1'],
    ['<1.2.3', '1.2.0'],
    ['1.2.3', '1.2.3'],
    ['v1.2.3', 'v1.2.3'],
    ['1.0.0', 'v1.0.0'],
    ['v2.0.0-rc.2', '2.0.0-rc.2'],
  ])('resolves %s to %s, as resolveVersion does', (constraint, tag) => {
    expect(index.resolve(constraint)).toMatchObject({ ok: true, tag });
    expect(index.resolve(constraint)).toEqual(resolveVersion(constraint, tags));
  });

  it('accepts a parsed constraint', () => {
    expect(index.resolve(parseConstraint('1.2.x'))).toMatchObject({ ok: true, tag: 'v1.2.3' });
  });

  it.each(['1.2.0.0', 'v1.2.4', '^3', '>=2, <1', '0.x', '>1.9.0.5', '=1.2.1'])(
    'misses %s with the same reason and message as resolveVersion',
    (constraint) => {
      const result = index.resolve(constraint);
      expect(result.ok).toBe(false);
      expect(result).toEqual(resolveVersion(constraint, tags));
    },
  );

  it('counts the tags given in a no-match message', () => {
    expect(index.resolve('^3')).toEqual({
      ok: false,
      reason: 'no-match',
      message: `no tag satisfies '^3' among 12 tags`,
    });
    expect(createTagIndex([]).resolve('*')).toEqual(resolveVersion('*', []));
  });

  it('throws InputError for a malformed constraint string', () => {
    expect(() => index.resolve('~1')).toThrow(InputError);
  });

  it('walks past pre-releases that a release-only constraint cannot take', () => {
    const many = [...Array.from({ length: 50 }, (_, i) => `9.0.0-rc.${i}`), '1.0.0'];
    expect(createTagIndex(many).resolve('*')).toMatchObject({ ok: true, tag: '1.0.0' });
  });

  it('is independent of the order of the tags', () => {
    const reversed = createTagIndex([...tags].reverse());
    for (const constraint of ['*', '1.2.x', '>=1.2.3-rc.1', 'v1.2.3']) {
      expect(reversed.resolve(constraint)).toEqual(index.resolve(constraint));
    }
  });
});
