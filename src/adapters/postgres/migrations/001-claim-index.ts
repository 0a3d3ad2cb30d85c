import type { Migration } from './migration.js';

/**
 * The claim index (`pg-claim-index.ts`): a derived, rebuildable view of the buckets.
 * Names and keys use `COLLATE "C"` so `ORDER BY name` is byte order, the order the memory
 * index and the cursor use (JS code-unit order, equal for DNS-label names). `claim` is the
 * document as served; the other columns are copies for filters and indexes. `search` is
 * the lower-cased name, service names and user, one per line, for the list's `q`.
 * pg_trgm makes `search LIKE '%q%'` an index scan; where the extension cannot be created
 * (no privilege, not installed) the listing still works, by scanning.
 */
export const migration: Migration = {
  version: 1,
  name: 'claim-index',
  sql: `
    CREATE TABLE claim_index_environments (
      name text COLLATE "C" PRIMARY KEY,
      type text COLLATE "C" NOT NULL,
      pool text COLLATE "C" NOT NULL,
      owner text COLLATE "C" NOT NULL,
      is_static boolean NOT NULL,
      bucket text NOT NULL,
      key text COLLATE "C" NOT NULL,
      etag text NOT NULL,
      expires_at timestamptz,
      created_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      search text NOT NULL,
      claim jsonb NOT NULL
    );
    CREATE INDEX claim_index_environments_pool ON claim_index_environments (pool, name);
    CREATE INDEX claim_index_environments_type ON claim_index_environments (type, name);
    CREATE INDEX claim_index_environments_owner ON claim_index_environments (owner, name);
    CREATE INDEX claim_index_environments_expires ON claim_index_environments (expires_at, name)
      WHERE expires_at IS NOT NULL;

    CREATE TABLE claim_index_rejected (
      bucket text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      reasons jsonb NOT NULL,
      observed_at text NOT NULL,
      PRIMARY KEY (bucket, key)
    );

    CREATE TABLE claim_index_key_names (
      bucket text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      name text COLLATE "C" NOT NULL,
      PRIMARY KEY (bucket, key)
    );
    CREATE INDEX claim_index_key_names_name ON claim_index_key_names (name);

    DO $$
    BEGIN
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm unavailable (%); text search scans', SQLERRM;
      END;
      IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX claim_index_environments_search ON claim_index_environments '
          'USING gin (search gin_trgm_ops)';
      END IF;
    END
    $$;
  `,
};
