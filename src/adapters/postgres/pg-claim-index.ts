import type { Logger } from 'pino';
import { claimSearchFields } from '../../domain/claims/claim-search.js';
import type { Claim } from '../../domain/claims/claim-schema.js';
import type { DeploymentSummary } from '../../domain/deployments/deployment-summary.js';
import type { FieldError } from '../../domain/errors.js';
import {
  ALL,
  isDecidedByData,
  matches,
  type EnvironmentFilter,
  type FilterSubject,
} from '../../domain/policy/environment-filter.js';
import type {
  ClaimIndex,
  EnvironmentQuery,
  IndexedEnvironment,
  ObjectRef,
  RejectedClaim,
} from '../../ports/claim-index.js';
import { compareObjectRefs } from '../../ports/claim-index.js';
import { STATIC_BUCKET, type BucketName } from '../../ports/claim-store.js';
import {
  compileFilter,
  ENVIRONMENT_COLUMNS,
  escapeLikeLiteral,
  indexBranches,
  totalValues,
  type IndexBranch,
} from './filter-sql.js';
import { guardPg } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

// Between fields of `search`: no name, service name or user holds a line break (they are
// DNS labels and whitespace-free tokens), so a `q` can never match across two fields.
const SEARCH_SEPARATOR = '\n';

/** The `search` column: the claim's searched fields, one per line. */
function searchTextOf(claim: Claim): string {
  return claimSearchFields(claim).join(SEARCH_SEPARATOR);
}

interface EnvironmentRow {
  name: string;
  bucket: string;
  key: string;
  etag: string;
  expires_at: Date | null;
  claim: Claim;
  deployment: DeploymentSummary | null;
  type: string;
  pool: string;
  owner: string;
  is_static: boolean;
  sure: boolean;
}

const COLUMNS =
  'name, bucket, key, etag, expires_at, claim, deployment, type, pool, owner, is_static';

const toEnvironment = (row: EnvironmentRow): IndexedEnvironment => ({
  claim: row.claim,
  bucket: row.bucket as BucketName,
  key: row.key,
  etag: row.etag,
  expiresAt: row.expires_at,
  ...(row.deployment === null ? {} : { deployment: row.deployment }),
});

const subjectOf = (row: EnvironmentRow): FilterSubject => ({
  name: row.name,
  type: row.type,
  pool: row.pool,
  owner: row.owner,
  static: row.is_static,
});

// A page of a filter with per-item leaves reads more rows per round trip: some are dropped.
const PER_ITEM_BATCH_FACTOR = 4;
const MAX_BATCH = 2_000;
// A filter of at most this many indexed values is read as one ordered index scan per value.
const MAX_INDEX_BRANCH_VALUES = 32;

/**
 * The PostgreSQL claim index (tables of migration 001; the composition root runs
 * `migrate(pool)` first). Listings are one keyset-paginated `SELECT` by name with the type,
 * pool, user, `q` and permission filters in its `WHERE` (or, for a filter of a few indexed
 * values, one ordered index scan per value: `branchedSelect`). A filter with `per-item` leaves is
 * compiled twice, with the leaf false and true: rows where both agree are decided in SQL,
 * the rest are evaluated here with `decide`, and the page is refilled from the next rows.
 * Every database fault surfaces as `UnavailableError`.
 */
