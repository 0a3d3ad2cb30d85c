import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './child-process.js';

const run = promisify(execFile);

/** Where a test reaches the server: a superuser URL without a database name in it. */
export interface PostgresEndpoint {
  /** `postgres://postgres@127.0.0.1:<port>`: append `/<database>`. */
  readonly baseUrl: string;
}

export interface TestPostgres extends PostgresEndpoint {
  /** Seconds from `initdb` to accepting connections (about 3 s here). */
  readonly startupSeconds: number;
  stop(): Promise<void>;
}

const MISSING =
  'PostgreSQL server binaries (initdb, pg_ctl) are not on PATH: install postgresql-15 ' +
  '(the CI machine has them in /usr/local/bin)';

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1: `initdb` into a fresh temp directory
 * and `pg_ctl start`, with the socket inside that directory. The server binaries refuse to
 * run as root, so as root they run as the `postgres` user (`runuser`), which owns the
 * directory. Trust authentication on loopback only; `fsync=off` because a test cluster
 * outlives no crash of the machine (the platform's own durability is tested on its files).
 * `stop()` stops it immediately and removes the directory; a process exit stops it too.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'platform-pg-'));
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const exec = async (command: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
    try {
      await run(file, argv, { timeout: 60_000 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING);
      const { stderr } = error as { stderr?: string };
      throw new Error(`${command} failed: ${stderr ?? String(error)}`, { cause: error });
    }
  };
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  const pid = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const killOnExit = (): void => {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `postgres://postgres@127.0.0.1:${port}`,
    startupSeconds: Math.round((performance.now() - started) / 100) / 10,
    stop() {
      stopping ??= (async () => {
        process.off('exit', killOnExit);
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(killOnExit);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as');
  });
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

/**
 * A new, empty database on `server` for one test file or test: its URL. Databases are
 * cheap (a copy of template1), so tests never share tables.
 */
export async function createDatabase(server: PostgresEndpoint, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${server.baseUrl}/${name}`;
}
