import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConstraint } from './constraint.js';
import { resolveVersion } from './resolve.js';
import { compareVersions, parseVersion } from './version.js';

// A reference written from the README's rules, sharing no code with the implementation:
// constraints are generated as plain data and rendered to text for the real parser.

type Ref = { core: number[]; pre: string[]; v: boolean; len: number };
type RefBound = { core: number[]; pre: string[] };
type RefConstraint =
  | { kind: 'any'; text: string }
  | { kind: 'anchored'; text: string }
  | { kind: 'caret'; text: string; bound: RefBound }
  | { kind: 'pattern'; text: string; fixed: number[] }
  | { kind: 'range'; text: string; comparators: { op: string; bound: RefBound }[] };

function refParse(tag: string): Ref | undefined {
  const v = tag.startsWith('v');
  const body = v ? tag.slice(1) : tag;
  const dash = body.indexOf('-');
  const core = (dash < 0 ? body : body.slice(0, dash)).split('.');
  const pre = dash < 0 ? [] : body.slice(dash + 1).split('.');
  if (core.length < 3 || core.length > 4) return undefined;
  if (!core.every((part) => /^(0|[1-9][0-9]*)$/.test(part))) return undefined;
  const numbers = core.map(Number);
  while (numbers.length < 4) numbers.push(0);
  return { core: numbers, pre, v, len: core.length };
}

function pad(core: number[]): number[] {
  return [...core, 0, 0, 0, 0].slice(0, 4);
}

