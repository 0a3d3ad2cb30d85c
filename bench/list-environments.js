// Benchmark: listing environments through the ClaimIndex vs. the naive baseline of
// reading and parsing every claim file per request (what the index exists to avoid).
// Also reports create throughput through the full HTTP app (no socket).
// Run: npm run bench   (figures vary with the machine; the ratio is the point)
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { hashToken } from '../dist/adapters/token-authenticator/static-token-authenticator.js';
import { judgeStoredClaim } from '../dist/domain/claims/claim-rules.js';
import { loadConfig } from '../dist/config/load-config.js';
import { createPlatform } from '../dist/main.js';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 2000);
const TOKEN = 'bench-token';
// The example tenancy model makes the `platform-admins` group platform administrators, so
// the bench user may create and list in any pool (without a model every request is a 403).
const TENANCY = fileURLToPath(new URL('../examples/tenancy.yaml', import.meta.url));

async function timed(iterations, task) {
  await task(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await task();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { perOpMs: ms / iterations, opsPerSecond: (iterations * 1000) / ms };
}

const dataDir = await mkdtemp(join(tmpdir(), 'platform-bench-'));
try {
  const loaded = await loadConfig({ flags: { dataDir }, env: {} });
  const config = {
    ...loaded,
    tenancy: { ...loaded.tenancy, path: TENANCY },
    auth: {
      ...loaded.auth,
      tokens: [
        {
          subject: 'bench@example.com',
          groups: ['platform-admins'],
          sha256: hashToken(TOKEN),
          kind: 'user',
        },
      ],
    },
  };
  const platform = await createPlatform(config, { logger: pino({ level: 'silent' }) });
  const lifetime = new AbortController();
  await platform.sync.start(lifetime.signal);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const types = ['dev', 'sue', 'staging', 'prod'];

  let next = 0;
  const create = await timed(CLAIMS - 1, async () => {
    const i = next++;
    const response = await platform.app.request('/api/v1/environments', {
      method: 'POST',
      headers,
      body: JSON.stringify({
        environment_name: `env-${String(i).padStart(5, '0')}`,
        environment_type: types[i % types.length],
        environment_pool: `team${i % 10}`,
        services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0' },
      }),
    });
    if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  });

  let indexedNames = [];
  const indexed = await timed(500, async () => {
    const response = await platform.app.request(
      '/api/v1/environments?type=sue&pool=team1&limit=50',
      { headers },
    );
    if (response.status !== 200) throw new Error(`list failed: ${response.status}`);
    indexedNames = (await response.json()).items.map((item) => item.environment_name);
  });

  // Baseline: what a list costs without an index: read, parse and validate every file.
  const bucket = join(config.store.path, 'environments');
  let scanNames = [];
  const scan = await timed(20, async () => {
    const names = (await readdir(bucket)).filter((name) => name.endsWith('.json')).sort();
    const items = [];
    for (const name of names) {
      const verdict = judgeStoredClaim(
        name.slice(0, -5),
        await readFile(join(bucket, name), 'utf8'),
        config.catalogue,
      );
      if (
        verdict.valid &&
        verdict.claim.environment_type === 'sue' &&
        verdict.claim.environment_pool === 'team1'
      ) {
        items.push(verdict.claim);
      }
    }
    JSON.stringify(items.slice(0, 50));
    scanNames = items.slice(0, 50).map((claim) => claim.environment_name);
  });
  // Both ways must give the same first page, or the speed-up means nothing.
  if (scanNames.length === 0 || scanNames.join() !== indexedNames.join()) {
    throw new Error(
      `index and baseline disagree: ${indexedNames.length} vs ${scanNames.length} items`,
    );
  }

  const syncStarted = process.hrtime.bigint();
  await platform.sync.fullSync();
  const fullSyncMs = Number(process.hrtime.bigint() - syncStarted) / 1e6;
  lifetime.abort();
  await platform.close();

  const fmt = (n) => n.toFixed(n < 10 ? 3 : 1);
  console.log(`claims in store:                 ${CLAIMS}`);
  console.log(
    `create (POST, full app):          ${fmt(create.opsPerSecond)} ops/s  (${fmt(create.perOpMs)} ms/op)`,
  );
  console.log(
    `list via index (GET, full app):   ${fmt(indexed.opsPerSecond)} ops/s  (${fmt(indexed.perOpMs)} ms/op)`,
  );
  console.log(
    `list baseline (read every file):  ${fmt(scan.opsPerSecond)} ops/s  (${fmt(scan.perOpMs)} ms/op)`,
  );
  console.log(`speed-up of index over baseline:  ${fmt(scan.perOpMs / indexed.perOpMs)}x`);
  console.log(`full resync of the index:         ${fmt(fullSyncMs)} ms`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
