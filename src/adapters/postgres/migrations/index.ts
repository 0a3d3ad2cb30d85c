import { migration as claimIndex } from './001-claim-index.js';
import { migration as auditLog } from './002-audit-log.js';
import { migration as serviceTokens } from './003-service-tokens.js';
import { migration as deploymentRecords } from './004-deployment-records.js';
import { migration as deploymentSummary } from './005-deployment-summary.js';
import { migration as auditOutcomes } from './006-audit-outcomes.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order. A new one gets the next version; none is ever edited once released. */
export const MIGRATIONS: readonly Migration[] = [
  claimIndex,
  auditLog,
  serviceTokens,
  deploymentRecords,
  deploymentSummary,
  auditOutcomes,
];
