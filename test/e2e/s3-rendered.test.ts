import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createEnvironment,
  deploymentOf,
  pushService,
  TEST_CATALOGUE,
} from '../deploy/deploy-harness.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { prepareS3, s3StoreYaml } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';

const rgw = useRgw();
const id = randomBytes(4).toString('hex');
const buckets = {
  environments: `e2e-env-${id}`,
  staticEnvironments: `e2e-static-${id}`,
  rendered: `e2e-rendered-${id}`,
};
const ENV = 'dev-s3-render';
const PREFIX = `rendered/${ENV}/`;

let platform: TestPlatform;
let registry: TestRegistry;
let s3: S3Client;
let proxy: Server;
/** Every request the platform sent to the store, as `METHOD /bucket/key?query`. */
const seen: string[] = [];

/**
 * A pass-through in front of the gateway that notes each request: the only way to count the
 * platform's own writes, since it builds its S3 client itself. Headers go through unchanged,
 * so the SigV4 signature (which covers `Host`) still verifies.
 */
async function startCountingProxy(target: URL): Promise<string> {
  proxy = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method ?? '?'} ${incoming.url ?? ''}`);
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** The rendered bucket's objects under `prefix`, key → etag and last-modified. */
async function objects(prefix: string): Promise<Map<string, string>> {
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: buckets.rendered, Prefix: prefix }),
  );
  return new Map(
    (listed.Contents ?? []).map((object) => [
      object.Key ?? '',
      `${object.ETag ?? ''} ${object.LastModified?.toISOString() ?? ''}`,
    ]),
  );
}

const writesUnder = (prefix: string): string[] =>
  seen.filter((line) => {
    const [method, path = ''] = line.split(' ');
    return (
      (method === 'PUT' || method === 'DELETE' || (method === 'POST' && path.includes('delete'))) &&
      path.startsWith(`/${buckets.rendered}/${prefix}`)
    );
  });

beforeAll(async () => {
  s3 = await prepareS3(rgw.current, buckets);
  registry = await startRegistry();
  for (const service of ['user-service', 'auth-service']) {
    await pushService(registry.url, service, 'v1.0.0');
  }
  const counted = await startCountingProxy(new URL(rgw.current.endpoint));
  platform = await createTestPlatform({
    files: {
      'services.yaml': TEST_CATALOGUE,
    },
    configYaml: `${s3StoreYaml({ endpoint: counted, region: rgw.current.region, buckets })}deploy:
  catalogue: ./services.yaml
  registry: { url: '${registry.url}', cacheTtl: 1ms, timeout: 2s, retries: 0 }
  resolveInterval: 1h
  flux:
    bucket: { endpoint: 'rgw.platform.svc:7480', insecure: true }
`,
  });
  await platform.start();
}, 60_000);

afterAll(async () => {
  await platform?.close();
  await registry?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  s3?.destroy();
  vi.unstubAllEnvs();
});

describe('the deployer on S3 (Ceph RGW): rendered output in the rendered bucket', () => {
  it(
    'renders into rendered/<env>/, rewrites nothing when unchanged, and removes the prefix on delete',
    { timeout: 60_000 },
    async () => {
      const created = await createEnvironment(platform, {
        environment_name: ENV,
        environment_type: 'dev',
        services: { 'user-service': '*' },
        deploy_only_specified: true,
      });
      expect(created.status).toBe(201);
      const deployment = await deploymentOf(platform, ENV);
      expect(deployment.phase).toBe('Rendered');

      const first = await objects(PREFIX);
      expect([...first.keys()]).toEqual(
        expect.arrayContaining([
          `${PREFIX}bootstrap/bucket.yaml`,
          `${PREFIX}environment/kustomization.yaml`,
          `${PREFIX}environment/services/user-service.yaml`,
          `${PREFIX}environment/services/auth-service.yaml`,
          `${PREFIX}platform/cluster-claim.yaml`,
        ]),
      );
      const record = await s3.send(
        new GetObjectCommand({ Bucket: buckets.rendered, Key: `deployments/${ENV}.json` }),
      );
      expect(JSON.parse(await record.Body!.transformToString())).toMatchObject({ revision: 1 });

      // The Flux Bucket the new cluster starts from reads this bucket, under this prefix.
      const bootstrap = await s3.send(
        new GetObjectCommand({ Bucket: buckets.rendered, Key: `${PREFIX}bootstrap/bucket.yaml` }),
      );
      const source = load(await bootstrap.Body!.transformToString()) as {
        spec: Record<string, unknown>;
      };
      expect(source.spec).toMatchObject({
        bucketName: buckets.rendered,
        endpoint: 'rgw.platform.svc:7480',
        prefix: `${PREFIX}environment/`,
      });
      const sync = await s3.send(
        new GetObjectCommand({ Bucket: buckets.rendered, Key: `${PREFIX}bootstrap/sync.yaml` }),
      );
      expect(await sync.Body!.transformToString()).toContain(`path: ./${PREFIX}environment`);

      // An unchanged re-render: the same files, not one PUT under the prefix.
      const putsBefore = writesUnder(PREFIX).length;
      expect(putsBefore).toBe(first.size);
      const again = await platform.deployer!.deploy(ENV, 'interval');
      expect(again.changed).toBe(false);
      expect(writesUnder(PREFIX)).toHaveLength(putsBefore);
      expect(await objects(PREFIX)).toEqual(first);

      const deleted = await platform.call('DELETE', `/api/v1/environments/${ENV}`);
      expect(deleted.status).toBe(204);
      await vi.waitFor(
        async () => {
          await platform.deployer!.idle();
          expect(await objects(PREFIX)).toEqual(new Map());
          expect(await objects(`deployments/${ENV}.json`)).toEqual(new Map());
        },
        { timeout: 10_000, interval: 200 },
      );
    },
  );
});
