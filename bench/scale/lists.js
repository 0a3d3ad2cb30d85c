// The permission-filtered first page for bench/scale.js, in process: a platform built from
// the same config pieces and loaded (through its own claim sync) from the same generated
// claim files, so `service.list` runs as the server would run it, beside the naive
// baseline of one Cedar decision (`statefulIsAuthorized` with the preparsed policy set, as
// bench/authz.js) per environment in name order until the page is full. The HTTP layer is
// left out on purpose: it would hide the sub-millisecond figures the issue asks for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { now } from './processes.js';

// As the server builds views: no deployer, the default 2 h expiry warning window.
const VIEW_OPTIONS = { deployment: false, warnBefore: () => 2 * 3600_000 };

const FIRST_PAGE = 50;
const SCAN_BATCH = 500;

const percentile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** Up to `runs` timed runs after `warmups`, stopping once `budgetMs` is spent; p50 in ms. */
async function measure({ runs, warmups = 0, budgetMs }, task) {
  for (let i = 0; i < warmups; i++) await task();
  const samples = [];
  let spent = 0;
  while (samples.length < runs && (samples.length === 0 || spent < budgetMs)) {
    const started = now();
    await task();
    const ms = now() - started;
    samples.push(ms);
    spent += ms;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), runs: samples.length };
}

/**
 * Returns one entry per principal: { label, ours, naive, estimated, wrong } in ms (p50);
 * `wrong` says how ours differs from the expected page and per-item Cedar, if it does.
 */
