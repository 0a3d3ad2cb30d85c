import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  createFsRenderedStore,
  DEPLOYMENTS_BUCKET,
} from '../../src/adapters/fs-rendered-store/fs-rendered-store.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { withPgDeploymentRecords } from '../../src/adapters/postgres/pg-deployment-records.js';
import { createPgPool, type PgPool } from '../../src/adapters/postgres/pg-pool.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { usePostgres } from '../support/use-postgres.js';
import { describeRenderedStoreContract } from './rendered-store-contract.js';

const postgres = usePostgres();

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (body: Uint8Array | undefined): string | undefined =>
  body === undefined ? undefined : Buffer.from(body).toString('utf8');

/** Every file's inode and mtime: a temp+rename write changes the inode, whatever the bytes. */
async function inodes(root: string): Promise<string> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const marks = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        const info = await stat(path, { bigint: true });
        return `${path}:${info.ino}:${info.mtimeNs}`;
      }),
  );
  return marks.sort().join('\n');
}

/** Each row's transaction id: every upsert writes a new row version, whatever the bytes. */
async function rowVersions(pool: PgPool): Promise<string> {
  const { rows } = await pool.query<{ mark: string }>(
    `SELECT environment || ':' || xmin::text AS mark FROM deployment_records ORDER BY 1`,
  );
  return rows.map((row) => row.mark).join('\n');
}

async function setup(): Promise<{ url: string; pool: PgPool; root: string }> {
  const url = await postgres.database();
  const pool = createPgPool({ url, size: 4 });
  await migrate(pool);
  const root = await mkdtemp(join(tmpdir(), 'pg-rendered-contract-'));
  return { url, pool, root };
}

describeRenderedStoreContract('fs files + PostgreSQL records', async () => {
  const { pool, root } = await setup();
  return {
    store: withPgDeploymentRecords(await createFsRenderedStore(root), pool),
    writeMark: async () => `${await inodes(root)}\n--\n${await rowVersions(pool)}`,
    async writeOutOfBand(environment, path, body) {
      const target = join(root, 'rendered', environment, ...path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, body);
    },
    async close() {
      await pool.end();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('PostgreSQL deployment records specifics', () => {
  it('two replicas see each other’s records, and each other’s removals', async () => {
    const { url, pool, root } = await setup();
    const other = createPgPool({ url, size: 4 });
    try {
      // One bucket for the files, as the replicas share one S3 bucket.
      const a = withPgDeploymentRecords(await createFsRenderedStore(root), pool);
      const b = withPgDeploymentRecords(await createFsRenderedStore(root), other);
      await a.writeRecord('dev-a', bytes('{"revision":1}'));
      expect(text(await b.readRecord('dev-a'))).toBe('{"revision":1}');
      await b.writeRecord('dev-a', bytes('{"revision":2}'));
      await b.writeRecord('sue-b', bytes('{}'));
      expect(text(await a.readRecord('dev-a'))).toBe('{"revision":2}');
      expect(await a.environments()).toEqual(['dev-a', 'sue-b']);
      expect(await b.removeEnvironment('dev-a')).toBe(true);
      expect(await a.readRecord('dev-a')).toBeUndefined();
      expect(await a.environments()).toEqual(['sue-b']);
      expect(await a.removeEnvironment('dev-a')).toBe(false);
    } finally {
      await Promise.all([pool.end(), other.end()]);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps the record in the table, byte for byte, and not in the files', async () => {
    const { pool, root } = await setup();
    try {
      const store = withPgDeploymentRecords(await createFsRenderedStore(root), pool);
      // Not even UTF-8: the store keeps bytes, the deployer decides what they mean.
      const body = Uint8Array.from([0x7b, 0x00, 0xff, 0xfe, 0x0a, 0x20, 0x7d, 0x0a]);
      await store.writeRecord('dev-a', body);
      expect(await store.readRecord('dev-a')).toEqual(Buffer.from(body));
      expect(await readdir(join(root, DEPLOYMENTS_BUCKET))).toEqual([]);
      const { rows } = await pool.query<{ body: Buffer }>(
        "SELECT body FROM deployment_records WHERE environment = 'dev-a'",
      );
      expect(rows[0]?.body).toEqual(Buffer.from(body));
      // A slice of a larger buffer stores the slice alone.
      const larger = bytes('xx{"revision":3}yy');
      await store.writeRecord('dev-a', larger.subarray(2, larger.length - 2));
      expect(text(await store.readRecord('dev-a'))).toBe('{"revision":3}');
    } finally {
      await pool.end();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('still reads a record the files kept before the switch, until it is written anew', async () => {
    const { pool, root } = await setup();
    try {
      const files = await createFsRenderedStore(root);
      await files.writeRecord('dev-a', bytes('{"revision":7}'));
      const store = withPgDeploymentRecords(files, pool);
      expect(text(await store.readRecord('dev-a'))).toBe('{"revision":7}');
      expect(await store.environments()).toEqual(['dev-a']);
      await store.writeRecord('dev-a', bytes('{"revision":8}'));
      expect(text(await store.readRecord('dev-a'))).toBe('{"revision":8}');
      expect(await store.removeEnvironment('dev-a')).toBe(true);
      expect(await store.readRecord('dev-a')).toBeUndefined();
      expect(await files.readRecord('dev-a')).toBeUndefined();
    } finally {
      await pool.end();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('answers UnavailableError for records when the database is unreachable; files still work', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://someone:s3cret@127.0.0.1:1/nowhere',
      connectionTimeoutMillis: 2_000,
    });
    const root = await mkdtemp(join(tmpdir(), 'pg-rendered-fault-'));
    try {
      const store = withPgDeploymentRecords(await createFsRenderedStore(root), pool);
      const calls = [
        () => store.readRecord('dev-a'),
        () => store.writeRecord('dev-a', bytes('{}')),
        () => store.removeEnvironment('dev-a'),
        () => store.environments(),
      ];
      // One at a time, so no rejection waits unobserved for its turn.
      for (const start of calls) {
        const call = start();
        await expect(call).rejects.toBeInstanceOf(UnavailableError);
        await expect(call).rejects.toThrow(/could not \w+ (a )?deployment record/);
        await expect(call).rejects.not.toThrow('s3cret');
      }
      await store.writeFile('dev-a', 'a.yaml', bytes('a'));
      expect([...(await store.hashes('dev-a')).keys()]).toEqual(['a.yaml']);
    } finally {
      await pool.end();
      await rm(root, { recursive: true, force: true });
    }
  });
});
