import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GENESIS_HASH } from '../../domain/audit/audit-chain.js';
import type { AuditHead } from '../../domain/audit/audit-record-schema.js';
import {
  createChainVerifier,
  formatProblem,
  type ChainReport,
} from '../../domain/audit/verify-chain.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { ENV_VARS } from '../../config/env-vars.js';
import { AUDIT_LOG_FILE } from '../../adapters/fs-audit-log/fs-audit-log.js';
import { readHeadFile } from '../../adapters/fs-audit-log/open-chain.js';
import { EXIT_FAILURE } from '../report-error.js';
import type { AuditDatabase } from './audit-verify-postgres.js';

export interface AuditVerifyOptions {
  readonly dataDir?: string | undefined;
  readonly file?: string | undefined;
  /** A head file; `false` (`--no-head`) verifies without one. */
  readonly head?: string | false | undefined;
  /** Verify the PostgreSQL log at this URL instead of a file. */
  readonly databaseUrl?: string | undefined;
  /** A platform config: with `index.type: postgres`, verify the log in its database. */
  readonly config?: string | undefined;
}

export interface AuditVerifyIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const processIo: AuditVerifyIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
};

/** `<data-dir>/audit/audit.jsonl` unless `--file`; the head is `audit.head` beside it. */
export function auditPaths(
  options: AuditVerifyOptions,
  io: Pick<AuditVerifyIo, 'env' | 'cwd'>,
): { file: string; head: string | undefined } {
  const dataDir = options.dataDir ?? (io.env[ENV_VARS.dataDir]?.trim() || '.platform');
  const file = resolve(io.cwd, options.file ?? join(dataDir, 'audit', AUDIT_LOG_FILE));
  if (options.head === false) return { file, head: undefined };
  if (options.head !== undefined) return { file, head: resolve(io.cwd, options.head) };
  const name = basename(file);
  const headName = name.endsWith('.jsonl')
    ? `${name.slice(0, -'.jsonl'.length)}.head`
    : `${name}.head`;
  return { file, head: join(dirname(file), headName) };
}

/** What `audit verify` prints: one line per problem, `head:` lines for the head file. */
export interface AuditVerification {
  readonly file: string;
  readonly report: ChainReport;
  readonly headProblems: readonly string[];
}

/**
 * Verifies a log file offline, streaming it (memory does not grow with the log). Throws
 * `NotFoundError` when there is no log file.
 */
export async function verifyAuditFile(
  options: AuditVerifyOptions,
  io: Pick<AuditVerifyIo, 'env' | 'cwd'> = processIo,
): Promise<AuditVerification> {
  const paths = auditPaths(options, io);
  const headProblems: string[] = [];
  let head: AuditHead | undefined;
  if (paths.head !== undefined) {
    const read = await readHeadFile(paths.head);
    if (read === 'unusable')
      headProblems.push(`head: ${paths.head} is not a {seq, hash} head file`);
    else head = read;
  }
  try {
    await access(paths.file);
  } catch (error) {
    const held = head ? ` (its head ${paths.head} records seq ${head.seq})` : '';
    throw new NotFoundError(`no audit log at ${paths.file}${held}`, { cause: error });
  }

  const verifier = createChainVerifier({ head });
  const lines = createInterface({
    input: createReadStream(paths.file),
    crlfDelay: Infinity,
  });
  for await (const line of lines) verifier.push(line);
  const report = verifier.finish();
  if (
    head === undefined &&
    paths.head !== undefined &&
    headProblems.length === 0 &&
    report.records > 0
  ) {
    headProblems.push(
      `head: no head file at ${paths.head}, so records removed from the end would go unnoticed (--no-head verifies a copy without one)`,
    );
  }
  return { file: paths.file, report, headProblems };
}

/**
 * `platformctl audit verify`: prints `ok: N records, head <hash>` and returns 0, or one
 * line per problem and returns 1.
 */
export async function auditVerify(
  options: AuditVerifyOptions,
  io: AuditVerifyIo = processIo,
): Promise<number> {
  const fileFlags = options.file !== undefined || options.dataDir !== undefined;
  if (options.databaseUrl !== undefined && fileFlags) {
    throw new InputError('--database-url verifies the PostgreSQL log: drop --file and --data-dir');
  }
  // Flags win over the config file: --file or --data-dir verify the file log whatever it says.
  // The PostgreSQL side (pg, the config schema) loads only when it may be needed.
  const database =
    options.databaseUrl !== undefined || (options.config !== undefined && !fileFlags)
      ? await (await import('./audit-verify-postgres.js')).auditDatabase(options, io)
      : undefined;
  if (database) return auditVerifyDatabase(database, options, io);

  const { file, report, headProblems } = await verifyAuditFile(options, io);
  const problems = [...report.problems.map(formatProblem), ...headProblems];
  if (problems.length === 0) {
    io.stdout(`ok: ${report.records} records, head ${report.last?.hash ?? GENESIS_HASH}`);
    if (options.head === false) {
      io.stderr('note: verified without a head: records removed from the end go unnoticed');
    }
    return 0;
  }
  return failed(file, problems, io);
}

/**
 * The PostgreSQL log: the same output, one line per problem prefixed by its `seq`. There is
 * no head file beside a table; `--head` takes one kept from elsewhere.
 */
async function auditVerifyDatabase(
  database: AuditDatabase,
  options: AuditVerifyOptions,
  io: AuditVerifyIo,
): Promise<number> {
  let head: AuditHead | undefined;
  if (typeof options.head === 'string') {
    const path = resolve(io.cwd, options.head);
    const read = await readHeadFile(path);
    if (read === undefined) throw new NotFoundError(`no head file at ${path}`);
    if (read === 'unusable') throw new InputError(`${path} is not a {seq, hash} head file`);
    head = read;
  }
  const { verifyAuditDatabase } = await import('./audit-verify-postgres.js');
  const { report, problems } = await verifyAuditDatabase(database, head);
  if (problems.length === 0) {
    io.stdout(`ok: ${report.records} records, head ${report.last?.hash ?? GENESIS_HASH}`);
    if (!head) {
      io.stderr(
        'note: verified without a head: rows removed from the end go unnoticed (--head takes a {seq, hash} file kept elsewhere)',
      );
    }
    return 0;
  }
  return failed(`the audit log in ${database.shown}`, problems, io);
}

function failed(what: string, problems: readonly string[], io: AuditVerifyIo): number {
  for (const problem of problems) io.stdout(problem);
  io.stderr(
    `platformctl: ${what} failed verification: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
  );
  return EXIT_FAILURE;
}
