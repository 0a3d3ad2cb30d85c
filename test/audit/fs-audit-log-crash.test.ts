/**
 * A writer killed (SIGKILL) in the middle of appending: the next open must continue the
 * chain — repairing the head (up to a whole group commit behind) or a cut-short line — and
 * the whole file must still verify, with every acknowledged record in it.
 * The writer runs the BUILT adapter (`npm run build`) in a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { verifyChain } from '../../src/domain/audit/verify-chain.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const WRITER = `
import { createFsAuditLog } from './dist/adapters/fs-audit-log/fs-audit-log.js';
const log = await createFsAuditLog({ dir: process.argv[1] });
for (let n = 0; ; n++) {
  const append = log.append({
    time: new Date().toISOString(), actor: 'writer', actorKind: 'system',
    action: 'environment:delete', target: 'environment/e' + n, decision: 'allow',
    policyIds: [], requestId: null,
  });
  if (n === 0) { await append; process.stdout.write('ready\\n'); }
  // Bursts of concurrent appends, so commits hold several records; report what is acknowledged.
  if (n % 16 === 15) { const record = await append; process.stdout.write('acked ' + record.seq + '\\n'); }
}
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer, kills it after `afterMs`, and returns the highest seq it saw acknowledged. */
async function runAndKill(afterMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, '--', dir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  let stdout = '';
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) ready();
    });
    child.once('close', (code) => fail(new Error(`writer exited ${code}: ${stderr}`)));
  });
  await new Promise((wait) => setTimeout(wait, afterMs));
  child.kill('SIGKILL');
  await exited;
  const acked = [...stdout.matchAll(/^acked (\d+)$/gm)].map((match) => Number(match[1]));
  return Math.max(0, ...acked);
}

it('continues an intact chain after the writer is killed mid-append, again and again', async () => {
  let total = 0;
  for (const delay of [5, 30, 60, 15, 90]) {
    const acked = await runAndKill(delay);
    const log = await createFsAuditLog({ dir });
    const head = log.head();
    expect(head?.seq ?? 0).toBeGreaterThanOrEqual(acked);
    await log.append({
      time: new Date().toISOString(),
      actor: 'after-crash',
      actorKind: 'user',
      action: 'environment:create',
      target: 'environment/after',
      decision: 'allow',
      policyIds: [],
      requestId: null,
    });
    await log.close();
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).split('\n').slice(0, -1);
    const storedHead = JSON.parse(await readFile(join(dir, 'audit.head'), 'utf8')) as {
      seq: number;
      hash: string;
    };
    const report = verifyChain(lines, storedHead);
    expect(report.problems).toEqual([]);
    expect(report.records).toBe((head?.seq ?? 0) + 1);
    expect(report.records).toBeGreaterThan(total + 1);
    total = report.records;
  }
  // No temp head files survive a reopen.
  expect((await readdir(dir)).sort()).toEqual(['audit.head', 'audit.jsonl']);
});
