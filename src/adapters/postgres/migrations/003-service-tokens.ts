import type { Migration } from './migration.js';

/**
 * Service tokens (`pg-service-token-store.ts`): one row per token. `record` is the
 * record's JSON as text, not jsonb: jsonb refuses `\u0000` in a string, and `created_by`
 * is whatever subject the creator's identity provider issued. The record holds the token's
 * SHA-256, never the token. `position` keeps creation order for `list`, which
 * `created_at` (one-second precision) cannot.
 */
export const migration: Migration = {
  version: 3,
  name: 'service-tokens',
  sql: `
    CREATE TABLE service_tokens (
      id text PRIMARY KEY,
      position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      record text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
