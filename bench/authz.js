// Benchmark: authorized listing vs. the naive baseline of one Cedar decision per environment.
// 100,000 environments across 1,000 pools (one product each); the bench user is a
// collaborator of 10 products, so 1 % (1,000 environments) is readable. Claims go straight
// into the platform's memory index: this measures authorization, not disk.
//   1. first page (limit=50) of the filtered list   — service.list, one readableFilter per request
//   2. full list (limit=500, follow next_cursor)     — must return exactly 1,000 items
//   3. the same two with one Cedar decision (preparsed set) per environment (the baseline)
//   4. the first page for a user who may read nothing (0 %) against the same baseline
//      (100,000 decisions: estimated from the cost per environment)
//   5. one read decision: `authorize` (decided from the principal's compiled rules) vs.
//      one Cedar decision with the preparsed set; and that Cedar decision vs. raw
//      `isAuthorized` with the whole policy-set text (parsed on every call)
// Run: npm run build && node bench/authz.js   (figures vary with the machine; the ratio is the point)
// BENCH_SCALE scales run counts and time budgets (0.2: a quick look); BENCH_FULL_BASELINE=1
// runs the naive full list even when it is estimated to take more than a minute.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { pino } from 'pino';
import { createCedarAuthorizer } from '../dist/adapters/cedar-authorizer/cedar-authorizer.js';
import {
  principalEntities,
  principalUid,
  resourceEntities,
  resourceUid,
} from '../dist/adapters/cedar-authorizer/entities.js';
import { toEnvironmentResource, toEnvironmentView } from '../dist/app/environment-view.js';

// As the server builds views: no deployer, the default 2 h expiry warning window.
const VIEW_OPTIONS = { deployment: false, warnBefore: () => 2 * 3600_000 };
import { loadConfig } from '../dist/config/load-config.js';
import { ENTITY } from '../dist/domain/policy/cedar-names.js';
import { membershipsOf } from '../dist/domain/tenancy/tenancy-index.js';
import { createPlatform } from '../dist/main.js';
import { DYNAMIC_BUCKET } from '../dist/ports/claim-store.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);

const POOLS = 1000;
const PER_POOL = 100;
const ENVIRONMENTS = POOLS * PER_POOL;
const READABLE_EVERY = 100; // collaborator of every 100th product: 10 of 1,000 (1 %)
const EXPECTED_READABLE = (POOLS / READABLE_EVERY) * PER_POOL;
const FIRST_PAGE = 50;
const FULL_PAGE = 500;
const USER = 'bench.reader@example.com';
const NOBODY = 'bench.nobody@example.com';

const count = (n) => n.toLocaleString('en-US');
const pad = (n, width) => String(n).padStart(width, '0');
const poolName = (p) => `pool-${pad(p, 4)}`;
const productName = (p) => `product-${pad(p, 4)}`;

function tenancyYaml() {
  const lines = ['organizations:', '  - name: bench', '    products:'];
  for (let p = 0; p < POOLS; p++) {
    lines.push(
      `      - name: ${productName(p)}`,
      `        pools: [${poolName(p)}]`,
      '        members:',
      `          - user: dev-${pad(p, 4)}@example.com`,
      '            role: developer',
    );
    if (p % READABLE_EVERY === 0)
      lines.push(`          - user: ${USER}`, '            role: collaborator');
  }
  return `${lines.join('\n')}\n`;
}

/** Nearest-rank percentile of an already sorted sample, in ms. */
const percentile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/**
 * Runs `task` after `warmups` untimed runs, then up to `runs` timed runs, stopping early
 * once the timed runs have used `budgetS` seconds (at least one timed run). Some rows are
 * slow enough at this scale that a fixed count would not finish in minutes; the number of
 * runs actually made is printed beside the figures.
 */
