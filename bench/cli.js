// Benchmark: how fast platformctl starts for commands that need no server (issue 14). Each
// command runs RUNS times (BENCH_CLI_RUNS, default 15), alternating with `node -e 0` (the
// floor any Node CLI pays), and the table gives the medians and the ratio to that floor.
// Run: npm run bench:cli    (progress on stderr, the table on stdout)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createReport, fmtMs, fmtX, median } from './support/report.js';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);
const CLI = fileURLToPath(new URL('../bin/platformctl.js', import.meta.url));
const COMMANDS = [['--version'], ['--help'], ['audit', '--help'], ['access', '--help']];

const report = createReport({
  command: 'command',
  ours: 'ours (p50)',
  floor: 'node -e 0 (p50)',
  ratio: 'ratio',
});

/** Wall time of one run in ms; a failing run fails the bench (a wrong result). */
function timeRun(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
