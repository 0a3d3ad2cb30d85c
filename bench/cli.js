// Benchmark: how fast platformctl starts (issue 14): commands that need no server, and
// client commands against a stub API in a child process that answers at once (so the
// figure is the CLI's own cost, not a server's). Each command runs RUNS times (BENCH_CLI_RUNS, default 15), alternating with `node -e 0` (the
// floor any Node CLI pays), and the table gives the medians and the ratio to that floor.
// Run: npm run bench:cli    (progress on stderr, the table on stdout)
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createReport, fmtMs, fmtX, median } from './support/report.js';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);
const CLI = fileURLToPath(new URL('../bin/platformctl.js', import.meta.url));
const COMMANDS = [
  ['--version'],
  ['--help'],
  ['audit', '--help'],
  ['access', '--help'],
  ['env', 'list', '--help'],
  ['env', 'list'],
  ['env', 'get', 'dev-a', '-o', 'json'],
];

// The stub: an empty page for the list, one environment for the get; nothing else.
const STUB = `
const view = { environment_name: 'dev-a', environment_type: 'dev', environment_pool: 'p',
  user: 'u@example.com', creation_date: '2026-01-01T00:00:00Z', services: {},
  status: { bucket: 'environments', managed_by: 'api', expires_at: null, etag: 'e' } };
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(req.url.startsWith('/api/v1/environments/') ? view : { items: [], next_cursor: null }));
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;
const stub = spawn(process.execPath, ['-e', STUB], { stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = await once(stub.stdout, 'data');
const CLIENT_ENV = {
  ...process.env,
  PLATFORM_SERVER: `http://127.0.0.1:${String(portLine).trim()}`,
  PLATFORM_TOKEN: 'bench-token',
};

const report = createReport({
  command: 'command',
  ours: 'ours (p50)',
  floor: 'node -e 0 (p50)',
  ratio: 'ratio',
});

/** Wall time of one run in ms; a failing run fails the bench (a wrong result). */
function timeRun(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: CLIENT_ENV,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

for (const command of COMMANDS) {
  const label = `platformctl ${command.join(' ')}`;
  await report.part({ command: label }, async () => {
    report.progress(`${label}: ${RUNS} runs, alternating with node -e 0`);
    const ours = [];
    const floor = [];
    timeRun([CLI, ...command]); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      floor.push(timeRun(['-e', '0']));
      ours.push(timeRun([CLI, ...command]));
    }
    const [a, b] = [median(ours), median(floor)];
    report.row({ command: label, ours: fmtMs(a), floor: fmtMs(b), ratio: `${fmtX(a / b)}×` });
  });
}
report.print(`platformctl start time (${RUNS} runs each)`);
stub.kill();
