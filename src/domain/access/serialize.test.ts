import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entriesByKey, sortedUnique, toJson, toJsonInSlices } from './serialize.js';

// toJsonInSlices must write exactly what toJson writes: the IdP and Keycloak files in every
// GitOps repository already hold those bytes.

const text = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', '"', '\\', '\n', '\u2028', '\ud800', 'é🙂', '0', '17', 'groups', '__proto__'),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.constantFrom(true, false, null, 1.5, undefined),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(text, tie('node'), { maxKeys: 4 }),
  ),
})).node;
/** A key that can come last in an object: integer-like keys are ordered first. */
const lastKey = text.filter((key) => !/^(?:0|[1-9]\d*)$/.test(key));

describe('toJsonInSlices', () => {
  it('writes the bytes toJson writes for the whole document, lists of any length', () => {
    fc.assert(
      fc.property(
        fc.dictionary(text, value, { maxKeys: 4 }),
        lastKey,
        // Up to several slices of 64, with the lengths around a slice's end most likely.
        fc.oneof(
          fc.array(value, { maxLength: 3 }),
          fc.integer({ min: 62, max: 200 }).map((length) => Array.from({ length }, (_, i) => i)),
          fc.array(value, { minLength: 60, maxLength: 140 }),
        ),
        (head, key, items) => {
          fc.pre(!Object.hasOwn(head, key));
          // The item function sees each item once, in order.
          const seen: unknown[] = [];
          const wrap = (item: unknown): unknown => {
            seen.push(item);
            return { item, index: seen.length, missing: undefined };
          };
          const expected = toJson({
            ...head,
            [key]: items.map((item, index) => ({ item, index: index + 1, missing: undefined })),
          });
          expect(toJsonInSlices(head, key, items, wrap)).toBe(expected);
          expect(seen).toEqual(items);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a key that would not come last', () => {
    expect(() => toJsonInSlices({ users: 1 }, 'users', [], (x) => x)).toThrow(TypeError);
    expect(() => toJsonInSlices({ a: 1 }, '7', [], (x) => x)).toThrow(TypeError);
  });
});

describe('sortedUnique', () => {
  // Lists that are sorted and unique already take a shortcut: the result must not tell.
  const list = fc.oneof(
    fc.array(text, { maxLength: 12 }),
    fc.array(text, { maxLength: 12 }).map((items) => [...new Set(items)].sort()),
    // Sorted, with its first value twice in a row.
    fc
      .array(text, { minLength: 1, maxLength: 12 })
      .map((items) =>
        [...new Set(items)].sort().flatMap((item, i) => (i === 0 ? [item, item] : [item])),
      ),
  );

  it('is the sorted list of the distinct values, in code-unit order, as a new array', () => {
    fc.assert(
      fc.property(list, (items) => {
        const before = [...items];
        const result = sortedUnique(items);
        expect(result).toEqual([...new Set(before)].sort());
        expect(result).not.toBe(items);
        expect(items).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('reads any iterable, a Set included', () => {
    expect(sortedUnique(new Set(['b', 'a']))).toEqual(['a', 'b']);
    expect(sortedUnique(['a', 'a'])).toEqual(['a']);
    expect(sortedUnique(['B', 'a', 'é', 'Z'])).toEqual(['B', 'Z', 'a', 'é']);
  });
});

describe('entriesByKey', () => {
  it("is the map's entries in code-unit order of their keys, whatever order they were added in", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(text, fc.integer()), { selector: ([key]) => key, maxLength: 12 }),
        fc.boolean(),
        (entries, sortFirst) => {
          const added = sortFirst ? [...entries].sort(([a], [b]) => (a < b ? -1 : 1)) : entries;
          const expected = [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
          expect([...entriesByKey(new Map(added))]).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
