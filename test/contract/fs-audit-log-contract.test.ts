import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsAuditLog, type FsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { verifyAuditFile } from '../../src/cli/commands/audit-verify.js';
import { formatProblem } from '../../src/domain/audit/verify-chain.js';
import { describeAuditLogContract } from './audit-log-contract.js';

describeAuditLogContract('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fs-audit-contract-'));
  const dir = join(root, 'audit');
  let log: FsAuditLog = await createFsAuditLog({ dir });
  return {
    get log() {
      return log;
    },
    async verify() {
      const { report, headProblems } = await verifyAuditFile(
        { file: join(dir, 'audit.jsonl') },
        { env: {}, cwd: root },
      );
      return [...report.problems.map(formatProblem), ...headProblems];
    },
    async reopen() {
      await log.close();
      log = await createFsAuditLog({ dir });
      return log;
    },
    async close() {
      await log.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});
