import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ClaimStore } from '../../src/adapters/s3-store/s3-claim-store.js';
import { rgwClient, rgwConnection, s3StoreYaml } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';
import {
  describePublishScenario,
  describeRefusedWrites,
  makeCheckout,
  publish,
  type BucketContents,
} from './static-publish-harness.js';

// The file name matches the global setup's /s3|rgw/: a run naming it gets the shared gateway.
const rgw = useRgw();
const id = randomBytes(4).toString('hex');
const buckets = { environments: `pub-env-${id}`, staticEnvironments: `pub-static-${id}` };
let client: S3Client;

beforeAll(async () => {
  client = rgwClient(rgw.current);
  for (const Bucket of Object.values(buckets))
    await client.send(new CreateBucketCommand({ Bucket }));
});
afterAll(() => client.destroy());

/** Every object of the static bucket, prefixes included (a probe left behind would show). */
async function readBucket(): Promise<BucketContents> {
  const contents = new Map<string, { body: string; etag: string }>();
  const listing = await client.send(
    new ListObjectsV2Command({ Bucket: buckets.staticEnvironments }),
  );
  for (const object of listing.Contents ?? []) {
    const got = await client.send(
      new GetObjectCommand({ Bucket: buckets.staticEnvironments, Key: object.Key }),
    );
    contents.set(object.Key!, { body: await got.Body!.transformToString(), etag: got.ETag ?? '' });
  }
  return contents;
}

const credentials = () => ({
  AWS_ACCESS_KEY_ID: rgw.current.accessKeyId,
  AWS_SECRET_ACCESS_KEY: rgw.current.secretAccessKey,
});

describePublishScenario({
  name: 'S3 (Ceph RGW)',
  async config(dir) {
    const path = join(dir, 'platform.yaml');
    await writeFile(
      path,
      s3StoreYaml({ endpoint: rgw.current.endpoint, region: rgw.current.region, buckets }),
    );
    return path;
  },
  readBucket,
  env: credentials,
});

describe('platformctl static publish on S3, failures', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'static-publish-s3-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('exits 5 when the store is unreachable, after validating', async () => {
    const checkout = await makeCheckout(root);
    await checkout.write(
      'environments/prod-x.yaml',
      'environment_name: prod-x\nenvironment_type: prod\nenvironment_pool: p\n',
    );
    await checkout.commit('one');
    const config = join(root, 'unreachable.yaml');
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    await writeFile(
      config,
      s3StoreYaml({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', buckets }),
    );
    const before = await readBucket();
    const result = await publish([checkout.dir, '--config', config], {
      cwd: root,
      env: credentials(),
    });
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain('unreachable');
    expect(await readBucket()).toEqual(before);
  });

  it('exits 1 when the store refuses the CI credentials', async () => {
    const checkout = await makeCheckout(join(root, 'denied'));
    await checkout.write(
      'environments/prod-y.yaml',
      'environment_name: prod-y\nenvironment_type: prod\nenvironment_pool: p\n',
    );
    await checkout.commit('one');
    const config = join(root, 'platform.yaml');
    await writeFile(
      config,
      s3StoreYaml({ endpoint: rgw.current.endpoint, region: rgw.current.region, buckets }),
    );
    const before = await readBucket();
    const result = await publish([checkout.dir, '--config', config], {
      cwd: root,
      env: { AWS_ACCESS_KEY_ID: 'nobody', AWS_SECRET_ACCESS_KEY: 'wrong' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/denied/);
    expect(await readBucket()).toEqual(before);
  });
});

describeRefusedWrites('S3 (Ceph RGW)', async () => {
  const bucket = `pub-refused-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const open = () =>
    createS3ClaimStore({
      connection: rgwConnection(rgw.current),
      buckets: { environments: bucket, 'static-environments': bucket },
      resyncIntervalMs: 0,
    });
  return { mine: await open(), theirs: await open() };
});
