import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startExtraGateway, type ExtraGateway } from '../support/ceph-rgw.js';
import { createTestPlatform, sueRequest, type TestPlatform } from '../support/test-platform.js';
import { prepareS3, s3StoreYaml } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';

const rgw = useRgw();
const id = randomBytes(4).toString('hex');
const buckets = { environments: `e2e-out-env-${id}`, staticEnvironments: `e2e-out-static-${id}` };
let platform: TestPlatform;
/** The platform's store: a gateway this file owns, so stopping it leaves other files theirs. */
let gateway: ExtraGateway;
/** The run's shared gateway, for the test's own direct writes. */
let s3: S3Client;

beforeAll(async () => {
  s3 = await prepareS3(rgw.current, buckets);
  gateway = await startExtraGateway(rgw.current);
  platform = await createTestPlatform({
    configYaml: s3StoreYaml({ endpoint: gateway.endpoint, region: rgw.current.region, buckets }),
    resyncIntervalMs: 500,
  });
  await platform.start();
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await gateway?.stop();
  s3?.destroy();
  vi.unstubAllEnvs();
});

/** A 503 problem with a `Retry-After` in whole seconds, as RFC 9110 §10.2.3 allows. */
async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(JSON.parse(text)).toMatchObject({ status: 503 });
}

describe('the platform when its S3 store (Ceph RGW) goes away and comes back', () => {
  it('answers 503 with Retry-After while the gateway is down, and recovers without a restart', async () => {
    expect(
      (await platform.call('POST', '/api/v1/environments', { body: sueRequest('sue-before') }))
        .status,
    ).toBe(201);

    await gateway.stop();
    await expectUnavailable(
      await platform.call('POST', '/api/v1/environments', { body: sueRequest('sue-during') }),
    );
    await expectUnavailable(await platform.call('DELETE', '/api/v1/environments/sue-before'));
    // Reads are answered from the index, which outlives the store's outage.
    expect((await platform.call('GET', '/api/v1/environments/sue-before')).status).toBe(200);
    // A change made while the platform cannot see the store (through the run's gateway).
    await s3.send(
      new PutObjectCommand({
        Bucket: buckets.environments,
        Key: 'written-during-outage.json',
        Body: JSON.stringify({
          ...sueRequest('sue-out-of-band'),
          user: 'alice@example.com',
          creation_date: '2026-01-15T10:30:00Z',
        }),
      }),
    );

    gateway = await startExtraGateway(rgw.current, gateway.port);
    const after = await platform.call('POST', '/api/v1/environments', {
      body: sueRequest('sue-after'),
    });
    expect(after.status, await after.clone().text()).toBe(201);
    await expect
      .poll(
        async () => (await platform.call('GET', '/api/v1/environments/sue-out-of-band')).status,
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toBe(200);
    expect((await platform.call('DELETE', '/api/v1/environments/sue-before')).status).toBe(204);
  }, 120_000);
});
