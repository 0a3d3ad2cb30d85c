import type { Migration } from './migration.js';

/**
 * The deployer's summary on each indexed environment (`DeploymentSummary` as JSON, written
 * by `setDeployment`; claim upserts leave it alone), and the phase it implies as a
 * generated column so `?phase=` is a plain indexed condition. The CASE is `currentPhase`
 * in SQL: no summary, or one decided for another etag, is `Pending`.
 */
export const migration: Migration = {
  version: 5,
  name: 'deployment-summary',
  sql: `
    ALTER TABLE claim_index_environments
      ADD COLUMN deployment jsonb,
      ADD COLUMN phase text COLLATE "C" GENERATED ALWAYS AS (
        CASE WHEN deployment->>'claimEtag' = etag THEN deployment->>'phase' ELSE 'Pending' END
      ) STORED;
    CREATE INDEX claim_index_environments_phase ON claim_index_environments (phase, name);
  `,
};
