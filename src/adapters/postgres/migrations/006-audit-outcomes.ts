import type { Migration } from './migration.js';

/**
 * Outcome records (issue 15): `intent_seq` copies the record's `intentSeq`, so a page of
 * intents finds its outcomes through an index and a listing can leave outcomes out. Rows
 * written before it are intents or complete records: NULL is right for them.
 */
export const migration: Migration = {
  version: 6,
  name: 'audit-outcomes',
  sql: `
    ALTER TABLE audit_records ADD COLUMN intent_seq bigint CHECK (intent_seq >= 1);
    CREATE INDEX audit_records_intent_seq ON audit_records (intent_seq)
      WHERE intent_seq IS NOT NULL;
  `,
};