export function createPgClaimIndex(deps: { pool: PgPool; logger?: Logger }): ClaimIndex {
  const { pool } = deps;

  async function query(
    request: EnvironmentQuery,
  ): Promise<{ items: IndexedEnvironment[]; hasMore: boolean }> {
    const { type, pool: environmentPool, user, q, phase, limit, where = ALL, decide } = request;
    if (q !== undefined && q.includes(SEARCH_SEPARATOR)) return { items: [], hasMore: false };
    const decidedByData = isDecidedByData(where);
    const batch = decidedByData
      ? limit + 1
      : Math.min(Math.max((limit + 1) * PER_ITEM_BATCH_FACTOR, limit + 1), MAX_BATCH);
    // $1: the name to start after (each round trip sets it); $2: rows per round trip.
    const params: unknown[] = [request.after ?? null, batch];
    const bind = (value: unknown): string => `$${params.push(value)}`;
    const conditions = ['($1::text IS NULL OR name > $1::text)'];
    if (type !== undefined) conditions.push(`type = ${bind(type)}`);
    if (environmentPool !== undefined) conditions.push(`pool = ${bind(environmentPool)}`);
    if (user !== undefined) conditions.push(`owner = ${bind(user)}`);
    if (phase !== undefined) conditions.push(`phase = ${bind(phase)}`);
    if (q !== undefined)
      conditions.push(`search LIKE ${bind(`%${escapeLikeLiteral(q.toLowerCase())}%`)} ESCAPE '\\'`);
    const compile = (filter: EnvironmentFilter, perItem: boolean): string => {
      const compiled = compileFilter(filter, { perItem, offset: params.length });
      params.push(...compiled.params);
      return compiled.sql;
    };
    const whenTrue = compile(where, true);
    let matching = whenTrue;
    let sure = whenTrue;
    if (!decidedByData) {
      const whenFalse = compile(where, false);
      // The filter is a function of the one per-item answer: equal on both sides, it is known.
      matching = `(${whenTrue} OR ${whenFalse})`;
      sure = `(${whenTrue} AND ${whenFalse})`;
    }
    const branches = decidedByData ? indexBranches(where, MAX_INDEX_BRANCH_VALUES) : undefined;
    const sql =
      branches !== undefined && totalValues(branches) > 1
        ? branchedSelect(branches, conditions, sure, bind, (filter) => compile(filter, true))
        : `SELECT ${COLUMNS}, ${sure} AS sure FROM claim_index_environments ` +
          `WHERE ${[...conditions, matching].join(' AND ')} ORDER BY name LIMIT $2`;

    const items: IndexedEnvironment[] = [];
    let after = request.after ?? null;
    for (;;) {
      const values = [after, ...params.slice(1)];
      const { rows } = await guardPg('list environments', () =>
        pool.query<EnvironmentRow>(sql, values),
      );
      for (const row of rows) {
        const environment = toEnvironment(row);
        if (!row.sure && !matches(where, subjectOf(row), () => decideOf(decide)(environment)))
          continue;
        if (items.length === limit) return { items, hasMore: true };
        items.push(environment);
      }
      if (rows.length < batch) return { items, hasMore: false };
      after = rows.at(-1)!.name;
    }
  }

  return {
    async get(name) {
      const { rows } = await guardPg('read an environment', () =>
        pool.query<EnvironmentRow>(
          `SELECT ${COLUMNS} FROM claim_index_environments WHERE name = $1`,
          [name],
        ),
      );
      return rows[0] === undefined ? undefined : toEnvironment(rows[0]);
    },

    query,

    async expiredAt(instant) {
      const { rows } = await guardPg('list expired environments', () =>
        pool.query<EnvironmentRow>(
          `SELECT ${COLUMNS} FROM claim_index_environments
           WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at, name`,
          [instant],
        ),
      );
      return rows.map(toEnvironment);
    },

    async upsert(environment) {
      const { claim } = environment;
      const created = Date.parse(claim.creation_date);
      await guardPg('index an environment', () =>
        pool.query(
          `INSERT INTO claim_index_environments
             (name, type, pool, owner, is_static, bucket, key, etag, expires_at, created_at,
              search, claim, deployment)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (name) DO UPDATE SET
             type = EXCLUDED.type, pool = EXCLUDED.pool, owner = EXCLUDED.owner,
             is_static = EXCLUDED.is_static, bucket = EXCLUDED.bucket, key = EXCLUDED.key,
             etag = EXCLUDED.etag, expires_at = EXCLUDED.expires_at,
             created_at = EXCLUDED.created_at, updated_at = now(),
             search = EXCLUDED.search, claim = EXCLUDED.claim,
             deployment = COALESCE(EXCLUDED.deployment, claim_index_environments.deployment)`,
          [
            claim.environment_name,
            claim.environment_type,
            claim.environment_pool,
            claim.user,
            environment.bucket === STATIC_BUCKET,
            environment.bucket,
            environment.key,
            environment.etag,
            environment.expiresAt,
            Number.isNaN(created) ? null : new Date(created),
            searchTextOf(claim),
            JSON.stringify(claim),
            environment.deployment === undefined ? null : JSON.stringify(environment.deployment),
          ],
        ),
      );
    },

    async setDeployment(name, deployment) {
      await guardPg('record a deployment summary', () =>
        pool.query('UPDATE claim_index_environments SET deployment = $2 WHERE name = $1', [
          name,
          JSON.stringify(deployment),
        ]),
      );
    },

    async remove(name) {
      await guardPg('remove an environment', () =>
        pool.query('DELETE FROM claim_index_environments WHERE name = $1', [name]),
      );
    },

    async setRejected(bucket, key, rejected) {
      await guardPg('record a rejected claim', () =>
        rejected === undefined
          ? pool.query('DELETE FROM claim_index_rejected WHERE bucket = $1 AND key = $2', [
              bucket,
              key,
            ])
          : pool.query(
              `INSERT INTO claim_index_rejected (bucket, key, reasons, observed_at)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (bucket, key) DO UPDATE SET
                 reasons = EXCLUDED.reasons, observed_at = EXCLUDED.observed_at`,
              [bucket, key, JSON.stringify(rejected.reasons), rejected.observedAt],
            ),
      );
    },

    async getRejected(bucket, key) {
      const { rows } = await guardPg('read a rejected claim', () =>
        pool.query<RejectedRow>(
          'SELECT bucket, key, reasons, observed_at FROM claim_index_rejected WHERE bucket = $1 AND key = $2',
          [bucket, key],
        ),
      );
      return rows[0] === undefined ? undefined : toRejected(rows[0]);
    },

    async listRejected() {
      const { rows } = await guardPg('list rejected claims', () =>
        pool.query<RejectedRow>(
          'SELECT bucket, key, reasons, observed_at FROM claim_index_rejected',
        ),
      );
      // The memory index's order, so both adapters list alike.
      return rows.map(toRejected).sort(compareObjectRefs);
    },

    async setKeyName(bucket, key, name) {
      await guardPg('record the name of a key', () =>
        name === undefined
          ? pool.query('DELETE FROM claim_index_key_names WHERE bucket = $1 AND key = $2', [
              bucket,
              key,
            ])
          : pool.query(
              `INSERT INTO claim_index_key_names (bucket, key, name) VALUES ($1, $2, $3)
               ON CONFLICT (bucket, key) DO UPDATE SET name = EXCLUDED.name`,
              [bucket, key, name],
            ),
      );
    },

    async nameOfKey(bucket, key) {
      const { rows } = await guardPg('read the name of a key', () =>
        pool.query<{ name: string }>(
          'SELECT name FROM claim_index_key_names WHERE bucket = $1 AND key = $2',
          [bucket, key],
        ),
      );
      return rows[0]?.name;
    },

    async keysOfName(name) {
      const { rows } = await guardPg('list the keys of a name', () =>
        pool.query<ObjectRef>('SELECT bucket, key FROM claim_index_key_names WHERE name = $1', [
          name,
        ]),
      );
      return rows
        .map((row): ObjectRef => ({ bucket: row.bucket, key: row.key }))
        .sort(compareObjectRefs);
    },
  };
}

