/**
 * Two `platformctl serve` replicas on one S3 bucket (Ceph RGW) and one PostgreSQL database:
 * what a platform team runs behind a load balancer.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareS3, s3StoreYaml } from '../support/rgw-clients.js';
import { usePostgres } from '../support/use-postgres.js';
import { useRgw } from '../support/use-rgw.js';
import {
  CLI,
  claimJson,
  installE2eHooks,
  randomHex,
  startServer,
  waitFor,
  type EnvironmentPage,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();
const rgw = useRgw();
const postgres = usePostgres();
const run = promisify(execFile);

const id = randomHex(4);
const buckets = { environments: `e2e-rep-env-${id}`, staticEnvironments: `e2e-rep-static-${id}` };
let s3: S3Client;
let databaseUrl: string;
let replicas: ServerHandle[] = [];

/** A replica's config: the shared bucket and database, a fast resync and reaper. */
function replicaOptions() {
  return {
    storeYaml: `${s3StoreYaml({ ...rgw.current, buckets }).trimEnd()}\n  resyncInterval: 1s`,
    reaperInterval: '500ms',
    extraYaml: `index:\n  type: postgres\n  postgres:\n    url: ${databaseUrl}\n`,
  };
}

beforeAll(async () => {
  s3 = await prepareS3(rgw.current, buckets);
  databaseUrl = await postgres.database();
  // Together: they queue on the migration lock, and the second finds the schema in place.
  replicas = await Promise.all([startServer(replicaOptions()), startServer(replicaOptions())]);
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  s3?.destroy();
  vi.unstubAllEnvs();
});

const sue = (name: string) => ({
  environment_name: name,
  environment_type: 'sue',
  environment_pool: 'team1',
  services: { 'user-service': 'v1.2.3' },
});

/** Which replica holds the leader lock, from the lines each one logged. */
function leaderOf(servers: readonly ServerHandle[]): ServerHandle | undefined {
  const elected = servers.filter((server) =>
    server.logLines().some((line) => /elected/i.test(String(line.msg))),
  );
  return elected.length === 1 ? elected[0] : undefined;
}

describe('two replicas on one bucket and one database', () => {
  it('lists on one a claim created through the other, within 2 s', async () => {
    const [a, b] = replicas as [ServerHandle, ServerHandle];
    const created = await a.request('POST', '/api/v1/environments', sue('sue-shared'));
    expect(created.status, created.text).toBe(201);
    // The bound: the other replica lists it within 2 s (the index is shared).
    await waitFor(
      'sue-shared listed by the other replica',
      async () => {
        const page = await b.request<EnvironmentPage>('GET', '/api/v1/environments?type=sue');
        return page.body.items.some((item) => item.environment_name === 'sue-shared')
          ? true
          : undefined;
      },
      2_000,
      20,
    );
  });

  it('gives exactly one 201 for 100 concurrent creates of one name spread over both', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        replicas[i % 2]!.request('POST', '/api/v1/environments', sue('sue-race')),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
  });

  it('hands the loops over when the leader is killed: the other reaps an expired sue within 15 s', async () => {
    const leader = await waitFor('one leader', () => leaderOf(replicas), 15_000);
    const follower = replicas.find((replica) => replica !== leader)!;
    await leader.kill();
    replicas = [follower];
    const now = Date.now();
    await s3.send(
      new PutObjectCommand({
        Bucket: buckets.environments,
        Key: 'sue-expired.json',
        Body: claimJson('sue-expired', {
          environment_type: 'sue',
          user: 'alice@example.com',
          creation_date: new Date(now - 3_600_000).toISOString(),
          expiration_date: new Date(now - 60_000).toISOString(),
        }),
      }),
    );
    // The bound: takeover and reaping within 15 s.
    await waitFor(
      'the surviving replica to reap sue-expired',
      () =>
        follower
          .logLines()
          .some((line) => JSON.stringify(line.reaped ?? []).includes('sue-expired'))
          ? true
          : undefined,
      15_000,
      100,
    );
    const gone = await follower.request('GET', '/api/v1/environments/sue-expired');
    expect(gone.status).toBe(404);
  }, 60_000);

  it('keeps one audit chain that verifies after both replicas wrote to it', async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, 'audit', 'verify', '--database-url', databaseUrl],
      { env: { ...process.env } },
    );
    expect(stdout).toMatch(/^ok: \d+ records/m);
  });
});
