// bench/replicas: the PostgreSQL index (index.type postgres, what several replicas share)
// next to the memory index at N claims (BENCH_CLAIMS, default 100000), on one machine:
// - cold start to ready: the memory index loaded from the bucket vs a replica on a
//   PostgreSQL index already populated (spawn → /readyz 200);
// - filling the PostgreSQL index from the bucket (what the first leader does once);
// - the permission-filtered first page for a user who may read 1 % and one who may read
//   nothing, memory and PostgreSQL, next to one Cedar decision per environment (the ratio);
// - the full list (every page of 500) and a text search (`q`), p50, memory and PostgreSQL.
// PostgreSQL is the tests' own launcher (test/support/postgres.ts: a throwaway cluster on
// loopback, fsync off), on the same two cores as the platform.
//
// Run: npm run bench:replicas    (BENCH_CLAIMS=10000 for a quick look)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  makeTokens,
  readableOf,
  SUBJECTS,
  tenancyYaml,
  writeClaims,
  writeConfig,
} from './scale/generate.js';
import { listFirstPages } from './scale/lists.js';
import { freePort, killAllSync, now, startPlatform, stop } from './scale/processes.js';
import { createRunRoot } from './support/run-root.js';
import { count, createReport, fmtMs, fmtX } from './support/report.js';
import { loadTestSupport } from './support/test-support.js';

const N = Number(process.env.BENCH_CLAIMS ?? 100_000);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const READY_TIMEOUT_MS = Number(process.env.BENCH_READY_TIMEOUT_S ?? 600) * 1000;
const FULL_LIST_PAGE = 500;

const report = createReport({
  measure: 'measure',
  ours: 'ours',
  baseline: 'baseline',
  ratio: 'ratio',
});
const { progress, part, row } = report;
const root = await createRunRoot('platform-bench-replicas-', {
  progress,
  killChildren: killAllSync,
});

const { startPostgres, createDatabase } = await loadTestSupport('postgres');
progress('starting PostgreSQL');
const server = await startPostgres();
try {
  const databaseUrl = await createDatabase(server, 'bench');
  const postgresIndex = { index: { type: 'postgres', postgres: { url: databaseUrl } } };

  const dataDir = join(root, 'data');
  progress(`writing ${count(N)} claims`);
  writeClaims(dataDir, N);
  const tenancyPath = join(root, 'tenancy.yaml');
  writeFileSync(tenancyPath, tenancyYaml());
  const { entries } = makeTokens();
  const configFor = async (name, extra) => {
    const port = await freePort();
    const configPath = join(root, `${name}.yaml`);
    writeConfig(configPath, {
      port,
      tenancyPath,
      tokenEntries: entries,
      store: { path: join(dataDir, 'buckets'), resyncInterval: '1h' },
      extra,
    });
    return { configPath, port };
  };
  const coldStart = async (name, extra) => {
    const { configPath, port } = await configFor(name, extra);
    const handle = await startPlatform({
      configPath,
      dataDir: join(root, `${name}-data`),
      port,
      timeoutMs: READY_TIMEOUT_MS,
    });
    await stop(handle);
    return handle.readyMs;
  };

  progress('cold start, memory index');
  const memoryStart = await part({ measure: `cold start to ready, ${count(N)} claims` }, () =>
    coldStart('memory', {}),
  );

  progress('filling the PostgreSQL index from the bucket');
  await part({ measure: 'PostgreSQL index filled from the bucket' }, async () => {
    const started = now();
    await fillPostgresIndex(databaseUrl);
    const ms = now() - started;
    row({
      measure: `PostgreSQL index filled from the bucket (${count(N)} claims, once)`,
      ours: fmtMs(ms),
      baseline: '',
      ratio: `${count((N * 1000) / ms)} claims/s`,
    });
  });

  progress('cold start, PostgreSQL index already populated');
  await part({ measure: 'cold start, PostgreSQL index' }, async () => {
    const ms = await coldStart('postgres', postgresIndex);
    row({
      measure: `cold start to ready, PostgreSQL index already populated`,
      ours: fmtMs(ms),
      baseline: memoryStart === undefined ? '' : `${fmtMs(memoryStart)} memory index`,
      ratio: memoryStart === undefined ? '' : `${fmtX(memoryStart / ms)}× faster`,
    });
  });
  if (memoryStart !== undefined) {
    row({
      measure: `cold start to ready, memory index loaded from the bucket`,
      ours: fmtMs(memoryStart),
      baseline: '',
      ratio: '',
    });
  }

  const listOptions = {
    root,
    bucketsPath: join(dataDir, 'buckets'),
    tenancyPath,
    subjects: SUBJECTS,
    readable: readableOf(N),
    scale: SCALE,
    progress,
    measures: otherReads,
  };
  for (const [label, config] of [
    ['memory', {}],
    ['PostgreSQL', postgresIndex],
  ]) {
    await part({ measure: `reads, ${label} index` }, async () => {
      const results = await listFirstPages({ ...listOptions, name: `lists-${label}`, config });
      for (const result of results) {
        if (result.wrong) {
          report.fail();
          progress(`WRONG (${label}, ${result.label}): ${result.wrong}`);
        }
        row({
          measure: `first page (limit 50), ${label} index, ${result.label}`,
          ours: `${fmtMs(result.ours)} p50`,
          baseline: `${fmtMs(result.naive)} per-item Cedar${result.estimated ? ' (est.)' : ''}`,
          ratio: `${fmtX(result.naive / Math.max(result.ours, 0.001))}× faster`,
        });
      }
      const { fullList, search } = results.extra;
      row({
        measure: `full list (pages of ${FULL_LIST_PAGE}), ${label} index, admin`,
        ours: `${fmtMs(fullList.p50)} p50`,
        baseline: `${count(fullList.items)} items`,
        ratio: '',
      });
      row({
        measure: `text search q=${search.q} (first page), ${label} index`,
        ours: `${fmtMs(search.p50)} p50`,
        baseline: `${count(search.items)} items`,
        ratio: '',
      });
    });
  }
} finally {
  await server.stop();
}

