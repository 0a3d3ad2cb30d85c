// Benchmark: the platform at scale, measured from outside (issue 11). For each N claims
// (BENCH_CLAIMS, default "10000,100000") it generates the claims as files plus a tenancy
// model of 1,000 products, spawns the real server (`platformctl serve`) and prints ONE
// table: cold start and RSS, /healthz during a resync, idle CPU, change-to-visible with the
// watcher and with resync only, authorized GET req/s against a bare Hono server, the
// permission-filtered first page against one Cedar decision per environment, and creates
// against a raw temp+fsync+rename loop. Every figure sits next to a baseline measured in the
// same run: the machine is shared and noisy, the ratios are the point.
// Run: npm run bench:scale    (BENCH_CLAIMS=10000 for one N; BENCH_SCALE=0.2 for a quick look)
// Progress goes to stderr, the table to stdout. Fails only on a wrong result or an error.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFirstPages } from './scale/lists.js';
import { changeToVisible, fmtVisible } from './scale/visibility.js';
import { createRunRoot } from './support/run-root.js';
import { count, createReport, fmtMb, fmtMs, fmtX, median, percentile } from './support/report.js';
import {
  POOLS,
  SUBJECTS,
  readableOf,
  bucketOf,
  envName,
  makeTokens,
  poolName,
  tenancyYaml,
  writeClaims,
  writeConfig,
} from './scale/generate.js';
import {
  cpuSeconds,
  freePort,
  get,
  killAllSync,
  loadGenerator,
  loadTest,
  now,
  rssBytes,
  sleep,
  startBare,
  startPlatform,
  wrkCreates,
  stop,
  stopAll,
} from './scale/processes.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CLAIM_COUNTS = (process.env.BENCH_CLAIMS ?? '10000,100000')
  .split(',')
  .map((text) => Number(text.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const READY_TIMEOUT_MS = Number(process.env.BENCH_READY_TIMEOUT_S ?? 600) * 1000;
const RESYNC_INTERVAL = process.env.BENCH_RESYNC_INTERVAL ?? '2s';
const REJECTED = Number(process.env.BENCH_REJECTED ?? 16_000); // 0: skip that row
// BENCH_ONLY=create or get: only the cold start and the create rows, or the GET rows (a
// minute, not ten, per try).
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'create' && ONLY !== 'get')
  throw new Error(`BENCH_ONLY=${ONLY}: only "create" or "get"`);
const all = ONLY === undefined;
const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE));

const report = createReport({
  n: 'N',
  measure: 'measure',
  ours: 'ours',
  baseline: 'baseline',
  ratio: 'ratio',
});
const { progress } = report;
const nCell = (n) => (n === undefined ? '' : count(n));
const row = (n, measure, ours, baseline, ratio) =>
  report.row({ n: nCell(n), measure, ours, baseline, ratio });
/** Runs one part; an error becomes an ERROR row (and exit code 1), the rest still runs. */
const part = (n, measure, task) => report.part({ n: nCell(n), measure }, task);
/** `part`, skipped under BENCH_ONLY. */
const other = (n, measure, task) => (all ? part(n, measure, task) : Promise.resolve(undefined));
/** `part`, run without BENCH_ONLY or when BENCH_ONLY names `kind`. */
const only = (kind, n, measure, task) =>
  all || ONLY === kind ? part(n, measure, task) : Promise.resolve(undefined);

// --- measurements -----------------------------------------------------------------------

/**
 * Polls /healthz every `periodMs` for `durationMs`, one request at a time; sorted latencies.
 * Each latency runs from the request's scheduled time, not from when it could be sent
 * (wrk2's correction for coordinated omission): a 500 ms stall counts as the ~100 requests
 * that would have waited in it, not as one slow sample.
 */
async function pollHealth(url, durationMs, periodMs = 5) {
  const samples = [];
  const started = now();
  for (let k = 0; ; k++) {
    const scheduled = started + k * periodMs;
    if (scheduled > started + durationMs) break;
    if (now() < scheduled) await sleep(scheduled - now());
    const { status } = await get(`${url}/healthz`, { timeoutMs: 60_000 });
    if (status !== 200) throw new Error(`/healthz answered ${status}`);
    samples.push(now() - scheduled);
  }
  return samples.sort((a, b) => a - b);
}

async function idleCpuPercent(pid, seconds) {
  const before = cpuSeconds(pid);
  const started = now();
  await sleep(seconds * 1000);
  return ((cpuSeconds(pid) - before) / ((now() - started) / 1000)) * 100;
}

