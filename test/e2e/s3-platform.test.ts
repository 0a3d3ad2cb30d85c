import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPlatform, sueRequest, type TestPlatform } from '../support/test-platform.js';
import { prepareS3, s3StoreYaml } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';

const rgw = useRgw();
const id = randomBytes(4).toString('hex');
const buckets = { environments: `e2e-env-${id}`, staticEnvironments: `e2e-static-${id}` };
let platform: TestPlatform;
let s3: S3Client;

beforeAll(async () => {
  s3 = await prepareS3(rgw.current, buckets);
  platform = await createTestPlatform({
    configYaml: s3StoreYaml({ ...rgw.current, buckets }),
    resyncIntervalMs: 500,
  });
  await platform.start();
});

afterAll(async () => {
  await platform?.close();
  s3?.destroy();
  vi.unstubAllEnvs();
});

describe('the platform on S3 (Ceph RGW)', () => {
  it('creates through the API into the bucket, and sees a direct upload after a resync', async () => {
    const created = await platform.call('POST', '/api/v1/environments', {
      body: sueRequest('sue-s3'),
    });
    expect(created.status).toBe(201);
    const object = await s3.send(
      new GetObjectCommand({ Bucket: buckets.environments, Key: 'sue-s3.json' }),
    );
    const stored = JSON.parse(await object.Body!.transformToString()) as Record<string, unknown>;
    expect(stored).toMatchObject({ environment_name: 'sue-s3' });
    const again = await platform.call('POST', '/api/v1/environments', {
      body: sueRequest('sue-s3'),
    });
    expect(again.status).toBe(409);

    await s3.send(
      new PutObjectCommand({
        Bucket: buckets.environments,
        Key: 'uploaded-by-mc.json',
        // Any key is a claim: the name inside, not the key, identifies the environment.
        Body: JSON.stringify({ ...stored, environment_name: 'sue-direct' }),
      }),
    );
    await expect
      .poll(async () => (await platform.call('GET', '/api/v1/environments/sue-direct')).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(200);
  });
});
