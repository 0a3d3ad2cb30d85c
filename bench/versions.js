// Benchmark (issue 5): version resolution and rendering at scale, each beside a naive
// baseline in the same run. Figures are medians of 5 runs after a warm-up.
//   1. resolve — 1,000 constraints of every kind against one repository of 10,000 tags:
//      `resolveVersion(c, tags)` per constraint (re-reads every tag each time) vs. one
//      `createTagIndex(tags)` (build time counted in) and `index.resolve(c)`. Both must give
//      identical results, or the run exits 1.
//   2. render  — (appended below by the render half)
// Run: npm run bench:versions   (BENCH_SCALE=0.2 for a quick look: a fifth of the tags and constraints)
import { isDeepStrictEqual } from 'node:util';
import { cpus } from 'node:os';
import { readConstraint } from '../dist/domain/versions/constraint.js';
import { resolveVersion } from '../dist/domain/versions/resolve.js';
import { createTagIndex } from '../dist/domain/versions/tag-index.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = 5;

const count = (n) => n.toLocaleString('en-US');
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function time(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

/** A small seeded generator (mulberry32), so every run sees the same data. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

console.log(`versions: ${cpus().length} CPUs, Node ${process.version}`);

// ─── 1. resolve ──────────────────────────────────────────────────────────────────────────

const TAGS = Math.round(10_000 * SCALE);
const CONSTRAINTS = Math.round(1_000 * SCALE);

/**
 * One registry repository's tags: mostly `[v]M.m.p` with a quarter in four parts, 10 %
 * pre-releases (rc, beta, dev builds), 2 % respellings of an existing tag (`v` toggled, or
 * `.0` added), 1 % tags that are not versions (`latest`, `main-<sha>`). All distinct.
 */
function generateTags(rng) {
  const tags = new Set();
  const versions = [];
  while (tags.size < TAGS) {
    const roll = rng.next();
    if (roll < 0.01) {
      tags.add(tags.size % 7 === 0 ? 'latest' : `main-${rng.int(0xffffff).toString(16)}`);
      continue;
    }
    if (roll < 0.03 && versions.length > 0) {
      const tag = rng.pick(versions);
      const dash = tag.indexOf('-');
      const [core, pre] = dash < 0 ? [tag, ''] : [tag.slice(0, dash), tag.slice(dash)];
      tags.add(
        core.split('.').length === 3 && rng.next() < 0.5
          ? `${core}.0${pre}`
          : tag.startsWith('v')
            ? tag.slice(1)
            : `v${tag}`,
      );
      continue;
    }
    const parts = [rng.int(20), rng.int(30), rng.int(40)];
    if (rng.next() < 0.25) parts.push(rng.int(10));
    const pre = rng.next() < 0.1 ? `-${rng.pick(['rc', 'beta', 'dev'])}.${rng.int(12)}` : '';
    const tag = `${rng.next() < 0.5 ? 'v' : ''}${parts.join('.')}${pre}`;
    if (!tags.has(tag)) versions.push(tag);
    tags.add(tag);
  }
  return [...tags];
}

/** Constraints of every kind, in turn; some are meant to miss. */
function generateConstraints(rng, tags) {
  const versions = tags.filter((tag) => /^v?\d/.test(tag));
  const core = (tag) => tag.replace(/^v/, '').replace(/-.*/, '');
  const M = () => rng.int(22);
  const makers = [
    () => rng.pick(versions), // anchored, present
    () => (rng.next() < 0.5 ? 'v' : '') + core(rng.pick(versions)), // anchored, maybe present in the other spelling
    () => `${M()}.${rng.int(30)}.${40 + rng.int(10)}`, // anchored, absent
    () => `^${M()}.${rng.int(30)}.0`,
    () => `^${core(rng.pick(versions))}`,
    () => `${M()}.x`,
    () => `${M()}.${rng.int(32)}.x`,
    () => `${M()}.${rng.int(30)}.${rng.int(40)}.x`,
    () => {
      const major = M();
      return `>=${major}.${rng.int(30)}.0, <${major + 1}.0.0`;
    },
    () => `>${core(rng.pick(versions))}, <=${M()}.5`,
    () => {
      const tag = rng.pick(versions.filter((t) => t.includes('-')));
      return `>=${tag.replace(/^v/, '')}, <${M() + 1}`;
    },
    () => `<${M()}.${rng.int(30)}`,
    () => `=${core(rng.pick(versions))}`,
    () => rng.pick(['*', 'latest']),
    () => `>=${5 + rng.int(10)}, <${rng.int(5)}`, // empty range: walks nothing
    () => `^${30 + rng.int(10)}`, // above every tag
  ];
  return Array.from({ length: CONSTRAINTS }, (_, i) => makers[i % makers.length]());
}

const rng = random(5);
const tags = generateTags(rng);
const constraints = generateConstraints(rng, tags);
const kinds = {};
for (const text of constraints) {
  const result = readConstraint(text);
  if (!result.ok)
    throw new Error(`generated constraint '${text}' does not parse: ${result.message}`);
  kinds[result.constraint.kind] = (kinds[result.constraint.kind] ?? 0) + 1;
}
const parsed = constraints.map((text) => readConstraint(text).constraint);

const naive = () => parsed.map((c) => resolveVersion(c, tags));
const indexed = () => {
  const built = time(() => createTagIndex(tags));
  const results = parsed.map((c) => built.result.resolve(c));
  return { build: built.ms, results };
};

// Warm-up: the JIT compiles both paths before anything is timed (a tenth of the naive one).
parsed.slice(0, Math.ceil(parsed.length / 10)).forEach((c) => resolveVersion(c, tags));
indexed();

const naiveRuns = [];
let expected;
for (let run = 0; run < RUNS; run++) {
  const { ms: took, result } = time(naive);
  naiveRuns.push(took);
  expected = result;
}
const indexRuns = [];
const buildRuns = [];
let actual;
for (let run = 0; run < RUNS; run++) {
  const { ms: took, result } = time(indexed);
  indexRuns.push(took);
  buildRuns.push(result.build);
  actual = result.results;
}

const mismatches = parsed.filter((_, i) => !isDeepStrictEqual(actual[i], expected[i]));
const outcomes = {};
for (const result of expected) {
  const key = result.ok ? 'ok' : result.reason;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}
const [naiveMs, indexMs] = [median(naiveRuns), median(indexRuns)];
console.log(
  `resolve ${count(CONSTRAINTS)} constraints × ${count(TAGS)} tags: naive ${ms(naiveMs)}, index ${ms(indexMs)} (build ${ms(median(buildRuns))}) — ${count(Math.round(naiveMs / indexMs))}× faster`,
);
console.log(
  `  constraints: ${Object.entries(kinds)
    .map(([kind, n]) => `${kind} ${count(n)}`)
    .join(', ')}; outcomes: ${Object.entries(outcomes)
    .map(([outcome, n]) => `${outcome} ${count(n)}`)
    .join(', ')}`,
);
const us = (n) => `${(n * 1000).toFixed(1)} µs`;
console.log(
  `  per constraint: naive ${ms(naiveMs / CONSTRAINTS)}; index ${us((indexMs - median(buildRuns)) / CONSTRAINTS)} once built (all ${count(CONSTRAINTS)}: ${ms(indexMs - median(buildRuns))})`,
);
if (mismatches.length > 0) {
  console.error(
    `  MISMATCH: the index differs from resolveVersion for ${mismatches.length} constraints, e.g. '${mismatches[0].text}'`,
  );
  // Not `process.exit`: later sections still run and report; the run fails at the end.
  process.exitCode = 1;
} else {
  console.log(`  results identical for all ${count(CONSTRAINTS)} constraints`);
}

// ─── 2. render ───────────────────────────────────────────────────────────────────────────
// (the render half goes here: 1,000 environments of 20 services, beside its baseline)