/**
 * A listing whose filter is a few indexed values (a collaborator of some pools, plus their
 * own environments): for each value, its first `$2` names in order from its `(field, name)`
 * index; the first `$2` of them all; then those rows. One scan of the name index would
 * read every row up to the page's last, about 100 per item for a reader of 1 %, because
 * PostgreSQL cannot read `pool = ANY(…)` from `(pool, name)` in name order. A branch
 * carries only its own remaining filter (the whole one makes the planner misjudge each
 * value's rows); the outer `sure` repeats what every row already satisfies.
 */
function branchedSelect(
  branches: readonly IndexBranch[],
  conditions: readonly string[],
  sure: string,
  bind: (value: unknown) => string,
  compile: (filter: EnvironmentFilter) => string,
): string {
  const scans = branches.map(
    (branch) =>
      `SELECT x.name FROM unnest(${bind(branch.values)}::text[]) AS d(value) CROSS JOIN LATERAL (` +
      `SELECT name FROM claim_index_environments WHERE ${ENVIRONMENT_COLUMNS.fields[branch.field]} = d.value AND ` +
      [...conditions, compile(branch.filter)].join(' AND ') +
      ` ORDER BY name LIMIT $2) x`,
  );
  return (
    `SELECT ${COLUMNS}, ${sure} AS sure FROM claim_index_environments WHERE name IN (` +
    `SELECT DISTINCT c.name FROM (${scans.join(' UNION ALL ')}) c ORDER BY c.name LIMIT $2)` +
    ` AND ${sure} ORDER BY name LIMIT $2`
  );
}

interface RejectedRow {
  bucket: BucketName;
  key: string;
  reasons: FieldError[];
  observed_at: string;
}

const toRejected = (row: RejectedRow): RejectedClaim => ({
  bucket: row.bucket,
  key: row.key,
  reasons: row.reasons,
  observedAt: row.observed_at,
});

function decideOf(
  decide: EnvironmentQuery['decide'],
): (environment: IndexedEnvironment) => boolean {
  if (decide) return decide;
  throw new TypeError('the query filter has per-item leaves but no decide callback');
}
