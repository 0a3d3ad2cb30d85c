// Benchmark: the web console's budgets (issue 17), measured in Debian's Chromium against the
// real `platformctl serve` holding 200 environments:
//  - the first load's transfer, compressed, against 250 KB: every response of a fresh
//    browser opening `/` (index.html, script, stylesheet, /login-config), as the DevTools
//    protocol counts it (`Network.loadingFinished` encodedDataLength: bytes on the wire,
//    headers included), then the same plus the signed-in list page's API calls;
//  - the Environments page's script time for 50 rows against 100 ms: the main thread's
//    script time (CDP `Performance.getMetrics` ScriptDuration) from a click on "Next page"
//    or "First page" until the page's `environments:rendered` mark, median of RUNS, and the
//    page's own `environments:fetch-start` → `environments:rendered` span (wall time, the
//    API call included) beside it.
// Builds nothing: run `npm run build` first (npm run bench:console does). Figures on stdout.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createReport, fmtMs, median } from './support/report.js';

const ENVIRONMENTS = Number(process.env.BENCH_CONSOLE_ENVIRONMENTS ?? 200);
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 15);
const FIRST_LOAD_BUDGET = 250 * 1024;
const SCRIPT_BUDGET_MS = 100;
const CLI = fileURLToPath(new URL('../bin/platformctl.js', import.meta.url));
const CONSOLE_INDEX = fileURLToPath(new URL('../dist/console/index.html', import.meta.url));

const report = createReport({ measure: 'measure', ours: 'ours', budget: 'budget', verdict: '' });
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

await readFile(CONSOLE_INDEX).catch(() => {
  throw new Error(`${CONSOLE_INDEX} is missing: run npm run build first`);
});

// --- a server with ENVIRONMENTS claims and an administrator's token -----------------------
const dataDir = await mkdtemp(join(tmpdir(), 'bench-console-'));
const token = randomBytes(24).toString('base64url');
const sha256 = createHash('sha256').update(token).digest('hex');
await writeFile(
  join(dataDir, 'platform.yaml'),
  [
    'server: { port: 0 }',
    `auth: { tokens: [{ subject: bench@example.com, sha256: "${sha256}" }] }`,
    'tenancy: ./tenancy.yaml',
    'log: { level: warn }',
    '',
  ].join('\n'),
);
await writeFile(join(dataDir, 'tenancy.yaml'), 'platformAdmins:\n  users: [bench@example.com]\n');
const bucket = join(dataDir, 'buckets', 'environments');
await mkdir(bucket, { recursive: true });
const now = Date.now();
for (let i = 0; i < ENVIRONMENTS; i += 1) {
  const name = `bench-env-${String(i).padStart(4, '0')}`;
  const sue = i % 3 === 0;
  const claim = {
    environment_name: name,
    environment_type: sue ? 'sue' : 'dev',
    environment_pool: `pool-${i % 7}`,
    user: `user${i % 11}@example.com`,
    creation_date: new Date(now - i * 60_000).toISOString(),
    services: { 'user-service': 'v1.2.3', 'billing-service': '^2.1.0' },
    ...(sue ? { expiration_date: new Date(now + (1 + (i % 100)) * 3_600_000).toISOString() } : {}),
  };
  await writeFile(join(bucket, `${name}.json`), JSON.stringify(claim, null, 2));
}

report.progress(`starting platformctl serve with ${ENVIRONMENTS} environments`);
const server = spawn(
  process.execPath,
  [CLI, 'serve', '--config', join(dataDir, 'platform.yaml'), '--data-dir', dataDir],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PLATFORM_LOG_LEVEL: 'info' } },
);
const url = await new Promise((resolve, reject) => {
  let buffered = '';
  server.stdout.setEncoding('utf8');
  server.stdout.on('data', (chunk) => {
    buffered += chunk;
    const line = buffered.split('\n').find((text) => text.includes('"msg":"listening"'));
    if (line) resolve(JSON.parse(line).url);
  });
  server.once('exit', (code) => reject(new Error(`serve exited ${code} before listening`)));
});
for (let tries = 0; (await fetch(`${url}/readyz`)).status !== 200; tries += 1) {
  if (tries > 200) throw new Error('the server did not become ready');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});

