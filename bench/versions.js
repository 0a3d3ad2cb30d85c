// Benchmark (issue 5): version resolution and rendering at scale, each beside a naive
// baseline in the same run. Figures are medians of 5 runs after a warm-up.
//   1. resolve — 1,000 constraints of every kind against one repository of 10,000 tags:
//      `resolveVersion(c, tags)` per constraint (re-reads every tag each time) vs. one
//      `createTagIndex(tags)` (build time counted in) and `index.resolve(c)`. Both must give
//      identical results, or the run exits 1.
//   2. render  — 1,000 environments of 20 services (types in turn: dev, staging, prod, sue):
//      `renderEnvironment` with its `YamlWriter` vs. with `PLAIN_YAML` (js-yaml for every
//      document); the bytes must be identical, or the run exits 1.
//   3. write   — those files into a temp fs rendered store: the first write, then an unchanged
//      re-render written the deployer's way (stored hashes + `planFileSync`: nothing written)
//      vs. rewriting every file.
// Run: npm run bench:versions   (BENCH_SCALE=0.2 for a quick look: a fifth of everything)
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createFsRenderedStore } from '../dist/adapters/fs-rendered-store/fs-rendered-store.js';
import { planFileSync } from '../dist/domain/deployments/file-sync.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../dist/domain/environment-types/catalogue.js';
import { renderEnvironment } from '../dist/domain/render/render-environment.js';
import { PLAIN_YAML } from '../dist/domain/render/yaml-writer.js';
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

const ENVIRONMENTS = Math.round(1_000 * SCALE);
const SERVICES = 20;
const TYPES = ['dev', 'staging', 'prod', 'sue'];
const SETTINGS = {
  registryHost: 'registry.example.test:5000',
  registrySecretName: 'registry-pull',
  bucket: {
    name: 'rendered',
    endpoint: 'minio.platform.example.test:9000',
    secretName: 'rendered-bucket',
    keyPrefix: 'rendered/',
  },
  fluxNamespace: 'flux-system',
  platformStacks: { sourceName: 'platform-stacks', sourceKind: 'GitRepository' },
  interval: '5m',
  sharedEndpoints: { logging: 'https://logs.platform.example.test' },
};
const digestOf = (text) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * Environments as the deployer hands them to the renderer: 20 services each depending on up
 * to two earlier ones, a port on most, a variable on some, each environment its own tags.
 */
function generateInputs(rng) {
  return Array.from({ length: ENVIRONMENTS }, (_, e) => {
    const type = TYPES[e % TYPES.length];
    const services = Array.from({ length: SERVICES }, (_, i) => {
      const name = `service-${String(i + 1).padStart(2, '0')}`;
      const tag = `v${rng.int(5)}.${rng.int(30)}.${rng.int(40)}`;
      const dependsOn =
        i === 0
          ? []
          : [...new Set([rng.int(i), rng.int(i)])].map(
              (d) => `service-${String(d + 1).padStart(2, '0')}`,
            );
      return {
        name,
        dependsOn: rng.next() < 0.3 ? [] : dependsOn,
        ...(rng.next() < 0.8 ? { port: 8000 + i } : {}),
        path: './',
        env: rng.next() < 0.3 ? { LOG_LEVEL: rng.pick(['debug', 'info']) } : {},
        image: {
          repository: `docker-releases/${name}`,
          tag,
          digest: digestOf(`${name}:${tag}:${e}`),
        },
        deployment: {
          repository: `oci-releases/${name}-ansible`,
          tag,
          digest: digestOf(`${name}-ansible:${tag}:${e}`),
        },
      };
    });
    return {
      environment: {
        name: `${type}-team${e % 37}-env-${e}`,
        type,
        pool: `pool-${e % 11}`,
        owner: `user${e % 101}@company.example`,
      },
      environmentType: DEFAULT_ENVIRONMENT_TYPES[type],
      services,
      settings: SETTINGS,
    };
  });
}