/** Writes a claim file straight into the bucket (temp + rename, as an out-of-band `mc cp`). */
const claimFileWriter = (dataDir) => async (name) => {
  const bucket = bucketOf(dataDir);
  const claim = {
    environment_name: name,
    environment_type: 'dev',
    environment_pool: poolName(1),
    user: 'bench.writer@example.com',
    creation_date: new Date().toISOString(),
    deployment_method: 'dynamic',
    services: { 'user-service': 'v1.2.3' },
  };
  const temp = join(bucket, `.${name}.json.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, JSON.stringify(claim, null, 2));
  await rename(temp, join(bucket, `${name}.json`));
};

const createBody = (name) => ({
  environment_name: name,
  environment_type: 'dev',
  environment_pool: poolName(1),
  services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0' },
});

/**
 * Creates with `concurrency` in flight: from wrk for `seconds` when it is installed (the
 * client of the GET rows), else `total` POSTs by fetch from this process. Returns
 * { perSecond, names } (names read back from the bucket: what was really written).
 */
async function createRate(server, token, { prefix, total, concurrency, seconds, dataDir }) {
  const fromWrk = await wrkCreates(`${server.url}/api/v1/environments`, {
    concurrency,
    seconds,
    token,
    prefix,
    body: createBody('__NAME__'),
    scriptDir: root,
  });
  if (fromWrk !== undefined) {
    const names = (await readdir(bucketOf(dataDir)))
      .filter((file) => file.startsWith(`${prefix}-`) && file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length));
    return { perSecond: fromWrk, names };
  }
  let next = 0;
  const names = [];
  const worker = async () => {
    while (next < total) {
      const name = `${prefix}-${String(next++).padStart(5, '0')}`;
      const response = await fetch(`${server.url}/api/v1/environments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(createBody(name)),
        signal: AbortSignal.timeout(60_000),
      });
      await response.text();
      if (response.status !== 201) throw new Error(`create ${name} answered ${response.status}`);
      names.push(name);
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: (total * 1000) / (now() - started), names };
}

/** Removes the claims the create rows wrote (`new-c…`) from a bucket directory. */
async function removeCreated(bucket) {
  for (const file of await readdir(bucket)) {
    if (file.startsWith('new-c')) await rm(join(bucket, file), { force: true });
  }
}