async function measure(label, { runs, warmups = 0, budgetS }, task) {
  const maxRuns = Math.max(1, Math.round(runs * SCALE));
  const budgetMs = budgetS * 1000 * SCALE;
  progress(
    `${label}: ${warmups} warm-up + up to ${maxRuns} runs / ${(budgetMs / 1000).toFixed(0)} s`,
  );
  for (let i = 0; i < warmups; i++) await task();
  const samples = [];
  let spent = 0;
  while (samples.length < maxRuns && (samples.length === 0 || spent < budgetMs)) {
    const started = process.hrtime.bigint();
    await task();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    samples.push(ms);
    spent += ms;
  }
  samples.sort((a, b) => a - b);
  return { runs: samples.length, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

const startedAll = process.hrtime.bigint();
const elapsed = () => (Number(process.hrtime.bigint() - startedAll) / 1e9).toFixed(1);
const progress = (what) => process.stderr.write(`[${elapsed()} s] ${what}\n`);
const dataDir = await mkdtemp(join(tmpdir(), 'platform-bench-authz-'));
try {
  const tenancyPath = join(dataDir, 'tenancy.yaml');
  await writeFile(tenancyPath, tenancyYaml());
  const policyDirectory = join(dataDir, 'policies');
  await mkdir(policyDirectory);
  const loaded = await loadConfig({ flags: { dataDir }, env: {} });
  const config = {
    ...loaded,
    tenancy: { path: tenancyPath, policyDirectory, reloadIntervalMs: 60_000 },
    auth: { ...loaded.auth, tokens: [] },
  };
  const logger = pino({ level: 'silent' });
  progress('building the access model');
  const platform = await createPlatform(config, { logger });
  progress('indexing claims');

  // 100 environments per pool, names interleaved across pools so the readable ones are
  // spread evenly through the name order (1 in 100), as in a real shared platform.
  const now = Date.now();
  for (let i = 0; i < ENVIRONMENTS; i++) {
    const sue = i % 3 === 0;
    const created = new Date(now - (i % 1440) * 60_000);
    const expires = sue ? new Date(created.getTime() + 7 * 86_400_000) : null;
    await platform.index.upsert({
      claim: {
        environment_name: `env-${pad(i, 6)}`,
        environment_type: sue ? 'sue' : 'dev',
        environment_pool: poolName(i % POOLS),
        user: `owner-${pad(i % 997, 3)}@example.com`,
        creation_date: created.toISOString(),
        ...(expires ? { expiration_date: expires.toISOString() } : {}),
        deployment_method: 'dynamic',
        services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0' },
      },
      bucket: DYNAMIC_BUCKET,
      etag: `"${pad(i, 8)}"`,
      expiresAt: expires,
    });
  }

  const caller = { subject: USER, groups: [], kind: 'user', authenticatedBy: 'bench' };
  const bundle = platform.accessModel.current();
  const authorizer = createCedarAuthorizer({ bundle: platform.accessModel.current, logger });

  // One Cedar decision as the authorizer made it before the fast path: preparsed set,
  // cached principal entities, the resource's entities built per call.
  const principalOwn = principalEntities(caller, membershipsOf(bundle.index, caller));
  const cedarDecide = (resource) => {
    const answer = cedar.statefulIsAuthorized({
      principal: principalUid(caller),
      action: { type: ENTITY.action, id: 'environment:read' },
      resource: resourceUid(resource),
      context: {},
      preparsedPolicySetId: bundle.policySetId,
      entities: principalOwn.concat(resourceEntities(resource, bundle.index)),
    });
    if (answer.type !== 'success') throw new Error(answer.errors[0]?.message);
    return answer.response.decision === 'allow';
  };

  // --- ours: the service's filtered list (one readableFilter per request) --------------
  let ourFirstItems = [];
  const ourFirstPage = async () => {
    const page = await platform.service.list(caller, { limit: String(FIRST_PAGE) });
    if (page.items.length !== FIRST_PAGE) throw new Error(`first page: ${page.items.length}`);
    ourFirstItems = page.items.map((item) => item.environment_name);
  };
  const ourFullList = async () => {
    let total = 0;
    let cursor = null;
    do {
      const query = { limit: String(FULL_PAGE), ...(cursor ? { cursor } : {}) };
      const page = await platform.service.list(caller, query);
      total += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    if (total !== EXPECTED_READABLE) throw new Error(`full list: ${total} != ${EXPECTED_READABLE}`);
  };

  // --- baseline: walk the index in name order, one Cedar decision per environment ------
  async function naiveReadable(wanted) {
    const readable = [];
    let scanned = 0;
    let after;
    for (;;) {
      const batch = await platform.index.query({ after, limit: FULL_PAGE });
      for (const environment of batch.items) {
        scanned++;
        if (cedarDecide(toEnvironmentResource(environment))) {
          readable.push(toEnvironmentView(environment, VIEW_OPTIONS, new Date()));
          if (readable.length === wanted) return { readable, scanned };
        }
      }
      if (!batch.hasMore) return { readable, scanned };
      after = batch.items.at(-1).claim.environment_name;
    }
  }
  let naiveFirstItems = [];
  let naiveFirstScanned = 0;
  const naiveFirstPage = async () => {
    const { readable, scanned } = await naiveReadable(FIRST_PAGE);
    if (readable.length !== FIRST_PAGE) throw new Error(`naive first page: ${readable.length}`);
    naiveFirstItems = readable.map((item) => item.environment_name);
    naiveFirstScanned = scanned;
  };
  const naiveFullList = async () => {
    const { readable } = await naiveReadable(Infinity);
    if (readable.length !== EXPECTED_READABLE)
      throw new Error(`naive full list: ${readable.length}`);
  };

  // --- single decisions ------------------------------------------------------------------
  const { items: sample } = await platform.index.query({ limit: 2000 });
  const resources = sample.map(toEnvironmentResource); // 1 % of them readable
  let next = 0;
  const ourDecision = async () => {
    const resource = resources[next++ % resources.length];
    await authorizer.authorize({ principal: caller, action: 'environment:read', resource });
  };
  const cedarDecision = async () => {
    cedarDecide(resources[next++ % resources.length]);
  };
  // The fast path must say what Cedar says, on every sampled environment.
  for (const resource of resources) {
    const fast = await authorizer.authorize({
      principal: caller,
      action: 'environment:read',
      resource,
    });
    if (fast.allowed !== cedarDecide(resource))
      throw new Error(`fast path and Cedar disagree on ${resource.name}`);
  }
  // The same request the authorizer builds, but the policy set travels as text and is
  // parsed on every call: no preparsed set, no membership cache.
  const policyText = Object.values(bundle.policies).join('\n\n');
  const rawDecision = async () => {
    const resource = resources[next++ % resources.length];
    const answer = cedar.isAuthorized({
      principal: principalUid(caller),
      action: { type: ENTITY.action, id: 'environment:read' },
      resource: resourceUid(resource),
      context: {},
      policies: { staticPolicies: policyText },
      entities: [
        ...principalEntities(caller, membershipsOf(bundle.index, caller)),
        ...resourceEntities(resource, bundle.index),
      ],
    });
    if (answer.type !== 'success') throw new Error(answer.errors[0]?.message);
  };

  const rows = [];
  const row = (label, ours, baseline) => rows.push({ label, ours, baseline });

  const firstOurs = await measure(
    'first page, ours',
    { runs: 200, warmups: 2, budgetS: 15 },
    ourFirstPage,
  );
  const firstNaive = await measure(
    'first page, baseline',
    { runs: 20, budgetS: 30 },
    naiveFirstPage,
  );
  if (JSON.stringify(ourFirstItems) !== JSON.stringify(naiveFirstItems))
    throw new Error('the filtered list and the naive baseline disagree on the first page');
  row(`first page (limit=${FIRST_PAGE})`, firstOurs, firstNaive);

  // No warm-up: the first-page runs have warmed the same code.
  const fullOurs = await measure('full list, ours', { runs: 30, budgetS: 30 }, ourFullList);
  // The naive full list is 100,000 decisions. Measure it when it fits a minute (or when
  // asked to); otherwise extrapolate from the first-page baseline's cost per environment.
  const perEnvironmentMs = firstNaive.p50 / naiveFirstScanned;
  const estimateMs = perEnvironmentMs * ENVIRONMENTS;
  const fullLabel = `full list (${count(EXPECTED_READABLE)} of ${count(ENVIRONMENTS)}, limit=${FULL_PAGE})`;
  if (process.env.BENCH_FULL_BASELINE === '1' || estimateMs <= 60_000 * SCALE) {
    row(
      fullLabel,
      fullOurs,
      await measure('full list, baseline', { runs: 3, budgetS: 60 }, naiveFullList),
    );
  } else {
    progress(
      `full list, baseline: estimated at ${(estimateMs / 1000).toFixed(0)} s a run; not run`,
    );
    row(fullLabel, fullOurs, { runs: 0, p50: estimateMs, p95: estimateMs, estimated: true });
  }

  // A user who may read nothing: the filter is `none`, the index answers without reading.
  const nobody = { subject: NOBODY, groups: [], kind: 'user', authenticatedBy: 'bench' };
  const nothingOurs = await measure(
    'first page for 0 %, ours',
    { runs: 200, warmups: 2, budgetS: 10 },
    async () => {
      const page = await platform.service.list(nobody, { limit: String(FIRST_PAGE) });
      if (page.items.length !== 0) throw new Error('the 0 % reader sees something');
    },
  );
  row('first page, 0 % reader', nothingOurs, {
    runs: 0,
    p50: estimateMs,
    p95: estimateMs,
    estimated: true,
  });

  const cedarSingle = await measure(
    'decision, Cedar preparsed',
    { runs: 2000, warmups: 10, budgetS: 10 },
    cedarDecision,
  );
  row(
    'single read: fast path vs Cedar',
    await measure('decision, ours', { runs: 2000, warmups: 200, budgetS: 10 }, ourDecision),
    cedarSingle,
  );
  row(
    'single read: Cedar preparsed vs text',
    cedarSingle,
    await measure('decision, baseline', { runs: 2000, warmups: 10, budgetS: 10 }, rawDecision),
  );
  // Where a list request's fixed cost goes: partial evaluation + compiling the residuals.
  // Warm: cached per principal and policy version. Cold: a principal never seen before
  // (an extra IdP group that grants nothing makes each run a cache miss).
  const filterCost = await measure('readableFilter', { runs: 50, warmups: 1, budgetS: 5 }, () =>
    authorizer.readableFilter(caller),
  );
  let coldRun = 0;
  const coldFilterCost = await measure(
    'readableFilter, cold',
    { runs: 50, warmups: 1, budgetS: 5 },
    () => authorizer.readableFilter({ ...caller, groups: [...caller.groups, `cold-${coldRun++}`] }),
  );

  const fmt = (ms) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : count(Math.round(ms)));
  const cell = (r) =>
    (r.estimated ? `~${fmt(r.p50)} (est.)` : `${fmt(r.p50)} / ${fmt(r.p95)}`).padStart(22);
  const ratio = (b, o) =>
    b.estimated
      ? `~${(b.p50 / o.p50).toFixed(1)}x`
      : `${(b.p50 / o.p50).toFixed(1)}x / ${(b.p95 / o.p95).toFixed(1)}x`;
  const runsOf = (r) => (r.estimated ? 'est.' : String(r.runs));
  console.log(
    `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'}), cedar-wasm ${cedar.getCedarVersion()}`,
  );
  console.log(
    `${count(ENVIRONMENTS)} environments in ${count(POOLS)} pools of ${count(POOLS)} products, ${count(Object.keys(bundle.policies).length)} Cedar policies; ${USER} may read ${count(EXPECTED_READABLE)} (1 %)`,
  );
  console.log(
    'lists   ours: service.list, one readableFilter per request | baseline: one Cedar decision per environment, in name order',
  );
  console.log(
    'reads   ours: authorize (compiled rules, no Cedar call)    | baseline: Cedar statefulIsAuthorized (preparsed set)\n' +
      '        last row: preparsed Cedar against cedar isAuthorized with the whole policy-set text\n',
  );
  console.log(
    `${'ms, p50 / p95'.padEnd(42)}${'ours'.padStart(22)}${'baseline'.padStart(22)}${'runs'.padStart(12)}${'baseline/ours p50 / p95'.padStart(28)}`,
  );
  for (const { label, ours, baseline } of rows) {
    console.log(
      `${label.padEnd(42)}${cell(ours)}${cell(baseline)}${`${ours.runs}/${runsOf(baseline)}`.padStart(12)}${ratio(baseline, ours).padStart(28)}`,
    );
  }
  console.log(
    `\nreadableFilter alone, p50 / p95: ${fmt(filterCost.p50)} / ${fmt(filterCost.p95)} ms cached (${filterCost.runs} runs), ${fmt(coldFilterCost.p50)} / ${fmt(coldFilterCost.p95)} ms for a new principal (${coldFilterCost.runs} runs)`,
  );
  console.log(
    `baseline cost per environment scanned: ${fmt(perEnvironmentMs)} ms (${naiveFirstScanned} scanned for the first page)`,
  );
  console.log(`total bench time: ${elapsed()} s`);
  await platform.close?.();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