const inputs = generateInputs(random(7));
const renderAll = (writer) =>
  inputs.map((input) => (writer ? renderEnvironment(input, writer) : renderEnvironment(input)));

// Warm-up: both paths compiled before anything is timed.
renderAll(undefined);
renderAll(PLAIN_YAML);
const writerRuns = [];
const plainRuns = [];
let rendered;
let plainRendered;
for (let run = 0; run < RUNS; run++) {
  let timed = time(() => renderAll(undefined));
  writerRuns.push(timed.ms);
  rendered = timed.result;
  timed = time(() => renderAll(PLAIN_YAML));
  plainRuns.push(timed.ms);
  plainRendered = timed.result;
}
const files = rendered.reduce((n, list) => n + list.length, 0);
const bytes = rendered.reduce(
  (n, list) => n + list.reduce((m, f) => m + Buffer.byteLength(f.content), 0),
  0,
);
const [writerMs, plainMs] = [median(writerRuns), median(plainRuns)];
console.log(
  `render ${count(ENVIRONMENTS)} environments × ${SERVICES} services (${count(files)} files, ${(bytes / 1e6).toFixed(1)} MB): js-yaml ${ms(plainMs)}, YamlWriter ${ms(writerMs)} — ${(plainMs / writerMs).toFixed(1)}× faster; ${ms(writerMs / ENVIRONMENTS)} per environment`,
);
if (isDeepStrictEqual(rendered, plainRendered)) {
  console.log(`  output identical, byte for byte, for all ${count(ENVIRONMENTS)} environments`);
} else {
  const at = rendered.findIndex((list, i) => !isDeepStrictEqual(list, plainRendered[i]));
  console.error(`  MISMATCH: YamlWriter and js-yaml differ for ${inputs[at].environment.name}`);
  process.exitCode = 1;
}

// ─── 3. write ────────────────────────────────────────────────────────────────────────────

const root = await mkdtemp(join(tmpdir(), 'bench-rendered-'));
try {
  const store = await createFsRenderedStore(root);
  const writeAll = async () => {
    for (const [i, list] of rendered.entries()) {
      const name = inputs[i].environment.name;
      for (const file of list) await store.writeFile(name, file.path, Buffer.from(file.content));
    }
    return files;
  };
  /** What the deployer does: hash what is stored, write only what differs. */
  const syncAll = async () => {
    let writes = 0;
    for (const [i, list] of rendered.entries()) {
      const name = inputs[i].environment.name;
      const plan = planFileSync(await store.hashes(name), list);
      for (const file of plan.writes)
        await store.writeFile(name, file.path, Buffer.from(file.content));
      writes += plan.writes.length;
    }
    return writes;
  };
  const timeAsync = async (fn) => {
    const start = performance.now();
    const result = await fn();
    return { ms: performance.now() - start, result };
  };
  const first = await timeAsync(syncAll);
  const syncRuns = [];
  const rewriteRuns = [];
  let unchangedWrites = 0;
  // Three each: the rewrite baseline fsyncs every file, which is slow on shared disks.
  for (let run = 0; run < 3; run++) {
    const sync = await timeAsync(syncAll);
    syncRuns.push(sync.ms);
    unchangedWrites += sync.result;
    rewriteRuns.push((await timeAsync(writeAll)).ms);
  }
  const [syncMs, rewriteMs] = [median(syncRuns), median(rewriteRuns)];
  console.log(
    `write ${count(files)} files (fs store, temp file + fsync + rename each): first ${ms(first.ms)} (${count(first.result)} written); unchanged re-render: rewrite all ${ms(rewriteMs)}, hash and skip ${ms(syncMs)} (${count(unchangedWrites / 3)} written) — ${(rewriteMs / syncMs).toFixed(1)}× faster`,
  );
  if (first.result !== files || unchangedWrites !== 0) {
    console.error(
      `  MISMATCH: expected ${count(files)} first writes and none after, got ${count(first.result)} and ${count(unchangedWrites)}`,
    );
    process.exitCode = 1;
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
