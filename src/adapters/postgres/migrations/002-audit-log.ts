import type { Migration } from './migration.js';

/**
 * The audit log (`pg-audit-log.ts`). `record` is the record's canonical JSON, exactly what
 * its hash covers: verification and queries read it, so no column type can change a byte
 * of it (timestamptz would reformat `time`; text cannot hold a NUL). The other columns are
 * copies for filtering and indexes only, and the verifier checks that they agree.
 */
export const migration: Migration = {
  version: 2,
  name: 'audit-log',
  sql: `
    CREATE TABLE audit_records (
      seq bigint PRIMARY KEY CHECK (seq >= 1),
      prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      time text NOT NULL,
      time_at timestamptz NOT NULL,
      actor text NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'service', 'system')),
      action text NOT NULL,
      target text NOT NULL,
      decision text NOT NULL CHECK (decision IN ('allow', 'deny')),
      policy_ids text[] NOT NULL,
      request_id text,
      record text NOT NULL
    );
    CREATE INDEX audit_records_actor ON audit_records (actor, seq);
    CREATE INDEX audit_records_action ON audit_records (action, seq);
    CREATE INDEX audit_records_decision ON audit_records (decision, seq);
    CREATE INDEX audit_records_target ON audit_records (target text_pattern_ops);
    CREATE INDEX audit_records_time ON audit_records (time_at);
  `,
};
