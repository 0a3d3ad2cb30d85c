import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { matches, resolveVersion } from './resolve.js';

describe('matches', () => {
  // constraint, tags that match, tags that do not
  it.each([
    ['v1.2.3', ['v1.2.3', '1.2.3'], ['1.2.3.0', 'v1.2.4', 'v1.2.3-rc1', 'latest']],
    ['1.2.3.4', ['1.2.3.4', 'v1.2.3.4'], ['1.2.3', '1.2.3.5']],
    ['v1.2.3-rc1', ['v1.2.3-rc1', '1.2.3-rc1'], ['v1.2.3', 'v1.2.3-rc2', 'v1.2.3-RC1']],
    [
      '^1.0.0.0',
      ['1.0.0', 'v1.0.0.0', '1.5.2', '2.0.0', '17.0.0.1'],
      ['0.9.9', '1.0.0-rc1', '2.0.0-rc1'],
    ],
    ['^1.2', ['1.2.0', '1.3.0'], ['1.1.9', '1.2.0-rc1']],
    [
      '^1.2.3-rc.2',
      ['1.2.3-rc.2', '1.2.3-rc.10', '1.2.3', '1.2.3.0-rc.3', '2.0.0'],
      ['1.2.3-rc.1', '1.2.4-rc.1'],
    ],
    ['1.x.x.x', ['1.0.0', '1.9.9.9', 'v1.2.3'], ['2.0.0', '0.1.0', '1.2.3-rc1']],
    ['1.2.x', ['1.2.0', '1.2.9', '1.2.3.4'], ['1.3.0', '1.2.3-beta']],
    ['1.*', ['1.0.0', '1.99.0'], ['2.0.0']],
    ['1.2.3.x', ['1.2.3', '1.2.3.7'], ['1.2.4']],
    [
      '>=1.2.0, <2.0.0',
      ['1.2.0', '1.9.9.9', 'v1.5.0'],
      ['1.1.9', '2.0.0', '1.5.0-rc1', '2.0.0-rc1'],
    ],
    ['>1.2.0', ['1.2.0.1', '1.2.1'], ['1.2.0', '1.2.0.0']],
    ['<=1.2.0', ['1.2.0', '1.2.0.0', '0.0.1'], ['1.2.0.1']],
    ['=1.2.0', ['1.2.0', 'v1.2.0.0'], ['1.2.1']],
    [
      '>=1.2.0-rc.1, <2.0.0',
      ['1.2.0-rc.1', '1.2.0-rc.2', '1.2.0', '1.5.0'],
      ['1.2.0-beta', '1.5.0-rc.1'],
    ],
    ['<2.0.0-rc.2', ['1.9.0', '2.0.0-rc.1'], ['2.0.0-rc.2', '2.0.0', '1.9.0-rc.1']],
    ['*', ['0.0.1', 'v9.9.9.9'], ['1.0.0-rc1', 'latest', 'main-abc123']],
    ['latest', ['1.0.0'], ['1.0.0-rc1', 'latest']],
  ])('%s', (constraint, good, bad) => {
    for (const tag of good) expect([tag, matches(constraint, tag)]).toEqual([tag, true]);
    for (const tag of bad) expect([tag, matches(constraint, tag)]).toEqual([tag, false]);
  });

  it('throws InputError for a malformed constraint string', () => {
    expect(() => matches('1.x.3', '1.0.3')).toThrow(InputError);
  });
});

describe('resolveVersion', () => {
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
  ];

  it.each([
    ['^1.0.0.0', '1.9.0.5'],
    ['*', '1.9.0.5'],
    ['latest', '1.9.0.5'],
    ['1.2.x', 'v1.2.3'],
    ['1.x.x.x', '1.9.0.5'],
    ['>=1.0.0, <1.9.0', 'v1.2.3'],
    ['>=2.0.0-rc.1', '2.0.0-rc.2'],
    ['^1.3.0-rc1', '1.9.0.5'],
    ['=1.3.0-rc1', '1.3.0-rc1'],
    ['<1.2.3', '1.2.0'],
  ])('resolves %s to %s', (constraint, tag) => {
    expect(resolveVersion(constraint, tags)).toMatchObject({ ok: true, tag });
  });

  describe('anchored tags', () => {
    it('prefers the exact text', () => {
      expect(resolveVersion('1.2.3', tags)).toMatchObject({ ok: true, tag: '1.2.3' });
      expect(resolveVersion('v1.2.3', tags)).toMatchObject({ ok: true, tag: 'v1.2.3' });
    });

    it('falls back to the same tag with or without a leading v', () => {
      expect(resolveVersion('1.0.0', tags)).toMatchObject({ ok: true, tag: 'v1.0.0' });
      expect(resolveVersion('v1.2.0', tags)).toMatchObject({ ok: true, tag: '1.2.0' });
      expect(resolveVersion('v2.0.0-rc.2', tags)).toMatchObject({ ok: true, tag: '2.0.0-rc.2' });
    });

    it('does not fall back to another spelling of the version', () => {
      expect(resolveVersion('1.2.0.0', tags)).toEqual({
        ok: false,
        reason: 'not-found',
        message: "tag '1.2.0.0' does not exist (nor 'v1.2.0.0')",
      });
    });

    it('must exist', () => {
      expect(resolveVersion('v1.2.4', tags)).toEqual({
        ok: false,
        reason: 'not-found',
        message: "tag 'v1.2.4' does not exist (nor '1.2.4')",
      });
    });
  });

  describe('equal versions spelt differently', () => {
    it.each([
      [['1.2.3', 'v1.2.3', '1.2.3.0', 'v1.2.3.0'], 'v1.2.3'],
      [['1.2.3.0', '1.2.3', 'v1.2.3.0'], 'v1.2.3.0'],
      [['1.2.3.0', '1.2.3'], '1.2.3'],
      [['1.2.3-rc.1', 'v1.2.3.0-rc.1'], 'v1.2.3.0-rc.1'],
    ])('%j picks %s: v first, then three parts', (candidates, tag) => {
      expect(resolveVersion('>=1.2.3-rc.1', candidates)).toMatchObject({ ok: true, tag });
      expect(resolveVersion('>=1.2.3-rc.1', [...candidates].reverse())).toMatchObject({
        ok: true,
        tag,
      });
    });
  });

  it('reports when nothing matches', () => {
    expect(resolveVersion('^3', tags)).toEqual({
      ok: false,
      reason: 'no-match',
      message: `no tag satisfies '^3' among ${tags.length} tags`,
    });
    expect(resolveVersion('*', [])).toMatchObject({ ok: false, reason: 'no-match' });
    expect(resolveVersion('*', ['latest', '1.0.0-rc1'])).toMatchObject({ ok: false });
  });

  it('throws InputError for a malformed constraint string', () => {
    expect(() => resolveVersion('~1', tags)).toThrow(InputError);
  });
});
