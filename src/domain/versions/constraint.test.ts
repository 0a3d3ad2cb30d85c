import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseConstraint, readConstraint } from './constraint.js';

describe('readConstraint: accepted forms', () => {
  it.each([
    ['*', { kind: 'any', text: '*' }],
    ['latest', { kind: 'any', text: 'latest' }],
    ['  latest ', { kind: 'any', text: 'latest' }],
    [
      '^1.0.0.0',
      { kind: 'caret', text: '^1.0.0.0', bound: { parts: [1, 0, 0, 0], preRelease: [] } },
    ],
    ['^1', { kind: 'caret', text: '^1', bound: { parts: [1], preRelease: [] } }],
    ['^v1.2', { kind: 'caret', text: '^v1.2', bound: { parts: [1, 2], preRelease: [] } }],
    [
      '^1.2.3-rc.1',
      { kind: 'caret', text: '^1.2.3-rc.1', bound: { parts: [1, 2, 3], preRelease: ['rc', 1] } },
    ],
    ['1.x.x.x', { kind: 'pattern', text: '1.x.x.x', fixed: [1] }],
    ['1.2.x', { kind: 'pattern', text: '1.2.x', fixed: [1, 2] }],
    ['1.2.X', { kind: 'pattern', text: '1.2.X', fixed: [1, 2] }],
    ['1.*', { kind: 'pattern', text: '1.*', fixed: [1] }],
    ['v2.x', { kind: 'pattern', text: 'v2.x', fixed: [2] }],
    ['1.2', { kind: 'pattern', text: '1.2', fixed: [1, 2] }],
    ['1.2.3.x', { kind: 'pattern', text: '1.2.3.x', fixed: [1, 2, 3] }],
    ['x', { kind: 'pattern', text: 'x', fixed: [] }],
    [
      '>=1.2.0, <2.0.0',
      {
        kind: 'range',
        text: '>=1.2.0, <2.0.0',
        comparators: [
          { operator: '>=', bound: { parts: [1, 2, 0], preRelease: [] } },
          { operator: '<', bound: { parts: [2, 0, 0], preRelease: [] } },
        ],
      },
    ],
    [
      '> 1,<=v3.1.0.2-rc1,=2.0.0',
      {
        kind: 'range',
        text: '> 1,<=v3.1.0.2-rc1,=2.0.0',
        comparators: [
          { operator: '>', bound: { parts: [1], preRelease: [] } },
          { operator: '<=', bound: { parts: [3, 1, 0, 2], preRelease: ['rc1'] } },
          { operator: '=', bound: { parts: [2, 0, 0], preRelease: [] } },
        ],
      },
    ],
  ])('reads %j', (text, constraint) => {
    expect(readConstraint(text)).toEqual({ ok: true, constraint });
  });

  it.each(['v1.2.3', '1.2.3', '1.2.3.4', 'v1.2.3-rc1', '1.2.3-rc.2'])(
    'reads %s as an anchored tag',
    (text) => {
      const result = readConstraint(text);
      expect(result.ok && result.constraint.kind).toBe('anchored');
      expect(
        result.ok && result.constraint.kind === 'anchored' && result.constraint.version.tag,
      ).toBe(text);
    },
  );
});

describe('readConstraint: rejected forms', () => {
  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['main-abc123', "'main-abc123' is not a version"],
    ['stable', "'stable' is not a version"],
    ['1.2.3.4.5', "'1.2.3.4.5' has more than four numeric parts"],
    ['01.2.3', "'01' in '01.2.3' has a leading zero"],
    ['1.x.3', "'1.x.3': a number cannot follow a wildcard"],
    ['1.x-rc1', "'1.x-rc1': a pattern cannot name a pre-release"],
    ['1.2-rc1', "'1.2-rc1': a pre-release needs three or four numeric parts"],
    ['1.2.3-rc.01', "'1.2.3-rc.01': the pre-release must be identifiers"],
    ['1.2.3-', "'1.2.3-': the pre-release must be identifiers"],
    ['^', "'^' needs a version"],
    ['^1.x', "'1.x': '^' takes a version, not a wildcard"],
    ['^latest', "'latest' is not a version"],
    ['~1.2', "'~' is not supported"],
    ['>=', "'>=' needs a version"],
    ['>=1.2.0,', "'>=1.2.0,' has an empty comparator"],
    ['>=1.2.0 <2.0.0', "'>=1.2.0 <2.0.0': join comparators with commas"],
    ['^1.0 .0', "'1.0 .0': join comparators with commas"],
    ['1.2.0, <2', "'1.2.0' in a range needs an operator (>=, >, <=, <, =)"],
    ['=>1.0.0', "'=>1.0.0' in a range needs an operator"],
    ['!=1.0.0', "'!=1.0.0' in a range needs an operator"],
    ['<2.x', "'2.x': '<' takes a version, not a wildcard"],
  ])('rejects %j', (text, message) => {
    const result = readConstraint(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

describe('parseConstraint', () => {
  it('returns the constraint', () => {
    expect(parseConstraint('^1.0.0').kind).toBe('caret');
  });

  it('throws an InputError naming the field and the problem', () => {
    let thrown: unknown;
    try {
      parseConstraint('1.x.3', 'services.user-service');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).errors).toEqual([
      { path: 'services.user-service', message: "'1.x.3': a number cannot follow a wildcard" },
    ]);
  });
});
