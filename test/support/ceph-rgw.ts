import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopChild } from './child-process.js';

const run = promisify(execFile);

/** Where a test reaches the gateway: loopback endpoint, path-style, and one S3 user. */
export interface RgwEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The cluster's `ceph.conf`: what a second gateway on the same cluster starts from. */
  readonly cephConf: string;
}

export interface TestRgw extends RgwEndpoint {
  /** Seconds from the first command to the S3 user existing (measured: ~12 s here). */
  readonly startupSeconds: number;
  stop(): Promise<void>;
}

/** The tests need a real S3 server: say how to get it rather than skip. */
const MISSING =
  'Ceph RGW is not installed: run `apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd` ' +
  '(.ci/run does this before the tests)';

// Fixed test-only keys: the cluster listens on loopback only and lives for one test run.
const ACCESS_KEY = 'PLATFORMTESTACCESSKEY';
const SECRET_KEY = 'platform-test-secret-key-0000000000000000';

/**
 * Starts a single-node Ceph (one monitor, one in-memory OSD) and `radosgw` on 127.0.0.1,
 * all in a fresh temp directory, without systemd, and resolves once an S3 user exists.
 * `stop()` kills the three daemons by PID and removes the directory; they are also killed
 * if this process exits first. Throws a clear error when the binaries are missing.
 *
 * Facts found on Debian 12's Ceph 16.2.15 (pacific), as root in a container:
 * - The daemons run as root when `--setuser`/`--setgroup` are left out; `-f` keeps each in
 *   the foreground, so the PID we spawn is the daemon's and nothing outlives `stop()`.
 * - With `ms bind msgr2 = false` the monitor must be in the monmap as `v1:` explicitly
 *   (`monmaptool --addv a [v1:…]`): `--add` with a non-default port records a v2 address,
 *   which a v1-only OSD cannot reach (`NetHandler … Address family not supported`).
 * - At boot the OSD's own `osd crush set-device-class` / `create-or-move` commands are
 *   refused with `wrong fsid` (sent before it has the monmap) and it exits; turning both
 *   off (`osd crush update on start`, `osd class update on start`) and placing it in the
 *   CRUSH map by hand (`ceph osd crush add`) avoids that.
 * - RGW honours `If-None-Match: *` and `If-Match` on PUT (412), comparing `If-Match` with
 *   the bare etag (a quoted one never matches), but ignores `If-Match` on DELETE (204 with a
 *   wrong etag); the SDK's default request checksums break a streamed PUT.
 * - Startup measured at 12 s on two shared cores (monitor 1 s, OSD up ~3 s, radosgw ~8 s).
 * - radosgw creates its eight pools at start: with the default 32 PGs each one OSD exceeds
 *   `mon max pg per osd` (250), hence 8 PGs per pool.
 */
export async function startCephRgw(): Promise<TestRgw> {
  const started = Date.now();
  const bins = await findBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'ceph-rgw-'));
  const children: ChildProcess[] = [];
  const killAll = (): void => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    // Stop the gateway first, so it does not spin on a vanished cluster.
    for (const child of [...children].reverse()) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const monPort = await freePort();
    const rgwPort = await freePort();
    const conf = join(dir, 'ceph.conf');
    const fsid = randomUUID();
    for (const sub of ['mon', 'osd', 'run', 'log']) await mkdir(join(dir, sub));
    await writeFile(conf, cephConf(dir, fsid, monPort, rgwPort));
    const ceph = (...args: string[]) =>
      run(bins.ceph, ['-c', conf, '--connect-timeout', '20', ...args], { timeout: 30_000 });

    await run(bins.monmaptool, [
      '--create',
      '--addv',
      'a',
      `[v1:127.0.0.1:${monPort}]`,
      '--fsid',
      fsid,
      join(dir, 'monmap'),
    ]);
    await run(bins.cephMon, ['-c', conf, '-i', 'a', '--mkfs', '--monmap', join(dir, 'monmap')]);
    const mon = daemon(children, bins.cephMon, ['-c', conf, '-i', 'a', '-f']);

    // Until the monitor has formed its quorum of one, the CLI can be refused with `problem
    // getting command descriptions from mon` (EPERM): seen once in CI on a loaded host.
    await poll('the monitor to answer', mon, 30_000, async () => {
      await ceph('mon', 'stat');
      return true;
    });
    const osdUuid = randomUUID();
    await untilExit(mon, ceph('osd', 'new', osdUuid));
    await run(bins.cephOsd, ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    await ceph('osd', 'crush', 'add', 'osd.0', '1.0', 'root=default', 'host=localhost');
    const osd = daemon(children, bins.cephOsd, ['-c', conf, '-i', '0', '-f']);
    await poll('the OSD to come up', osd, 30_000, async () => {
      const { stdout } = await ceph('osd', 'stat', '-f', 'json');
      return (JSON.parse(stdout) as { num_up_osds?: number }).num_up_osds === 1;
    });

    const rgw = daemon(children, bins.radosgw, ['-c', conf, '-n', 'client.rgw', '-f']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await poll('radosgw to answer', rgw, 60_000, async () => {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return response.status === 200;
    });
    await run(bins.radosgwAdmin, [
      '-c',
      conf,
      'user',
      'create',
      '--uid',
      'platform-test',
      '--display-name',
      'platform test',
      '--access-key',
      ACCESS_KEY,
      '--secret',
      SECRET_KEY,
    ]);
    return {
      endpoint,
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
      cephConf: conf,
      startupSeconds: (Date.now() - started) / 1000,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`Ceph RGW did not start (logs were in ${dir}/log): ${String(error)}`, {
      cause: error,
    });
  }
}

