import type { Migration } from './migration.js';

/**
 * Deployment records (`pg-deployment-records.ts`): one row per environment. `body` is
 * bytea so the record comes back byte for byte as the deployer wrote it (jsonb would
 * reorder keys and drop its formatting).
 */
export const migration: Migration = {
  version: 4,
  name: 'deployment-records',
  sql: `
    CREATE TABLE deployment_records (
      environment text PRIMARY KEY CHECK (environment ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
      body bytea NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