try {
  // --- first load ---------------------------------------------------------------------------
  await report.part({ measure: 'first load, compressed' }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const responses = new Map();
    cdp.on('Network.responseReceived', ({ requestId, response }) => {
      const headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value]),
      );
      responses.set(requestId, {
        url: response.url,
        encoding: headers['content-encoding'] ?? 'identity',
        bytes: 0,
      });
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const entry = responses.get(requestId);
      if (entry) entry.bytes = encodedDataLength;
    });
    await page.goto(`${url}/`, { waitUntil: 'networkidle' });
    await page.getByRole('heading', { name: 'Sign in to the Platform console' }).waitFor();
    const firstLoad = [...responses.values()];
    const total = firstLoad.reduce((sum, entry) => sum + entry.bytes, 0);
    for (const entry of firstLoad) {
      report.progress(`  ${kb(entry.bytes).padStart(9)} ${entry.encoding.padEnd(8)} ${entry.url}`);
    }
    const uncompressed = firstLoad.filter(
      (entry) => entry.encoding === 'identity' && /\.(js|css|html)$|\/$/.test(entry.url),
    );
    if (uncompressed.length > 0) {
      report.progress(`uncompressed: ${uncompressed.map((entry) => entry.url).join(', ')}`);
      report.fail();
    }
    report.row({
      measure: `first load of / (${firstLoad.length} responses, headers included)`,
      ours: kb(total),
      budget: kb(FIRST_LOAD_BUDGET),
      verdict: total <= FIRST_LOAD_BUDGET ? 'within' : 'OVER',
    });

    responses.clear();
    await page.getByLabel(/Bearer token/).fill(token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('table tbody tr').nth(49).waitFor();
    await page.waitForLoadState('networkidle');
    const signedIn = [...responses.values()].reduce((sum, entry) => sum + entry.bytes, 0);
    report.row({
      measure: `+ signing in and the first 50 rows (${responses.size} API responses)`,
      ours: kb(total + signedIn),
      budget: '',
      verdict: '',
    });
    await context.close();
  });

  // --- 50 rows: script time ------------------------------------------------------------------
  await report.part({ measure: 'list page, 50 rows' }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(`${url}/`);
    await page.getByLabel(/Bearer token/).fill(token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('table tbody tr').nth(49).waitFor();

    const scriptSeconds = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'ScriptDuration').value;
    };
    const renderedCount = () =>
      page.evaluate(() => performance.getEntriesByName('environments:rendered').length);
    const scriptMs = [];
    const spanMs = [];
    for (let run = 0; run < RUNS; run += 1) {
      // Alternately the second page and the first: 50 new rows each time.
      const button = run % 2 === 0 ? 'Next page' : 'First page';
      const before = await renderedCount();
      const scriptBefore = await scriptSeconds();
      await page.getByRole('button', { name: button }).click();
      await page.waitForFunction(
        (count) => performance.getEntriesByName('environments:rendered').length > count,
        before,
      );
      scriptMs.push(((await scriptSeconds()) - scriptBefore) * 1000);
      const rows = await page.locator('table tbody tr').count();
      if (rows !== 50) throw new Error(`${button} rendered ${rows} rows, not 50`);
      spanMs.push(
        await page.evaluate(() => {
          const start = performance.getEntriesByName('environments:fetch-start').at(-1);
          const end = performance.getEntriesByName('environments:rendered').at(-1);
          return end.startTime - start.startTime;
        }),
      );
    }
    const script = median(scriptMs);
    report.row({
      measure: `script time to render 50 rows (ScriptDuration, median of ${RUNS})`,
      ours: fmtMs(script),
      budget: fmtMs(SCRIPT_BUDGET_MS),
      verdict: script <= SCRIPT_BUDGET_MS ? 'within' : 'OVER',
    });
    report.row({
      measure: 'fetch-start → rendered (wall time, API call included, median)',
      ours: fmtMs(median(spanMs)),
      budget: '',
      verdict: '',
    });
    await context.close();
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}

report.print(`Web console budgets (${ENVIRONMENTS} environments; Chromium ${browser.version()})`);
