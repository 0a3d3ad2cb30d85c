import type pg from 'pg';
import { ConflictError, UnavailableError } from '../../domain/errors.js';
import {
  serviceTokenRecordSchema,
  type ServiceTokenRecord,
} from '../../domain/service-tokens/service-token-schema.js';
import { toFieldErrors } from '../../domain/shared/zod-errors.js';
import type { ServiceTokenStore } from '../../ports/service-token-store.js';
import { inTransaction } from './pg-transaction.js';
import { guardPg } from './pg-faults.js';
import type { PgPool } from './pg-pool.js';

/**
 * Service tokens in PostgreSQL (`service_tokens`, migration 3), shared by every replica on
 * the database: a token created or revoked through one replica is what every other one
 * reads at its next request. The caller runs `migrate` first and owns the pool.
 *
 * Guarantees: `create` of a taken id is a `ConflictError`, whichever replica took it.
 * `update` is atomic across replicas: it locks the row (`SELECT … FOR UPDATE`) in a
 * transaction, applies `change` to what is committed and writes the result back, so two
 * replicas changing one token one after the other never lose either change. Every record
 * is checked against the schema before it is written and when it is read; a row that fails
 * (changed by hand) is an `UnavailableError` that never echoes the row, which holds a hash.
 * Every method returns copies. A database fault is an `UnavailableError` (503, Retry-After).
 */
export function createPgServiceTokenStore(options: {
  pool: PgPool;
  /** Upper bound on each statement of an update, waiting for the row lock included. */
  statementTimeoutMs?: number | undefined;
}): ServiceTokenStore {
  const { pool } = options;
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 1) {
    throw new TypeError(`statementTimeoutMs must be a positive integer, got ${statementTimeoutMs}`);
  }

  const transaction = <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    inTransaction(pool, statementTimeoutMs, work);

  return {
    get(id) {
      return guardPg('read a service token', async () => {
        const { rows } = await pool.query<{ record: string }>(
          'SELECT record FROM service_tokens WHERE id = $1',
          [id],
        );
        return rows[0] && parseRow(rows[0].record);
      });
    },

    list() {
      return guardPg('list service tokens', async () => {
        const { rows } = await pool.query<{ record: string }>(
          'SELECT record FROM service_tokens ORDER BY position',
        );
        return rows.map((row) => parseRow(row.record));
      });
    },

    create(record) {
      return guardPg('create a service token', async () => {
        const text = serialize(record);
        // ON CONFLICT rather than catching 23505: a taken id is an answer, not an error.
        const { rowCount } = await pool.query(
          'INSERT INTO service_tokens (id, record) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
          [record.id, text],
        );
        if (rowCount === 0) throw new ConflictError(`service token '${record.id}' already exists`);
      });
    },

    update(id, change) {
      return guardPg('update a service token', () =>
        transaction(async (client) => {
          const { rows } = await client.query<{ record: string }>(
            'SELECT record FROM service_tokens WHERE id = $1 FOR UPDATE',
            [id],
          );
          if (!rows[0]) return undefined;
          const updated = change(parseRow(rows[0].record));
          if (updated.id !== id) throw new TypeError('update must not change the id');
          const text = serialize(updated);
          await client.query(
            'UPDATE service_tokens SET record = $2, updated_at = now() WHERE id = $1',
            [id, text],
          );
          return parseRow(text);
        }),
      );
    },
  };
}

/** The JSON stored for `record`; never a record this store could not read back. */
function serialize(record: ServiceTokenRecord): string {
  const parsed = serviceTokenRecordSchema.safeParse(record);
  if (!parsed.success) {
    // Paths only: the values may include the hash.
    const where = toFieldErrors(parsed.error)
      .slice(0, 3)
      .map((field) => field.path)
      .join(', ');
    throw new TypeError(`not a valid service token record (${where})`);
  }
  return JSON.stringify(parsed.data);
}

function parseRow(text: string): ServiceTokenRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Neither the message nor a cause may echo the row: it holds a hash.
    throw new UnavailableError('a row of service_tokens is not valid JSON');
  }
  const parsed = serviceTokenRecordSchema.safeParse(json);
  if (!parsed.success) {
    const where = toFieldErrors(parsed.error)
      .slice(0, 3)
      .map((field) => `${field.path}: ${field.message}`)
      .join('; ');
    throw new UnavailableError(`a row of service_tokens is not a valid service token (${where})`);
  }
  return parsed.data;
}