function refCompare(a: RefBound, b: RefBound): number {
  const [x, y] = [pad(a.core), pad(b.core)];
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [p, q] = [a.pre[i]!, b.pre[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^[0-9]+$/.test(p), /^[0-9]+$/.test(q)];
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

const OPS: Record<string, (order: number) => boolean> = {
  '>=': (o) => o >= 0,
  '>': (o) => o > 0,
  '<=': (o) => o <= 0,
  '<': (o) => o < 0,
  '=': (o) => o === 0,
};

function refSatisfies(c: RefConstraint, tag: string): boolean {
  const t = refParse(tag);
  if (!t) return false;
  if (c.kind === 'anchored') return tag.replace(/^v/, '') === c.text.replace(/^v/, '');
  const bounds =
    c.kind === 'caret' ? [c.bound] : c.kind === 'range' ? c.comparators.map((x) => x.bound) : [];
  if (t.pre.length > 0) {
    const named = bounds.some(
      (b) => b.pre.length > 0 && pad(b.core).join('.') === t.core.join('.'),
    );
    if (!named) return false;
  }
  if (c.kind === 'any') return true;
  if (c.kind === 'caret') return refCompare(t, c.bound) >= 0;
  if (c.kind === 'pattern') return c.fixed.every((n, i) => t.core[i] === n);
  return c.comparators.every(({ op, bound }) => OPS[op]!(refCompare(t, bound)));
}

function refResolve(c: RefConstraint, tags: string[]): string | undefined {
  if (c.kind === 'anchored' && tags.includes(c.text)) return c.text;
  const ranked = tags
    .filter((tag) => refSatisfies(c, tag))
    .map((tag) => ({ tag, ref: refParse(tag)! }))
    .sort(
      (a, b) =>
        -refCompare(a.ref, b.ref) || Number(b.ref.v) - Number(a.ref.v) || a.ref.len - b.ref.len,
    );
  return ranked[0]?.tag;
}

const num = fc.integer({ min: 0, max: 3 });
const preRelease = fc.constantFrom('rc1', 'rc.2', 'rc.10', 'beta', '1', '2.a', 'alpha.1');
const versionTag = fc
  .record({
    v: fc.boolean(),
    core: fc.array(num, { minLength: 3, maxLength: 4 }),
    pre: fc.option(preRelease, { freq: 3 }),
  })
  .map(({ v, core, pre }) => `${v ? 'v' : ''}${core.join('.')}${pre ? `-${pre}` : ''}`);
/** Another spelling of the same version: `v` toggled, or `.0` added to a 3-part core. */
function respell(tag: string, addZero: boolean): string {
  const dash = tag.indexOf('-');
  const [core, pre] = dash < 0 ? [tag, ''] : [tag.slice(0, dash), tag.slice(dash)];
  if (addZero && core.split('.').length === 3) return `${core}.0${pre}`;
  return tag.startsWith('v') ? tag.slice(1) : `v${tag}`;
}
// Spelling variants are added on purpose: they are where the ambiguity rules apply.
const tagList = fc
  .array(fc.oneof(versionTag, fc.constantFrom('latest', 'main-abc123')), { maxLength: 20 })
  .chain((tags) =>
    fc
      .subarray(tags.filter((tag) => parseVersion(tag)))
      .chain((picked) =>
        fc
          .array(fc.boolean(), { minLength: picked.length, maxLength: picked.length })
          .map((zeros) => [...tags, ...picked.map((tag, i) => respell(tag, zeros[i]!))]),
      ),
  );

const bound = fc
  .record({
    core: fc.array(num, { minLength: 1, maxLength: 4 }),
    pre: fc.option(preRelease, { freq: 3 }),
  })
  .map(({ core, pre }) => ({
    core,
    pre: pre && core.length >= 3 ? pre.split('.') : [],
  }));
const boundText = (b: RefBound) =>
  `${b.core.join('.')}${b.pre.length ? `-${b.pre.join('.')}` : ''}`;

const constraint: fc.Arbitrary<RefConstraint> = fc.oneof(
  fc.constantFrom('*', 'latest').map((text) => ({ kind: 'any' as const, text })),
  versionTag.map((text) => ({ kind: 'anchored' as const, text })),
  bound.map((b) => ({ kind: 'caret' as const, text: `^${boundText(b)}`, bound: b })),
  fc
    .record({
      fixed: fc.array(num, { maxLength: 3 }),
      extra: fc.integer({ min: 1, max: 4 }),
      wildcard: fc.constantFrom('x', 'X', '*'),
    })
    .map(({ fixed, extra, wildcard }) => {
      const stars = Array<string>(Math.min(extra, 4 - fixed.length)).fill(wildcard);
      return { kind: 'pattern' as const, text: [...fixed, ...stars].join('.'), fixed };
    }),
  fc
    .array(fc.record({ op: fc.constantFrom(...Object.keys(OPS)), bound }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((comparators) => ({
      kind: 'range' as const,
      text: comparators.map(({ op, bound: b }) => `${op}${boundText(b)}`).join(', '),
      comparators,
    })),
);

describe('resolveVersion against the reference', () => {
  it('parses every generated constraint as its kind', () => {
    fc.assert(
      fc.property(constraint, (c) => {
        const result = readConstraint(c.text);
        // A lone `*` is the any-release form, which a pattern of only wildcards equals.
        expect(result.ok && result.constraint.kind).toBe(c.text === '*' ? 'any' : c.kind);
      }),
    );
  });

  it('picks what the reference picks', () => {
    fc.assert(
      fc.property(constraint, tagList, (c, tags) => {
        const result = resolveVersion(c.text, tags);
        expect(result.ok ? result.tag : undefined).toBe(refResolve(c, tags));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order of the tags', () => {
    const shuffled = tagList.chain((tags) =>
      fc.tuple(
        fc.constant(tags),
        fc.shuffledSubarray(tags, { minLength: tags.length, maxLength: tags.length }),
      ),
    );
    fc.assert(
      fc.property(constraint, shuffled, (c, [tags, permuted]) => {
        expect(resolveVersion(c.text, permuted)).toEqual(resolveVersion(c.text, tags));
      }),
      { numRuns: 1000 },
    );
  });

  it('orders versions as the reference does', () => {
    fc.assert(
      fc.property(versionTag, versionTag, (a, b) => {
        expect(compareVersions(parseVersion(a)!, parseVersion(b)!)).toBe(
          refCompare(refParse(a)!, refParse(b)!),
        );
      }),
    );
  });
});
