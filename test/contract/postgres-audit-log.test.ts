import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import {
  createPgAuditLog,
  PG_MAX_BATCH_RECORDS,
  type PgAuditLog,
} from '../../src/adapters/postgres/pg-audit-log.js';
import {
  formatPgProblem,
  verifyPgAuditChain,
} from '../../src/adapters/postgres/pg-audit-verify.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { GENESIS_HASH, recordHash } from '../../src/domain/audit/audit-chain.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type { AuditRecord } from '../../src/ports/audit-log.js';
import { startPostgres, createDatabase } from '../support/postgres.js';
import { usePostgres } from '../support/use-postgres.js';
import { auditEntry, describeAuditLogContract } from './audit-log-contract.js';

const postgres = usePostgres();

async function migratedPool(url?: string): Promise<{ url: string; pool: PgPool }> {
  const database = url ?? (await postgres.database());
  const pool = createPgPool({ url: database, size: 4 });
  await migrate(pool);
  return { url: database, pool };
}

const problemsOf = async (pool: PgPool) =>
  (await verifyPgAuditChain(pool)).problems.map(formatPgProblem);

describeAuditLogContract('PostgreSQL', async () => {
  const { pool } = await migratedPool();
  let log: PgAuditLog = await createPgAuditLog({ pool });
  return {
    get log() {
      return log;
    },
    verify: () => problemsOf(pool),
    async reopen() {
      await log.close();
      log = await createPgAuditLog({ pool });
      return log;
    },
    async close() {
      await log.close();
      await pool.end();
    },
  };
});

