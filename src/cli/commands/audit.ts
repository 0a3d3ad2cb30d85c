import type { Command } from 'commander';
import type { AuditVerifyOptions } from './audit-verify.js';
import { registerAuditListCommand } from './env.js';

/**
 * `platformctl audit …`. Only the command definitions live here; the implementation is
 * loaded when a command runs, so other commands do not pay for it.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Inspect the audit log');
  registerAuditListCommand(audit);
  audit
    .command('verify')
    .description(
      'Check the audit log offline (the file, or the PostgreSQL table with --database-url or --config): every hash, every link, no gaps, and the end against the head. Exits 1 and prints one line per problem if anything was changed, removed, reordered or inserted.',
    )
    .option('-d, --data-dir <dir>', 'data directory (default ./.platform or PLATFORM_DATA_DIR)')
    .option('-f, --file <path>', 'the log file (default <data-dir>/audit/audit.jsonl)')
    .option(
      '--head <path>',
      'the head file (default audit.head beside the log file; for PostgreSQL, none unless given)',
    )
    .option('--no-head', 'verify without a head (records removed from the end go unnoticed)')
    .option(
      '--database-url <url>',
      'verify the audit log in PostgreSQL instead (postgres://user@host:port/database; password from the URL or PGPASSWORD)',
    )
    .option(
      '-c, --config <path>',
      'a platform config: with index.type postgres, verify the log in index.postgres.url',
    )
    .action(async (options: AuditVerifyOptions) => {
      const { auditVerify } = await import('./audit-verify.js');
      const code = await auditVerify(options);
      if (code !== 0) process.exitCode = code;
    });
}