/** The raw baseline: the same bytes, temp file + fsync + rename + directory fsync, same concurrency. */
async function rawWriteRate(dir, files, concurrency) {
  mkdirSync(dir, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const { name, bytes } = files[next++];
      const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await open(temp, 'wx');
      await handle.writeFile(bytes);
      await handle.sync();
      await handle.close();
      await rename(temp, join(dir, name));
      const directory = await open(dir, 'r');
      await directory.sync();
      await directory.close();
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (files.length * 1000) / (now() - started);
}

/** Does this build's config accept `store.watch: false`? (The switch may not exist yet.) */
async function watchSwitchSupported() {
  try {
    const { configFileSchema } = await import('../dist/config/config-schema.js');
    return configFileSchema.safeParse({ store: { watch: false } }).success;
  } catch {
    return false;
  }
}

// --- the run ------------------------------------------------------------------------------

const root = await createRunRoot('platform-bench-scale-', { progress, killChildren: killAllSync });

const { tokens, entries: tokenEntries } = makeTokens();
const tenancyPath = join(root, 'tenancy.yaml');
writeFileSync(tenancyPath, tenancyYaml());
const watchSwitch = await watchSwitchSupported();
let configs = 0;

/** A server over `dataDir` with the given `store` keys; config written next to the data. */
async function serverFor(dataDir, store = {}) {
  const port = await freePort();
  const configPath = writeConfig(join(root, `config-${++configs}.json`), {
    port,
    tenancyPath,
    tokenEntries,
    store,
  });
  return startPlatform({ configPath, dataDir, port, timeoutMs: READY_TIMEOUT_MS });
}

const empty = {};
try {
  progress(
    `claims: ${CLAIM_COUNTS.map(count).join(', ')}; load generator: ${loadGenerator}; ` +
      `store.watch switch: ${watchSwitch ? 'yes' : 'no'}; temp: ${root}`,
  );

  // The baseline server: the same platform over an empty store, kept running for the whole
  // run so its idle CPU and /healthz are measured right beside each figure of ours.
  await other(undefined, 'empty-store server', async () => {
    progress('empty store: cold start');
    const dataDir = join(root, 'empty');
    mkdirSync(bucketOf(dataDir), { recursive: true });
    empty.server = await serverFor(dataDir, { resyncInterval: RESYNC_INTERVAL });
    empty.readyMs = empty.server.readyMs;
    await sleep(500);
    empty.rss = rssBytes(empty.server.pid);
  });
  /** p99 of the empty-store server's /healthz over `durationMs`, polled the same way. */
  const emptyHealth = async (durationMs) =>
    empty.server ? percentile(await pollHealth(empty.server.url, durationMs), 0.99) : undefined;

  if (REJECTED > 0)
    await other(REJECTED, `cold start: ${count(REJECTED)} rejected vs valid`, async () => {
      const times = {};
      for (const kind of ['valid', 'rejected']) {
        const dataDir = join(root, `cold-${kind}`);
        writeClaims(dataDir, REJECTED, { rejected: kind === 'rejected' });
        progress(`cold start with ${count(REJECTED)} ${kind} claims`);
        const server = await serverFor(dataDir);
        try {
          times[kind] = server.readyMs;
          const { status, text } = await get(`${server.url}/api/v1/rejected-claims`, {
            token: tokens.admin,
            timeoutMs: 120_000,
          });
          if (status !== 200) throw new Error(`GET /api/v1/rejected-claims answered ${status}`);
          const listed = JSON.parse(text).items.length;
          const expected = kind === 'rejected' ? REJECTED : 0;
          if (listed !== expected)
            throw new Error(`${listed} rejected claims listed, expected ${expected}`);
        } finally {
          await stop(server);
        }
        rmSync(dataDir, { recursive: true, force: true });
      }
      row(
        REJECTED,
        'cold start to ready: rejected claims vs valid',
        `${fmtMs(times.rejected)} rejected`,
        `${fmtMs(times.valid)} valid`,
        `${fmtX(times.rejected / times.valid)}×`,
      );
    });

  const coldStarts = new Map();
  for (const n of CLAIM_COUNTS) {
    const dataDir = join(root, `n-${n}`);
    progress(`N=${count(n)}: writing claim files`);
    const diskBytes = writeClaims(dataDir, n);
    const target = envName(0); // pool-0000: readable by the 1 % reader
    const targetPath = `/api/v1/environments/${target}`;

    // --- server A: the shipped defaults (watcher on, default resync interval) -------------
    progress(`N=${count(n)}: cold start (shipped defaults)`);
    const server = await part(n, 'cold start to ready', () => serverFor(dataDir));
    if (server) {
      try {
        coldStarts.set(n, server.readyMs);
        const rss = rssBytes(server.pid);
        row(
          n,
          'cold start to ready (spawn → /readyz 200)',
          fmtMs(server.readyMs),
          empty.readyMs ? `${fmtMs(empty.readyMs)} empty store` : '',
          empty.readyMs ? `${fmtX(server.readyMs / empty.readyMs)}×` : '',
        );
        row(
          n,
          'RSS right after ready',
          fmtMb(rss),
          empty.rss ? `${fmtMb(empty.rss)} empty store` : '',
          empty.rss
            ? `${((rss - empty.rss) / n / 1024).toFixed(2)} KB/claim (${fmtMb(diskBytes)} on disk)`
            : '',
        );

        await other(n, 'idle CPU', async () => {
          progress(`N=${count(n)}: idle CPU`);
          await sleep(1000);
          // Both idle over the same window: ours and the empty-store server.
          const seconds = scaled(5, 3);
          const [cpu, emptyCpu] = await Promise.all([
            idleCpuPercent(server.pid, seconds),
            empty.server ? idleCpuPercent(empty.server.pid, seconds) : undefined,
          ]);
          row(
            n,
            'idle CPU, nothing changing (shipped resync interval)',
            `${cpu.toFixed(1)} % of a core`,
            emptyCpu === undefined ? '' : `${emptyCpu.toFixed(1)} % empty store`,
            emptyCpu === undefined ? '' : `${(cpu - emptyCpu).toFixed(1)} points more`,
          );
          const durationMs = scaled(3000, 1500);
          const p99 = percentile(await pollHealth(server.url, durationMs), 0.99);
          const baseline = await emptyHealth(durationMs);
          row(
            n,
            '/healthz p99 idle (shipped defaults)',
            fmtMs(p99),
            baseline ? `${fmtMs(baseline)} empty store` : '',
            baseline ? `${fmtX(p99 / baseline)}×` : '',
          );
        });

        await only('get', n, `GET ${targetPath} c50`, async () => {
          const first = await get(`${server.url}${targetPath}`, { token: tokens.reader });
          if (first.status !== 200)
            throw new Error(`reader GET ${target} answered ${first.status}`);
          const bodyFile = join(root, 'environment.json');
          writeFileSync(bodyFile, first.text);
          const bare = await startBare(bodyFile, first.headers.get('etag'));
          try {
            const check = await get(`${bare.url}${targetPath}`);
            if (check.text !== first.text) throw new Error('bare server body differs');
            const seconds = scaled(5, 2);
            const rounds = Math.max(3, scaled(3));
            const rates = { bare: [], ours: [] };
            // The server's CPU per request (user + system, its own process): on 2 shared
            // cores the load generator takes its share too, so this says what ours costs.
            const cpuPerRequest = { bare: [], ours: [] };
            for (let round = 0; round < rounds; round++) {
              for (const [kind, target] of [
                ['bare', bare],
                ['ours', server],
              ]) {
                progress(
                  `N=${count(n)}: GET c50 ${kind} round ${round + 1}/${rounds} (${seconds} s)`,
                );
                const cpuBefore = cpuSeconds(target.pid);
                const started = now();
                const rate = await loadTest(`${target.url}${targetPath}`, {
                  concurrency: 50,
                  seconds,
                  token: tokens.reader,
                });
                const requests = (rate * (now() - started)) / 1000;
                rates[kind].push(rate);
                cpuPerRequest[kind].push(((cpuSeconds(target.pid) - cpuBefore) * 1e6) / requests);
              }
            }
            const ours = median(rates.ours);
            const baseline = median(rates.bare);
            const µs = (kind) => `${median(cpuPerRequest[kind]).toFixed(0)} µs CPU/req`;
            row(
              n,
              `authorized GET one environment, c50 (median of ${rounds})`,
              `${count(ours)} req/s, ${µs('ours')}`,
              `${count(baseline)} req/s bare Hono, ${µs('bare')}`,
              `${fmtX(ours / baseline)} of bare`,
            );
          } finally {
            await stop(bare);
          }
        });

        await other(n, 'change-to-visible (watcher)', async () => {
          const samples = scaled(100, 20);
          progress(`N=${count(n)}: change-to-visible with the watcher (${samples} files)`);
          const timeoutMs = 60_000;
          const result = await changeToVisible(server, tokens.admin, {
            write: claimFileWriter(dataDir),
            prefix: 'vis-watch',
            samples,
            gapMs: 50,
            pollMs: 5,
            timeoutMs,
          });
          row(
            n,
            `change → visible p50 / p99, watcher (${samples} files)`,
            fmtVisible(result, timeoutMs),
            '',
            '',
          );
        });

        for (const concurrency of [1, 16]) {
          await only('create', n, `create c${concurrency}`, async () => {
            const total = concurrency === 1 ? scaled(100, 20) : scaled(400, 64);
            const seconds = Math.max(2, Math.round(5 * SCALE));
            // Alternating rounds, as for GET: on a shared host a slow spell then hits both
            // sides of one ratio, and the median ratio is reported.
            const rounds = 3;
            const oursRates = [];
            const rawRates = [];
            const ratios = [];
            let claims = 0;
            for (let round = 1; round <= rounds; round++) {
              progress(`N=${count(n)}: creates at c${concurrency}, round ${round}/${rounds}`);
              const ours = await createRate(server, tokens.admin, {
                prefix: `new-c${concurrency}-r${round}`,
                total,
                concurrency,
                seconds,
                dataDir,
              });
              const files = await Promise.all(
                ours.names.map(async (name) => ({
                  name: `${name}.json`,
                  bytes: await readFile(join(bucketOf(dataDir), `${name}.json`)),
                })),
              );
              const raw = await rawWriteRate(
                join(root, `raw-${n}-c${concurrency}-r${round}`),
                files,
                concurrency,
              );
              oursRates.push(ours.perSecond);
              rawRates.push(raw);
              ratios.push(ours.perSecond / raw);
              claims += ours.names.length;
            }
            row(
              n,
              `create (POST) at c${concurrency}, ${count(claims)} claims (median of ${rounds} rounds)`,
              `${count(median(oursRates))}/s`,
              `${count(median(rawRates))}/s raw temp+fsync+rename+dir fsync`,
              `${fmtX(median(ratios))} of raw`,
            );
          });
        }
      } finally {
        await stop(server);
      }
    }
    if (!all) {
      rmSync(dataDir, { recursive: true, force: true });
      continue;
    }
    // The create rounds wrote tens of thousands of claims; server B measures N, not N + those.
    // Then the disk is flushed, so their writeback does not land in server B's figures.
    await removeCreated(bucketOf(dataDir));
    execFileSync('sync');

    // --- server B: a short resync interval (and no watcher, where the switch exists) -------
    const storeB = { resyncInterval: RESYNC_INTERVAL, ...(watchSwitch ? { watch: false } : {}) };
    progress(`N=${count(n)}: server with store ${JSON.stringify(storeB)}`);
    const resyncing = await other(n, `server with resyncInterval ${RESYNC_INTERVAL}`, () =>
      serverFor(dataDir, storeB),
    );
    if (resyncing) {
      try {
        row(
          n,
          `cold start to ready, resyncInterval ${RESYNC_INTERVAL}${watchSwitch ? ', no watcher' : ''}`,
          fmtMs(resyncing.readyMs),
          coldStarts.has(n) ? `${fmtMs(coldStarts.get(n))} shipped defaults` : '',
          coldStarts.has(n) ? `${fmtX(resyncing.readyMs / coldStarts.get(n))}×` : '',
        );
        await part(n, '/healthz during resync', async () => {
          const durationMs = scaled(10_000, 4000);
          progress(`N=${count(n)}: /healthz every 5 ms for ${durationMs / 1000} s while resyncing`);
          const cpuBefore = cpuSeconds(resyncing.pid);
          const health = await pollHealth(resyncing.url, durationMs);
          // The server's CPU over the window shows the resyncs did run (beside the polling).
          const cpu = ((cpuSeconds(resyncing.pid) - cpuBefore) / (durationMs / 1000)) * 100;
          const p99 = percentile(health, 0.99);
          const baseline = await emptyHealth(durationMs);
          row(
            n,
            `/healthz p99 during resyncs (every ${RESYNC_INTERVAL}; max ${fmtMs(health.at(-1))}, server CPU ${cpu.toFixed(0)} %)`,
            fmtMs(p99),
            baseline ? `${fmtMs(baseline)} empty store` : '',
            baseline ? `${fmtX(p99 / baseline)}×` : '',
          );
        });
        if (watchSwitch) {
          await part(n, 'change-to-visible (resync only)', async () => {
            const samples = scaled(40, 10);
            progress(`N=${count(n)}: change-to-visible, resync only (${samples} files)`);
            const timeoutMs = 120_000;
            const result = await changeToVisible(resyncing, tokens.admin, {
              write: claimFileWriter(dataDir),
              prefix: 'vis-resync',
              samples,
              gapMs: 200,
              pollMs: 20,
              timeoutMs,
            });
            row(
              n,
              `change → visible p50 / p99, resync only (store.watch false, every ${RESYNC_INTERVAL})`,
              fmtVisible(result, timeoutMs),
              '',
              '',
            );
          });
        } else {
          row(
            n,
            'change → visible, resync only',
            'not measurable',
            'this build has no store.watch switch',
            '',
          );
        }
      } finally {
        await stop(resyncing);
      }
    }

    // --- in process: the permission-filtered first page vs one Cedar decision each --------
    await other(n, 'filtered first page', async () => {
      progress(`N=${count(n)}: loading an in-process platform for the list measurements`);
      const result = await listFirstPages({
        root,
        bucketsPath: join(dataDir, 'buckets'),
        tenancyPath,
        subjects: SUBJECTS,
        readable: readableOf(n),
        scale: SCALE,
        progress: (what) => progress(`N=${count(n)}: ${what}`),
      });
      for (const who of result) {
        if (who.wrong) {
          report.fail();
          progress(`WRONG first page, ${who.label}: ${who.wrong}`);
        }
        row(
          n,
          `first page (limit 50), ${who.label}`,
          `${who.wrong ? `WRONG (${who.wrong}) ` : ''}${fmtMs(who.ours)} p50`,
          `${fmtMs(who.naive)} per-item Cedar${who.estimated ? ' (est.)' : ''}`,
          `${fmtX(who.naive / who.ours)}× faster`,
        );
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
  }

  const [small, large] = CLAIM_COUNTS;
  if (large !== undefined && coldStarts.has(small) && coldStarts.has(large)) {
    row(
      undefined,
      `cold start growth ${count(small)} → ${count(large)}`,
      `${fmtX(coldStarts.get(large) / coldStarts.get(small))}×`,
      `${fmtX(large / small)}× the claims`,
      '',
    );
  }
} finally {
  progress('stopping child processes and removing temp files');
  await stop(empty.server);
  await stopAll();
  await rm(root, { recursive: true, force: true });
}

report.print(
  `Platform at scale (${POOLS} products; load generator: ${loadGenerator}; BENCH_SCALE=${SCALE})`,
);
