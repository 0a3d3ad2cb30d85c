/**
 * `platformctl audit verify` as a real process, from the BUILT output (`npm run build`).
 *
 * Most cases run the built command module through a three-line commander program, so they
 * exercise dist/ without depending on how src/cli/main.ts registers commands; the last
 * case runs the real `bin/platformctl.js`.
 */
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { runNode } from '../support/run-process.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'platformctl.js');

// The built files this test depends on, each with the source it is built from.
const BUILT = [
  'cli/commands/audit',
  'cli/commands/audit-verify',
  'domain/audit/verify-chain',
  'domain/audit/audit-chain',
  'domain/audit/audit-record-schema',
];

const HARNESS = [
  "import { Command } from 'commander';",
  "import { registerAuditCommands } from './dist/cli/commands/audit.js';",
  "import { reportError } from './dist/cli/report-error.js';",
  "const program = new Command('platformctl');",
  'registerAuditCommands(program);',
  "program.parseAsync(process.argv.slice(1), { from: 'user' }).catch(reportError);",
].join('\n');

const run = (command: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runNode(command, { cwd: REPO_ROOT, env: { ...process.env, PLATFORM_DATA_DIR: '', ...env } });

const verify = (args: readonly string[], env?: NodeJS.ProcessEnv) =>
  run(['--input-type=module', '-e', HARNESS, '--', 'audit', 'verify', ...args], env);

let dataDir: string;
let file: string;
let headHash: string;

beforeAll(async () => {
  for (const name of BUILT) {
    const built = await stat(join(REPO_ROOT, 'dist', `${name}.js`)).catch(() => undefined);
    const source = await stat(join(REPO_ROOT, 'src', `${name}.ts`));
    if (!built || built.mtimeMs < source.mtimeMs) {
      throw new Error(`dist/${name}.js is missing or older than its source: run npm run build`);
    }
  }
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'audit-verify-'));
  const log = await createFsAuditLog({ dir: join(dataDir, 'audit') });
  for (let n = 1; n <= 5; n++) {
    await log.append({
      time: `2026-01-15T10:00:0${n}Z`,
      actor: n === 3 ? 'bob@example.com' : 'alice@example.com',
      actorKind: 'user',
      action: 'environment:create',
      target: `environment/sue-${n}`,
      decision: n === 3 ? 'deny' : 'allow',
      policyIds: ['policy0'],
      requestId: `req-${n}`,
    });
  }
  headHash = log.head()?.hash ?? '';
  await log.close();
  file = join(dataDir, 'audit', 'audit.jsonl');
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function editLines(edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(0, -1);
  await writeFile(file, `${edit(lines).join('\n')}\n`);
}

describe('platformctl audit verify (built)', () => {
  it('prints ok with the record count and head, and exits 0, for an intact log', async () => {
    const result = await verify(['--file', file]);
    expect(result).toMatchObject({ code: 0, stdout: `ok: 5 records, head ${headHash}\n` });
    expect(headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds the log under --data-dir or PLATFORM_DATA_DIR', async () => {
    expect((await verify(['--data-dir', dataDir])).stdout).toBe(
      `ok: 5 records, head ${headHash}\n`,
    );
    expect((await verify([], { PLATFORM_DATA_DIR: dataDir })).code).toBe(0);
  });

  it('reports a changed record and exits 1', async () => {
    await editLines((lines) =>
      lines.map((line, i) => (i === 2 ? line.replace('"deny"', '"allow"') : line)),
    );
    const result = await verify(['--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('line 3: seq 3 was changed: its hash does not match its content\n');
    expect(result.stderr).toBe(`platformctl: ${file} failed verification: 1 problem\n`);
  });

  it('reports a removed record', async () => {
    await editLines((lines) => lines.filter((_, i) => i !== 1));
    const result = await verify(['--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('line 2: seq 2 is missing before seq 3 (removed)\n');
  });

  it('reports a removed last record through the head, unless told --no-head', async () => {
    await editLines((lines) => lines.slice(0, -1));
    const result = await verify(['--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'end: seq 5 is missing at the end: the head records seq 5 but the log ends at seq 4\n',
    );
    const headless = await verify(['--file', file, '--no-head']);
    expect(headless.code).toBe(0);
    expect(headless.stdout).toMatch(/^ok: 4 records, head [0-9a-f]{64}\n$/);
    expect(headless.stderr).toMatch(/verified without a head/);
  });

  it('prints one line per problem', async () => {
    await editLines((lines) => {
      const [one, two, three, four, five] = lines as [string, string, string, string, string];
      return [one, three, two, 'garbage', four.replace('alice', 'mallory'), five, five];
    });
    const result = await verify(['--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'line 3: seq 2 is out of order: it comes after seq 3',
      'line 4: malformed record: not JSON',
      'line 5: seq 4 was changed: its hash does not match its content',
      'line 7: seq 5 is a copy of line 6',
    ]);
    expect(result.stderr).toMatch(/failed verification: 4 problems/);
  });

  it('reports a missing head file when the log has records', async () => {
    await unlink(join(dataDir, 'audit', 'audit.head'));
    const result = await verify(['--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^head: no head file at .*audit\.head/);
  });

  it('fails with a message when there is no log', async () => {
    const missing = join(dataDir, 'nothing.jsonl');
    const result = await verify(['--file', missing]);
    expect(result.code).toBe(3); // not found (docs/cli.md, exit codes)
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`platformctl: no audit log at ${missing}\n`);
  });

  it('runs as bin/platformctl.js audit verify (needs registerAuditCommands in src/cli/main.ts)', async () => {
    expect(await run([BIN, 'audit', 'verify', '--file', file])).toMatchObject({
      code: 0,
      stdout: `ok: 5 records, head ${headHash}\n`,
    });
    await editLines((lines) => lines.filter((_, i) => i !== 2));
    const tampered = await run([BIN, 'audit', 'verify', '--file', file]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toBe('line 3: seq 3 is missing before seq 4 (removed)\n');
  });
});
