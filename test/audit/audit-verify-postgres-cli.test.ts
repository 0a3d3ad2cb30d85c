/**
 * `platformctl audit verify` against PostgreSQL, as a real process from the BUILT output
 * (`npm run build`), through the same three-line commander program as the file log's test.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createPgAuditLog } from '../../src/adapters/postgres/pg-audit-log.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { auditDatabase } from '../../src/cli/commands/audit-verify-postgres.js';
import { runNode } from '../support/run-process.js';
import { usePostgres } from '../support/use-postgres.js';

const postgres = usePostgres();
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const BUILT = [
  'cli/commands/audit',
  'cli/commands/audit-verify',
  'cli/commands/audit-verify-postgres',
  'adapters/postgres/pg-audit-verify',
  'adapters/postgres/pg-audit-log-rows',
];

const HARNESS = [
  "import { Command } from 'commander';",
  "import { registerAuditCommands } from './dist/cli/commands/audit.js';",
  "import { reportError } from './dist/cli/report-error.js';",
  "const program = new Command('platformctl');",
  'registerAuditCommands(program);',
  "program.parseAsync(process.argv.slice(1), { from: 'user' }).catch(reportError);",
].join('\n');

const verify = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runNode(['--input-type=module', '-e', HARNESS, '--', 'audit', 'verify', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PLATFORM_DATA_DIR: '', PGPASSWORD: '', ...env },
  });

let url: string;
let pool: PgPool;
let headHash: string;
let dir: string;

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
  url = await postgres.database();
  pool = createPgPool({ url, size: 2 });
  await migrate(pool);
  const log = await createPgAuditLog({ pool });
  for (let n = 1; n <= 5; n++) {
    const record = await log.append({
      time: `2026-01-15T10:00:0${n}Z`,
      actor: 'alice@example.com',
      actorKind: 'user',
      action: 'environment:create',
      target: `environment/sue-${n}`,
      decision: n === 3 ? 'deny' : 'allow',
      policyIds: ['policy0'],
      requestId: `req-${n}`,
    });
    headHash = record.hash;
  }
  await log.close();
  dir = await mkdtemp(join(tmpdir(), 'audit-verify-pg-'));
});
afterEach(async () => {
  await pool.end();
  await rm(dir, { recursive: true, force: true });
});

const shown = () => {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}${parsed.pathname}`;
};

describe('platformctl audit verify against PostgreSQL (built)', () => {
  it('prints ok with the record count and head for an intact log', async () => {
    const result = await verify(['--database-url', url]);
    expect(result).toMatchObject({ code: 0, stdout: `ok: 5 records, head ${headHash}\n` });
    expect(result.stderr).toMatch(/^note: verified without a head/);
  });

  it('reports a changed row with its seq and exits 1', async () => {
    await pool.query(
      `UPDATE audit_records SET record = replace(record, '"deny"', '"allow"') WHERE seq = 3`,
    );
    const result = await verify(['--database-url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('seq 3: seq 3 was changed: its hash does not match its content\n');
    expect(result.stderr).toBe(
      `platformctl: the audit log in ${shown()} failed verification: 1 problem\n`,
    );
  });

  it('finds rows removed from the end against a head file given with --head', async () => {
    const head = join(dir, 'audit.head');
    await writeFile(head, JSON.stringify({ seq: 5, hash: headHash }));
    expect((await verify(['--database-url', url, '--head', head])).code).toBe(0);
    await pool.query('DELETE FROM audit_records WHERE seq = 5');
    const result = await verify(['--database-url', url, '--head', head]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'seq 5: seq 5 is missing at the end: the head records seq 5 but the log ends at seq 4\n',
    );
  });

  it('reads index.postgres.url from --config when index.type is postgres', async () => {
    const config = join(dir, 'platform.yaml');
    await writeFile(config, `index:\n  type: postgres\n  postgres:\n    url: ${url}\n`);
    expect(await verify(['--config', config])).toMatchObject({
      code: 0,
      stdout: `ok: 5 records, head ${headHash}\n`,
    });
  });

  it('verifies the file log with a memory config, or when --file or --data-dir are given', async () => {
    const log = await createFsAuditLog({ dir: join(dir, 'audit') });
    const record = await log.append({
      time: '2026-01-15T10:00:00Z',
      actor: 'bob',
      actorKind: 'user',
      action: 'environment:delete',
      target: 'environment/sue-1',
      decision: 'allow',
      policyIds: [],
      requestId: null,
    });
    await log.close();
    const memory = join(dir, 'memory.yaml');
    await writeFile(memory, 'index:\n  type: memory\n');
    const postgresConfig = join(dir, 'platform.yaml');
    await writeFile(postgresConfig, `index:\n  type: postgres\n  postgres:\n    url: ${url}\n`);
    const fileOk = `ok: 1 records, head ${record.hash}\n`;
    expect((await verify(['--config', memory, '--data-dir', dir])).stdout).toBe(fileOk);
    expect((await verify(['--config', memory], { PLATFORM_DATA_DIR: dir })).stdout).toBe(fileOk);
    expect((await verify(['--config', postgresConfig, '--data-dir', dir])).stdout).toBe(fileOk);
  });

  it('takes the password from PGPASSWORD and never prints it or the URL', async () => {
    const unreachable = 'postgres://someone:s3cret@127.0.0.1:1/nowhere';
    const result = await verify(['--database-url', unreachable]);
    expect(result.code).toBe(5); // unreachable (docs/cli.md, exit codes)
    expect(result.stderr).toMatch(
      /^platformctl: could not verify the audit log: the database is unavailable/,
    );
    expect(result.stderr + result.stdout).not.toMatch(/s3cret|someone/);
    const fromEnv = await verify(['--database-url', 'postgres://someone@127.0.0.1:1/nowhere'], {
      PGPASSWORD: 'pa55word',
    });
    expect(fromEnv.code).toBe(5);
    expect(fromEnv.stderr + fromEnv.stdout).not.toMatch(/pa55word/);
    // Trust authentication ignores it; what matters is that a password does not get in the way.
    expect((await verify(['--database-url', url], { PGPASSWORD: 'pa55word' })).code).toBe(0);
  });

  it('puts PGPASSWORD into a URL without a password, and shows neither', async () => {
    const io = { env: { PGPASSWORD: 'p@ss/word' }, cwd: dir };
    const bare = await auditDatabase(
      { databaseUrl: 'postgres://svc@db.example:6432/platform' },
      io,
    );
    expect(new URL(bare!.url).password).toBe(encodeURIComponent('p@ss/word'));
    expect(bare!.shown).toBe('db.example:6432/platform');
    const own = await auditDatabase({ databaseUrl: 'postgres://svc:mine@db.example/platform' }, io);
    expect(new URL(own!.url).password).toBe('mine');
    expect(await auditDatabase({}, io)).toBeUndefined();
  });

  it('says when the database holds no audit log, and refuses ambiguous flags', async () => {
    const empty = await postgres.database();
    const result = await verify(['--database-url', empty]);
    expect(result.code).toBe(3); // no audit log there: not found
    expect(result.stderr).toMatch(
      /^platformctl: no audit log in .*: there is no audit_records table/,
    );
    const both = await verify(['--database-url', url, '--file', join(dir, 'audit.jsonl')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--database-url verifies the PostgreSQL log/);
  });
});