describe('PostgreSQL audit log specifics', () => {
  it('never forks the chain when two replicas append at once', async () => {
    const { url, pool: a } = await migratedPool();
    const b = createPgPool({ url, size: 4 });
    try {
      const [logA, logB] = await Promise.all([
        createPgAuditLog({ pool: a }),
        createPgAuditLog({ pool: b }),
      ]);
      // Waves of concurrent appends on both, so their transactions interleave.
      const appended: { replica: 'a' | 'b'; n: number; record: AuditRecord }[] = [];
      for (let wave = 0; wave < 10; wave++) {
        await Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            const replica = i % 2 === 0 ? 'a' : 'b';
            const n = wave * 40 + i;
            const log = replica === 'a' ? logA : logB;
            const record = await log.append(auditEntry(n, { actor: replica }));
            appended.push({ replica, n, record });
          }),
        );
      }
      const records = appended.map((item) => item.record).sort((x, y) => x.seq - y.seq);
      expect(records.map((record) => record.seq)).toEqual(records.map((_, i) => i + 1));
      records.forEach((record, i) => {
        expect(record.prevHash).toBe(i === 0 ? GENESIS_HASH : records[i - 1]!.hash);
      });
      // Each replica's own appends keep their call order within a wave.
      for (const replica of ['a', 'b']) {
        const mine = appended.filter((item) => item.replica === replica);
        const ordered = [...mine].sort((x, y) => x.record.seq - y.record.seq);
        expect(ordered.map((item) => item.n)).toEqual(
          mine.map((item) => item.n).sort((x, y) => x - y),
        );
      }
      const report = await verifyPgAuditChain(b, { batchSize: 37 });
      expect(report).toMatchObject({ records: 400, problems: [] });
      expect(report.last).toEqual({ seq: 400, hash: records[399]!.hash });
      expect((await logB.query({ actor: 'a', limit: 500 })).items).toHaveLength(200);
      await Promise.all([logA.close(), logB.close()]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('commits a burst of appends in few transactions (group commit)', async () => {
    const { pool } = await migratedPool();
    try {
      const log = await createPgAuditLog({ pool });
      const connect = pool.connect.bind(pool);
      let transactions = 0;
      pool.connect = (() => {
        transactions++;
        return connect();
      }) as typeof pool.connect;
      const records = await Promise.all(
        Array.from({ length: 100 }, (_, i) => log.append(auditEntry(i + 1))),
      );
      expect(records.at(-1)?.seq).toBe(100);
      expect(transactions).toBeLessThanOrEqual(2);
      await log.close();
    } finally {
      await pool.end();
    }
  });

  it('splits a burst larger than one transaction takes, still one chain in call order', async () => {
    const { pool } = await migratedPool();
    try {
      const log = await createPgAuditLog({ pool });
      const count = PG_MAX_BATCH_RECORDS * 2 + 100;
      const records = await Promise.all(
        Array.from({ length: count }, (_, i) => log.append(auditEntry(i + 1))),
      );
      expect(records.map((record) => record.requestId)).toEqual(
        records.map((_, i) => `req-${i + 1}`),
      );
      expect(records.map((record) => record.seq)).toEqual(records.map((_, i) => i + 1));
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(DISTINCT xmin::text) AS n FROM audit_records',
      );
      expect(Number(rows[0]!.n)).toBe(3);
      expect(await problemsOf(pool)).toEqual([]);
      await log.close();
    } finally {
      await pool.end();
    }
  });

  it('reports tampered rows: a changed record, a re-hashed one, a column, a gap, the end', async () => {
    const { pool } = await migratedPool();
    try {
      const log = await createPgAuditLog({ pool });
      for (let n = 1; n <= 8; n++) await log.append(auditEntry(n));
      const last = (await log.query({ afterSeq: 7, limit: 1 })).items[0]!;
      expect(await problemsOf(pool)).toEqual([]);

      await pool.query(
        `UPDATE audit_records SET record = replace(record, '"decision":"allow"', '"decision":"deny"') WHERE seq = 2`,
      );
      const third = (await log.query({ afterSeq: 2, limit: 1 })).items[0]!;
      const forged = { ...third, actor: 'mallory' };
      const rehashed = { ...forged, hash: recordHash(forged) };
      await pool.query(
        `UPDATE audit_records SET record = $1, actor = 'mallory', hash = $2 WHERE seq = 3`,
        [JSON.stringify(rehashed), rehashed.hash],
      );
      await pool.query(`UPDATE audit_records SET decision = 'deny' WHERE seq = 5`);
      await pool.query('DELETE FROM audit_records WHERE seq = 6');
      expect(await problemsOf(pool)).toEqual([
        'seq 2: seq 2 was changed: its hash does not match its content',
        "seq 4: seq 4 does not link to seq 3: its prevHash is not that record's hash (seq 3 was changed and re-hashed, or records were removed and renumbered)",
        "seq 5: the row's decision does not match its record (edited outside the service)",
        'seq 6: seq 6 is missing before seq 7',
      ]);

      await pool.query('DELETE FROM audit_records WHERE seq = 8');
      const head = { seq: last.seq, hash: last.hash };
      const report = await verifyPgAuditChain(pool, { head });
      expect(report.problems.map(formatPgProblem).at(-1)).toBe(
        'seq 8: seq 8 is missing at the end: the head records seq 8 but the log ends at seq 7',
      );
      await log.close();
    } finally {
      await pool.end();
    }
  });

  it('refuses appends with UnavailableError while a transaction cannot run, and recovers', async () => {
    const { pool } = await migratedPool();
    const blocker = new pg.Client({ connectionString: pool.options.connectionString });
    await blocker.connect();
    try {
      const log = await createPgAuditLog({ pool, statementTimeoutMs: 300 });
      const first = await log.append(auditEntry(1));
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE');
      const refused = log.append(auditEntry(2));
      await expect(refused).rejects.toBeInstanceOf(UnavailableError);
      await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 2 });
      await blocker.query('ROLLBACK');
      // The failed transaction wrote nothing: the next append continues from seq 1.
      const next = await log.append(auditEntry(3));
      expect(next).toMatchObject({ seq: 2, prevHash: first.hash, requestId: 'req-3' });
      expect(await problemsOf(pool)).toEqual([]);
      await log.close();
    } finally {
      await blocker.end();
      await pool.end();
    }
  });

  it('gives UnavailableError, never the URL, when the database is stopped', async () => {
    const server = await startPostgres();
    const url = await createDatabase(server);
    const { pool } = await migratedPool(url);
    try {
      const log = await createPgAuditLog({ pool });
      await log.append(auditEntry(1));
      await server.stop();
      const refused = log.append(auditEntry(2));
      await expect(refused).rejects.toBeInstanceOf(UnavailableError);
      await expect(refused).rejects.not.toThrow(url);
      await expect(log.query({ limit: 1 })).rejects.toBeInstanceOf(UnavailableError);
      await expect(verifyPgAuditChain(pool)).rejects.toBeInstanceOf(UnavailableError);
      await log.close();
      await expect(log.append(auditEntry(3))).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await pool.end();
      await server.stop();
    }
  }, 60_000);

  it('refuses to open on a database that was not migrated, naming the table', async () => {
    const url = await postgres.database();
    const pool = createPgPool({ url, size: 2 });
    try {
      await expect(createPgAuditLog({ pool })).rejects.toThrow(/audit_records/);
    } finally {
      await pool.end();
    }
  });
});
