import { describe, expect, it } from 'vitest';
import { compareVersions, isPreRelease, parseVersion, type Version } from './version.js';

function version(tag: string): Version {
  const parsed = parseVersion(tag);
  if (!parsed) throw new TypeError(`not a version: ${tag}`);
  return parsed;
}

describe('parseVersion', () => {
  it.each([
    ['v1.2.3', true, [1, 2, 3], []],
    ['1.2.3', false, [1, 2, 3], []],
    ['1.2.3.4', false, [1, 2, 3, 4], []],
    ['v0.0.0.0', true, [0, 0, 0, 0], []],
    ['v1.2.3-rc1', true, [1, 2, 3], ['rc1']],
    ['1.2.3-rc.2', false, [1, 2, 3], ['rc', 2]],
    ['1.2.3.4-beta', false, [1, 2, 3, 4], ['beta']],
    ['1.2.3-0.alpha-1.x', false, [1, 2, 3], [0, 'alpha-1', 'x']],
    ['10.20.30', false, [10, 20, 30], []],
  ])('parses %s', (tag, prefixed, parts, preRelease) => {
    expect(parseVersion(tag)).toEqual({ tag, prefixed, parts, preRelease });
  });

  it.each([
    'latest',
    'main-abc123',
    '',
    'v',
    '1',
    '1.2',
    'v1.2',
    '1.2.3.4.5',
    '01.2.3',
    '1.02.3',
    'V1.2.3',
    'vv1.2.3',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3-',
    '1.2.3-rc..1',
    '1.2.3-rc.01',
    '1.2.3+build',
    '1.2.x',
    '99999999999999999.0.0',
  ])('returns undefined for %j', (tag) => {
    expect(parseVersion(tag)).toBeUndefined();
  });
});

describe('compareVersions', () => {
  // Each row is ascending: every tag sorts strictly before the next.
  it.each([
    [['1.0.0', '1.0.0.1', '1.0.1', '1.1.0', '2.0.0', '10.0.0']],
    // SemVer 2.0 §11.4's own example.
    [
      [
        '1.0.0-alpha',
        '1.0.0-alpha.1',
        '1.0.0-alpha.beta',
        '1.0.0-beta',
        '1.0.0-beta.2',
        '1.0.0-beta.11',
        '1.0.0-rc.1',
        '1.0.0',
      ],
    ],
    [['1.2.3-1', '1.2.3-2', '1.2.3-10', '1.2.3-a', '1.2.3-rc1', '1.2.3-rc2', '1.2.3']],
    [['1.2.3-RC1', '1.2.3-rc1']],
    [['1.2.3.0-rc1', '1.2.3', '1.2.3.1-rc1', '1.2.3.1']],
  ])('orders %j', (tags) => {
    const versions = tags.map(version);
    for (let i = 0; i + 1 < versions.length; i++) {
      expect(compareVersions(versions[i]!, versions[i + 1]!)).toBe(-1);
      expect(compareVersions(versions[i + 1]!, versions[i]!)).toBe(1);
    }
  });

  it.each([
    ['v1.2.3', '1.2.3'],
    ['1.2.3', '1.2.3.0'],
    ['v1.2.3-rc.1', '1.2.3.0-rc.1'],
  ])('treats %s and %s as equal', (a, b) => {
    expect(compareVersions(version(a), version(b))).toBe(0);
  });
});

describe('isPreRelease', () => {
  it('is true only with a pre-release suffix', () => {
    expect(isPreRelease(version('1.2.3-rc1'))).toBe(true);
    expect(isPreRelease(version('1.2.3'))).toBe(false);
  });
});