report.print(
  `Replicas: memory and PostgreSQL indexes at ${count(N)} claims (BENCH_SCALE=${SCALE})`,
);

/** The full list and a text search on an in-process platform (see lists.js `measures`). */
async function otherReads(platform, { measure }) {
  const admin = {
    subject: SUBJECTS.admin,
    groups: ['platform-admins'],
    kind: 'user',
    authenticatedBy: 'bench',
  };
  let items = 0;
  const fullList = await measure({ runs: 5, warmups: 1, budgetMs: 30_000 * SCALE }, async () => {
    items = 0;
    for (let cursor; ;) {
      const page = await platform.service.list(admin, {
        limit: String(FULL_LIST_PAGE),
        ...(cursor ? { cursor } : {}),
      });
      items += page.items.length;
      cursor = page.next_cursor;
      if (!cursor) break;
    }
  });
  // A name fragment that matches about one environment in a thousand.
  const q = 'env-0001';
  let found = 0;
  const search = await measure({ runs: 200, warmups: 3, budgetMs: 5_000 * SCALE }, async () => {
    const page = await platform.service.list(admin, { limit: '50', q });
    found = page.items.length;
  });
  return {
    fullList: { p50: fullList.p50, items },
    search: { p50: search.p50, items: found, q },
  };
}

/** Fills the PostgreSQL index as a leader does: one full resync of the bucket into it. */
async function fillPostgresIndex(url) {
  const [{ pino }, { loadConfig }, { createPlatform }] = await Promise.all([
    import('pino'),
    import('../dist/config/load-config.js'),
    import('../dist/main.js'),
  ]);
  const fillDir = join(root, 'fill');
  const configPath = join(root, 'fill.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      store: { path: join(root, 'data', 'buckets'), resyncInterval: '24h' },
      tenancy: join(root, 'tenancy.yaml'),
      log: { level: 'silent' },
      index: { type: 'postgres', postgres: { url } },
    }),
  );
  const config = await loadConfig({ configPath, flags: { dataDir: fillDir }, env: {} });
  const platform = await createPlatform(config, { logger: pino({ level: 'silent' }) });
  const lifetime = new AbortController();
  try {
    await platform.sync.start(lifetime.signal);
    await platform.sync.fullSync();
  } finally {
    lifetime.abort();
    await platform.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM claim_index_environments');
    if (rows[0].n !== N) throw new Error(`the PostgreSQL index holds ${rows[0].n}, not ${N}`);
  } finally {
    await client.end();
  }
}
