import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConstraint } from './constraint.js';
import { resolveVersion } from './resolve.js';
import { createTagIndex } from './tag-index.js';
import { parseVersion } from './version.js';

// The index must be indistinguishable from `resolveVersion`, whose own property test
// checks it against a reference. Numbers go up to 12 so that binary searches and early
// stops have long runs to cut; spellings, duplicates and garbage test the tie-breaks.

const num = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 }));
const preRelease = fc.constantFrom('rc1', 'rc.2', 'rc.10', 'beta', '1', '2.a', 'dev.7', 'RC1');
const versionText = fc
  .record({
    v: fc.boolean(),
    core: fc.array(num, { minLength: 3, maxLength: 4 }),
    pre: fc.option(preRelease, { freq: 3 }),
  })
  .map(({ v, core, pre }) => `${v ? 'v' : ''}${core.join('.')}${pre ? `-${pre}` : ''}`);
const garbage = fc.constantFrom('latest', 'main-abc123', '1.2', '01.2.3', 'v', '1.2.3-rc.01', '');

function respell(tag: string, how: number): string {
  const dash = tag.indexOf('-');
  const [core, pre] = dash < 0 ? [tag, ''] : [tag.slice(0, dash), tag.slice(dash)];
  if (how === 0 && core.split('.').length === 3) return `${core}.0${pre}`;
  if (how === 1 && core.endsWith('.0') && core.split('.').length === 4) {
    return `${core.slice(0, -2)}${pre}`;
  }
  return tag.startsWith('v') ? tag.slice(1) : `v${tag}`;
}

const tagList = fc
  .array(fc.oneof({ weight: 5, arbitrary: versionText }, { weight: 1, arbitrary: garbage }), {
    maxLength: 60,
  })
  .chain((tags) =>
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 })), { maxLength: 15 }).map((picks) =>
      tags.length === 0
        ? tags
        : [
            ...tags,
            // A respelling of an earlier tag, or the same tag again (a duplicate).
            ...picks.map(([i, how]) => {
              const tag = tags[i % tags.length]!;
              return how === 3 ? tag : respell(tag, how);
            }),
          ],
    ),
  );

const boundText = fc
  .record({
    core: fc.array(num, { minLength: 1, maxLength: 4 }),
    pre: fc.option(preRelease, { freq: 3 }),
  })
  .map(({ core, pre }) => `${core.join('.')}${pre && core.length >= 3 ? `-${pre}` : ''}`);

const constraintText = fc.oneof(
  fc.constantFrom('*', 'latest'),
  versionText,
  boundText.map((b) => `^${b}`),
  fc
    .record({
      fixed: fc.array(num, { maxLength: 3 }),
      extra: fc.integer({ min: 0, max: 4 }),
      wildcard: fc.constantFrom('x', 'X', '*'),
    })
    .filter(({ fixed, extra }) => fixed.length + extra > 0)
    .map(({ fixed, extra, wildcard }) =>
      [...fixed, ...Array<string>(Math.min(extra, 4 - fixed.length)).fill(wildcard)].join('.'),
    ),
  fc
    .array(fc.tuple(fc.constantFrom('>=', '>', '<=', '<', '='), boundText), {
      minLength: 1,
      maxLength: 3,
    })
    .map((comparators) => comparators.map(([op, b]) => `${op}${b}`).join(', ')),
);

/** Constraints built around a tag of the list, so that bounds land exactly on versions. */
function nearTag(tags: readonly string[]): fc.Arbitrary<string> {
  const versions = tags.filter((tag) => parseVersion(tag)).map((tag) => tag.replace(/^v/, ''));
  if (versions.length === 0) return constraintText;
  return fc
    .tuple(
      fc.constantFrom(...versions),
      fc.constantFrom('=', '>=', '>', '<=', '<', '^', 'x'),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
    )
    .map(([version, op, keep, stripPre]) => {
      const text = stripPre ? version.replace(/-.*/, '') : version;
      if (op === 'x') return `${text.split(/[.-]/).slice(0, keep).join('.')}.x`;
      return `${op}${text}`;
    });
}

describe('createTagIndex against resolveVersion', () => {
  it('generates constraints that parse', () => {
    fc.assert(
      fc.property(constraintText, (text) => {
        expect(readConstraint(text).ok).toBe(true);
      }),
    );
  });

  it('resolves every constraint exactly as resolveVersion does', () => {
    fc.assert(
      fc.property(
        tagList.chain((tags) =>
          fc.tuple(
            fc.constant(tags),
            fc.array(fc.oneof(constraintText, nearTag(tags)), { minLength: 1, maxLength: 8 }),
          ),
        ),
        ([tags, cs]) => {
          const index = createTagIndex(tags);
          expect(index.size).toBe(tags.length);
          for (const c of cs) expect(index.resolve(c)).toEqual(resolveVersion(c, tags));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds the tags it holds when pinned, under either spelling', () => {
    fc.assert(
      fc.property(tagList, fc.nat(), (tags, i) => {
        fc.pre(tags.length > 0);
        const tag = tags[i % tags.length]!;
        if (!parseVersion(tag)) return;
        const index = createTagIndex(tags);
        for (const c of [tag, respell(tag, 2)]) {
          expect(index.resolve(c)).toEqual(resolveVersion(c, tags));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
