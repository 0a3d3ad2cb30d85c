// Benchmark: the access compiler at scale. A generated model with 2,000 teams (products),
// 10,000 namespaces and 50,000 users (25 per team; half the teams list them one by one,
// half through declared IdP groups), 20 organizations in two naming conventions, 10
// Keycloak realms, 4 EKS clusters, every team with Argo CD, Grafana, GitHub, Secrets
// Manager and ECR, a quarter with SonarQube and Gerrit. Figures are medians of several runs:
//   1. check   — YAML text → schema → model checks (what `platformctl access check` does)
//   2. render  — compile every tool's files in memory (`compileAccess`)
//   3. write   — render into an empty directory (files + manifest), and again unchanged
//   4. plan    — against the rendered directory: no change, then after one team changes
//   5. peak memory (max RSS of the process)
// Baseline in the same run: the same YAML documents serialized with the `yaml` package
// (the obvious choice) beside js-yaml (the compiler's choice), and the floor of
// JSON.stringify of the model. Goal (issue 4): a full render under 2 seconds; as hosts
// differ, compare the render with the js-yaml baseline of the same run (the ratio line).
// The service's image runs Node 24, where the render takes about 0.6 of Node 20's time:
// docs/access-compiler.md ("Render performance") says how to run this bench on Node 24.
// The worker rows render through the worker-thread adapter (`platformctl access render`).
// The render rows also give its system time and minor page faults: the kernel faults in every
// page the heap grows into, which on some VMs costs a fifth of the render.
// Run: npm run bench:access   (BENCH_SCALE=0.2 for a quick look: a fifth of the teams;
// BENCH_RENDER_ONLY=1 skips the write and plan rows, which take minutes)
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as yamlStringify, parseAllDocuments } from 'yaml';
import { dump } from 'js-yaml';
import { createFsAccessOutputDirectory } from '../dist/adapters/fs-access-output/fs-access-output-directory.js';
import { createAccessCompilerService } from '../dist/app/access-compiler-service.js';
import { createWorkerAccessRenderer } from '../dist/adapters/worker-access-renderer/worker-access-renderer.js';
import { compileAccess } from '../dist/domain/access/compile-access.js';
import { compileAccessGraph } from '../dist/domain/access/access-graph.js';
import { planCounts } from '../dist/domain/access/access-plan.js';
import { parseTenancy } from '../dist/domain/tenancy/parse-tenancy.js';
import { generateModel, NAMESPACES_PER_TEAM, USERS_PER_TEAM } from './support/access-model.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const TEAMS = Math.round(2000 * SCALE);
const RUNS = 5;