export async function listFirstPages(options) {
  const { root, bucketsPath, tenancyPath, subjects, readable, scale, progress } = options;
  // `config`: more config keys (an `index:` section, say); `name`: the data dir under root.
  const { config: extraConfig = {}, name = 'in-process', measures } = options;
  // Imported here so a build that breaks them fails this part only, with its own message.
  const [
    { pino },
    { loadConfig },
    { createPlatform },
    cedar,
    entities,
    cedarNames,
    tenancy,
    views,
  ] = await Promise.all([
    import('pino'),
    import('../../dist/config/load-config.js'),
    import('../../dist/main.js'),
    import('@cedar-policy/cedar-wasm/nodejs'),
    import('../../dist/adapters/cedar-authorizer/entities.js'),
    import('../../dist/domain/policy/cedar-names.js'),
    import('../../dist/domain/tenancy/tenancy-index.js'),
    import('../../dist/app/environment-view.js'),
  ]);
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const configPath = join(dataDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      // Same claims, its own data dir (audit, tokens); no resync while measuring.
      store: { path: bucketsPath, resyncInterval: '24h' },
      tenancy: tenancyPath,
      log: { level: 'silent' },
      ...extraConfig,
    }),
  );
  const config = await loadConfig({ configPath, flags: { dataDir }, env: {} });
  const logger = pino({ level: 'silent' });
  const platform = await createPlatform(config, { logger });
  const lifetime = new AbortController();
  const loadStarted = now();
  await platform.sync.start(lifetime.signal);
  progress(`in-process platform loaded in ${((now() - loadStarted) / 1000).toFixed(1)} s`);
  try {
    // One Cedar decision as bench/authz.js makes it (the authorizer's `authorize` now has a
    // fast path that skips Cedar): preparsed policy set, the principal's entities built
    // once, the resource's per call.
    const bundle = platform.accessModel.current();
    const cedarDecider = (caller) => {
      const principal = entities.principalUid(caller);
      const own = entities.principalEntities(caller, tenancy.membershipsOf(bundle.index, caller));
      return (environment) => {
        const resource = views.toEnvironmentResource(environment);
        const answer = cedar.statefulIsAuthorized({
          principal,
          action: { type: cedarNames.ENTITY.action, id: 'environment:read' },
          resource: entities.resourceUid(resource),
          context: {},
          preparsedPolicySetId: bundle.policySetId,
          entities: own.concat(entities.resourceEntities(resource, bundle.index)),
        });
        if (answer.type !== 'success') throw new Error(answer.errors[0]?.message);
        return answer.response.decision === 'allow';
      };
    };
    let total = 0;
    for (let after; ;) {
      const batch = await platform.index.query({ after, limit: SCAN_BATCH });
      total += batch.items.length;
      if (!batch.hasMore) break;
      after = batch.items.at(-1).claim.environment_name;
    }

    /** The baseline: walk the index in name order, one Cedar decision per environment. */
    const naive = async (caller, wanted) => {
      const allowed = cedarDecider(caller);
      const names = [];
      let scanned = 0;
      for (let after; ;) {
        const batch = await platform.index.query({ after, limit: SCAN_BATCH });
        for (const environment of batch.items) {
          scanned++;
          if (allowed(environment)) {
            names.push(
              views.toEnvironmentView(environment, VIEW_OPTIONS, new Date()).environment_name,
            );
            if (names.length === wanted) return { names, scanned };
          }
        }
        if (!batch.hasMore) return { names, scanned };
        after = batch.items.at(-1).claim.environment_name;
      }
    };

    const results = [];
    let perDecisionMs;
    for (const [label, subject, expected] of [
      [
        `reader of 1 % (${readable.toLocaleString('en-US')})`,
        subjects.reader,
        Math.min(FIRST_PAGE, readable),
      ],
      ['reader of nothing', subjects.nobody, 0],
    ]) {
      const caller = { subject, groups: [], kind: 'user', authenticatedBy: 'bench' };
      let ourNames = [];
      progress(`first page, ours, ${label}`);
      const ours = await measure({ runs: 500, warmups: 3, budgetMs: 5000 * scale }, async () => {
        const page = await platform.service.list(caller, { limit: String(FIRST_PAGE) });
        ourNames = page.items.map((item) => item.environment_name);
      });
      // A wrong page is reported (and fails the run) but the baseline is still measured.
      let wrong =
        ourNames.length === expected
          ? undefined
          : `ours gave ${ourNames.length} items, expected ${expected}`;

      // A reader of nothing makes the baseline decide every environment: measured when it
      // fits the budget, otherwise estimated from the measured cost of one decision.
      const estimateMs = perDecisionMs === undefined ? 0 : perDecisionMs * total;
      let naiveMs;
      let estimated = false;
      if (perDecisionMs === undefined || estimateMs <= 20_000 * scale) {
        progress(
          `first page, per-item Cedar, ${label}${estimateMs ? ` (~${(estimateMs / 1000).toFixed(0)} s a run)` : ''}`,
        );
        let naiveNames = [];
        let scanned = 0;
        const baseline = await measure({ runs: 5, budgetMs: 20_000 * scale }, async () => {
          ({ names: naiveNames, scanned } = await naive(caller, FIRST_PAGE));
        });
        if (naiveNames.length !== expected)
          throw new Error(
            `${label}: per-item Cedar gave ${naiveNames.length}, expected ${expected}`,
          );
        if (naiveNames.join() !== ourNames.join()) wrong ??= 'ours and per-item Cedar disagree';
        perDecisionMs ??= baseline.p50 / scanned;
        naiveMs = baseline.p50;
      } else {
        // Still check the answer on a prefix: per-item Cedar must allow none of it either.
        const allowed = cedarDecider(caller);
        const { items } = await platform.index.query({ limit: 2000 });
        for (const environment of items) {
          if (allowed(environment))
            throw new Error(`${label}: Cedar allows ${environment.claim.environment_name}`);
        }
        progress(
          `first page, per-item Cedar, ${label}: estimated at ${(estimateMs / 1000).toFixed(0)} s a run; not run`,
        );
        naiveMs = estimateMs;
        estimated = true;
      }
      results.push({ label, ours: ours.p50, naive: naiveMs, estimated, wrong });
    }
    // Further figures on the same loaded platform (bench/replicas.js), before it closes.
    if (measures) results.extra = await measures(platform, { measure, FIRST_PAGE });
    return results;
  } finally {
    lifetime.abort();
    await platform.close();
  }
}
