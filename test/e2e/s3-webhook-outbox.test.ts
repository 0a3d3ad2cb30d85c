import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareS3, s3StoreYaml } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { installE2eHooks, startServer, waitFor } from './serve-helper.js';

installE2eHooks();
const rgw = useRgw();
const id = randomBytes(4).toString('hex');
const buckets = {
  environments: `e2e-env-${id}`,
  staticEnvironments: `e2e-static-${id}`,
  rendered: `e2e-rendered-${id}`,
};

let s3: S3Client;
let sink: WebhookReceiver;
beforeAll(async () => {
  s3 = await prepareS3(rgw.current, buckets);
  sink = await startWebhookReceiver();
}, 120_000);
afterAll(async () => {
  await sink.close();
  s3.destroy();
});

async function pendingKeys(): Promise<string[]> {
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: buckets.rendered, Prefix: 'notifications/pending/' }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

it(
  'with store.type s3 the outbox is in the rendered bucket: kept through a SIGKILL, sent by the next server',
  { timeout: 90_000 },
  async () => {
    const storeYaml = s3StoreYaml({
      endpoint: rgw.current.endpoint,
      region: rgw.current.region,
      buckets,
    });
    const extraYaml = `notifications:
  queue: { retryBase: 100ms, retryMax: 500ms, pollInterval: 200ms }
  sinks:
    - { name: ops, url: '${sink.url}/hook', events: [created] }
`;
    sink.answerWith(() => ({ status: 503 }));
    const first = await startServer({ storeYaml, extraYaml });
    const created = await first.request('POST', '/api/v1/environments', {
      environment_name: 'sue-s3',
      environment_type: 'sue',
      environment_pool: 'pool-a',
    });
    expect(created.status, created.text).toBe(201);
    await waitFor('a refused attempt', () => (sink.received.length > 0 ? true : undefined));
    const eventId = sink.received[0]?.headers['x-platform-event-id'];
    expect(await pendingKeys()).toEqual([`notifications/pending/ops/${String(eventId)}.json`]);
    await first.kill();

    sink.answerWith(() => ({ status: 204 }));
    // Another data directory: nothing of the outbox is local with an S3 store.
    const second = await startServer({ storeYaml, extraYaml });
    try {
      await waitFor(
        'delivery by the next server',
        () =>
          sink.received.some(
            (r) => r.status === 204 && r.headers['x-platform-event-id'] === eventId,
          )
            ? true
            : undefined,
        20_000,
      );
      await waitFor('the outbox to empty', async () =>
        (await pendingKeys()).length === 0 ? true : undefined,
      );
    } finally {
      await second.stop();
    }
  },
);