const count = (n) => n.toLocaleString('en-US');
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function time(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}
async function timeAsync(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const raw = generateModel(TEAMS);
if (process.env.BENCH_DUMP) {
  (await import('node:fs')).writeFileSync(process.env.BENCH_DUMP, yamlStringify(raw));
  process.exit(0);
}
const text = yamlStringify(raw);
console.log(
  `access compiler: ${count(TEAMS)} teams, ${count(TEAMS * NAMESPACES_PER_TEAM)} namespaces, ${count(TEAMS * USERS_PER_TEAM)} users; ${count(text.length)} bytes of YAML; ${cpus().length} CPUs, Node ${process.version}`,
);

const checks = [];
let model;
for (let run = 0; run < RUNS; run++) {
  const { ms: took, result } = time(() => parseTenancy(text, { source: 'bench.yaml' }));
  checks.push(took);
  model = result.model;
}

const renders = [];
const renderCpu = [];
const renderSystem = [];
const renderFaults = [];
let compiled;
for (let run = 0; run < RUNS; run++) {
  // One render alive at a time, as in `platformctl access render`: holding the last one
  // while the next runs doubles the heap the collector walks.
  compiled = undefined;
  const before = process.resourceUsage();
  const { ms: took, result } = time(() => compileAccess(model));
  const after = process.resourceUsage();
  renders.push(took);
  // CPU time too: on a shared host the wall time says as much about the neighbours.
  renderCpu.push(
    (after.userCPUTime - before.userCPUTime + after.systemCPUTime - before.systemCPUTime) / 1000,
  );
  // The kernel's share: every page the heap grows into is faulted in (dear on some VMs).
  renderSystem.push((after.systemCPUTime - before.systemCPUTime) / 1000);
  renderFaults.push(after.minorPageFault - before.minorPageFault);
  compiled = result;
}
// The same render through worker threads: one worker (the default), then two.
const workerRenders = {};
for (const workers of [1, 2]) {
  const renderer = createWorkerAccessRenderer({ workers, minProducts: 0 });
  workerRenders[workers] = [];
  for (let run = 0; run < 3; run++) {
    const { ms: took, result } = await timeAsync(() => renderer.render(model));
    if (result.length !== compiled.files.length) throw new Error('worker render lost files');
    workerRenders[workers].push(took);
  }
}
// Where a render's time goes: the graph, then each generator over it (median of 3).
const GENERATORS = {
  idp: 'Idp',
  keycloak: 'Keycloak',
  kubernetes: 'Kubernetes',
  argocd: 'ArgoCd',
  grafana: 'Grafana',
  sonarqube: 'SonarQube',
  nexus: 'Nexus',
  gerrit: 'Gerrit',
  aws: 'Aws',
  github: 'GitHub',
};
const split = { graph: [] };
for (let run = 0; run < 3; run++) {
  const { ms: took, result: graph } = time(() => compileAccessGraph(model));
  split.graph.push(took);
  for (const [tool, name] of Object.entries(GENERATORS)) {
    const module = await import(`../dist/domain/access/tools/${tool}/compile-${tool}.js`);
    (split[tool] ??= []).push(time(() => module[`compile${name}`](graph)).ms);
  }
}
const bytes = compiled.files.reduce((n, file) => n + file.content.length, 0);
const perTool = compiled.outputs
  .map((output) => `${output.tool} ${count(output.files.length)}`)
  .join(', ');

// Baselines over the same Kubernetes documents: the `yaml` package vs js-yaml, and the floor.
const documents = compiled.files
  .filter((file) => file.path.startsWith('kubernetes/'))
  .flatMap((file) => parseAllDocuments(file.content).map((doc) => doc.toJSON()));
const jsYaml = median(
  Array.from(
    { length: 3 },
    () => time(() => documents.map((d) => dump(d, { noRefs: true, lineWidth: -1 }))).ms,
  ),
);
const yamlPackage = median(
  Array.from({ length: 3 }, () => time(() => documents.map((d) => yamlStringify(d))).ms),
);
const floor = median(Array.from({ length: 3 }, () => time(() => JSON.stringify(model)).ms));

const renderRows = [
  ['check (parse + schema + model checks)', median(checks)],
  ['render in memory (every tool)', median(renders)],
  ['  its CPU time (this thread and the GC helpers)', median(renderCpu)],
  [
    `  of which system time (${count(median(renderFaults))} minor page faults)`,
    median(renderSystem),
  ],
  ['render in 1 worker thread (median of 3)', median(workerRenders[1])],
  ['render in 2 worker threads (median of 3)', median(workerRenders[2])],
];
const ratio = (value) => `${(value / jsYaml).toFixed(2)}×`;
const summary = () => {
  console.log(
    `  files: ${count(compiled.files.length)} (${perTool}); ${count(bytes)} bytes; ${count(compiled.grants.length)} grants`,
  );
  console.log(
    `  serializer baseline, ${count(documents.length)} Kubernetes documents: js-yaml ${ms(jsYaml)} vs yaml ${ms(yamlPackage)} (${(yamlPackage / jsYaml).toFixed(1)}× slower); JSON.stringify of the model ${ms(floor)} (render = ${(median(renders) / floor).toFixed(0)}× that floor)`,
  );
  console.log(
    `  render ÷ js-yaml baseline: in memory ${ratio(median(renders))}, 1 worker ${ratio(median(workerRenders[1]))}, 2 workers ${ratio(median(workerRenders[2]))}`,
  );
  console.log(
    `  render split (median of 3): ${Object.entries(split)
      .map(([part, values]) => `${part} ${ms(median(values))}`)
      .join(', ')}`,
  );
  console.log(
    `  peak memory (max RSS): ${count(Math.round(process.resourceUsage().maxRSS / 1024))} MiB`,
  );
  console.log(
    `  goal: full render under 2 s — ${median(renders) < 2000 ? 'met' : 'NOT met'} (${ms(median(renders))})`,
  );
};
if (process.env.BENCH_RENDER_ONLY) {
  for (const [label, value] of renderRows)
    console.log(`  ${label.padEnd(58)} ${ms(value).padStart(10)}`);
  summary();
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'bench-access-'));
try {
  const service = createAccessCompilerService();
  const target = createFsAccessOutputDirectory(dir);
  const firstWrite = await timeAsync(() => service.render(model, target));
  if (planCounts(firstWrite.result).add !== compiled.files.length)
    throw new Error('first render did not add every file');
  const noChange = [];
  for (let run = 0; run < 3; run++) {
    const { ms: took, result } = await timeAsync(() =>
      createAccessCompilerService().plan(model, target),
    );
    if (result.changes.length !== 0) throw new Error('plan of an unchanged model shows changes');
    noChange.push(took);
  }
  const changedRaw = structuredClone(raw);
  changedRaw.organizations[0].products[0].namespaces.pop();
  changedRaw.organizations[0].products[1].members.pop();
  const changed = parseTenancy(yamlStringify(changedRaw), { source: 'bench.yaml' }).model;
  const onePlan = [];
  let plan;
  for (let run = 0; run < 3; run++) {
    const { ms: took, result } = await timeAsync(() =>
      createAccessCompilerService().plan(changed, target),
    );
    onePlan.push(took);
    plan = result;
  }
  const counts = planCounts(plan);
  if (counts.remove < 1 || counts.change < 1) throw new Error('plan missed the change');
  const rewrite = await timeAsync(() => createAccessCompilerService().render(model, target));

  const rows = [
    ...renderRows,
    ['write to an empty directory (first render)', firstWrite.ms],
    ['render again, nothing changed (no writes)', rewrite.ms],
    ['plan, nothing changed', median(noChange)],
    [
      `plan after one team changed (+${counts.add} ~${counts.change} -${counts.remove})`,
      median(onePlan),
    ],
  ];
  for (const [label, value] of rows) console.log(`  ${label.padEnd(58)} ${ms(value).padStart(10)}`);
  summary();
} finally {
  await rm(dir, { recursive: true, force: true });
}