/** A gateway a test owns: stopping it leaves the cluster and the run's gateway serving. */
export interface ExtraGateway extends RgwEndpoint {
  readonly port: number;
  /** Stops this `radosgw` by its PID (SIGTERM, SIGKILL after 5 s); idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts one more `radosgw` on the cluster behind `shared`, on `port` (default: a free
 * one), and resolves once it answers. Same users and buckets as `shared`; it is for tests
 * that stop the store (an outage) without taking the run's shared gateway from the other
 * files. Start it again with the same `port` for "the store is back" at the same address
 * (beast binds with `SO_REUSEADDR`, so the port is free as soon as the old process exits).
 */
export async function startExtraGateway(shared: RgwEndpoint, port?: number): Promise<ExtraGateway> {
  const { radosgw } = await findBinaries();
  const rgwPort = port ?? (await freePort());
  // Its own name gives it its own admin socket, pid file and log next to the cluster's.
  const child = spawn(
    radosgw,
    [
      '-c',
      shared.cephConf,
      '-n',
      `client.rgw.extra-${rgwPort}`,
      '-f',
      '--rgw-frontends',
      `beast endpoint=127.0.0.1:${rgwPort}`,
    ],
    { stdio: 'ignore' },
  );
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    await stopChild(child);
  };
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  try {
    await poll('the extra radosgw to answer', child, 60_000, async () => {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return response.status === 200;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...shared, endpoint, port: rgwPort, stop };
}

function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd objectstore = memstore
osd crush update on start = false
osd class update on start = false
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
log file = ${dir}/log/$name.log
[mon.a]
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
`;
}

interface Binaries {
  readonly ceph: string;
  readonly cephMon: string;
  readonly cephOsd: string;
  readonly monmaptool: string;
  readonly radosgw: string;
  readonly radosgwAdmin: string;
}

async function findBinaries(): Promise<Binaries> {
  const find = async (name: string): Promise<string> => {
    for (const path of (process.env.PATH ?? '').split(delimiter).filter((p) => p !== '')) {
      try {
        await access(join(path, name), constants.X_OK);
        return join(path, name);
      } catch {
        // try the next directory
      }
    }
    throw new Error(`${MISSING} (${name} not found on PATH)`);
  };
  return {
    ceph: await find('ceph'),
    cephMon: await find('ceph-mon'),
    cephOsd: await find('ceph-osd'),
    monmaptool: await find('monmaptool'),
    radosgw: await find('radosgw'),
    radosgwAdmin: await find('radosgw-admin'),
  };
}

function daemon(children: ChildProcess[], binary: string, args: string[]): ChildProcess {
  // The daemons log to files in the temp dir; their stdio is not needed.
  const child = spawn(binary, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** `work`, unless `child` exits first (then its exit is the error). */
async function untilExit<T>(child: ChildProcess, work: Promise<T>): Promise<T> {
  let onExit: (() => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = () => reject(new Error(`${child.spawnfile} exited (${child.exitCode})`));
    child.once('exit', onExit);
  });
  try {
    return await Promise.race([work, exited]);
  } finally {
    if (onExit) child.off('exit', onExit);
  }
}

async function poll(
  what: string,
  child: ChildProcess,
  timeoutMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode})`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
