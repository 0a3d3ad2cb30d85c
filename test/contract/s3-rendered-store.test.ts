import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createS3Clients } from '../../src/adapters/s3-store/s3-client.js';
import { createS3RenderedStore } from '../../src/adapters/s3-store/s3-rendered-store.js';
import { BadGatewayError, UnavailableError } from '../../src/domain/errors.js';
import type { RgwEndpoint } from '../support/ceph-rgw.js';
import { rgwClient, rgwConnection } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';
import { rejectionOf } from '../support/thrown.js';
import { describeRenderedStoreContract } from './rendered-store-contract.js';

const rgw = useRgw();

const connection = rgwConnection;
const sdk = rgwClient;

/** The store's own clients, counting each request by command name as it leaves. */
function countingClients(endpoint: RgwEndpoint) {
  const clients = createS3Clients(connection(endpoint));
  const counts = new Map<string, number>();
  for (const client of [clients.read, clients.write]) {
    client.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName ?? '?';
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
  }
  return { clients, counts };
}

async function s3Harness() {
  const client = sdk(rgw.current);
  const bucket = `rendered-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const { clients, counts } = countingClients(rgw.current);
  const store = await createS3RenderedStore({
    connection: connection(rgw.current),
    bucket,
    clients,
  });
  return { store, client, bucket, counts };
}

describeRenderedStoreContract('s3 (Ceph RGW)', async () => {
  const { store, client, bucket, counts } = await s3Harness();
  return {
    store,
    writeMark: () =>
      Promise.resolve(
        ['PutObjectCommand', 'DeleteObjectCommand', 'DeleteObjectsCommand']
          .map((name) => counts.get(name) ?? 0)
          .join('/'),
      ),
    async writeOutOfBand(environment, path, body) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `rendered/${environment}/${path}`,
          Body: body,
        }),
      );
    },
    close: () => Promise.resolve(client.destroy()),
  };
});

describe('s3 rendered store specifics', () => {
  it('keys files under rendered/<env>/ and records under deployments/, with the sha256 metadata', async () => {
    const { store, client, bucket } = await s3Harness();
    await store.writeFile('dev-a', 'environment/a.yaml', Buffer.from('one'));
    await store.writeRecord('dev-a', Buffer.from('{}'));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((object) => object.Key).sort()).toEqual([
      'deployments/dev-a.json',
      'rendered/dev-a/environment/a.yaml',
    ]);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'rendered/dev-a/environment/a.yaml' }),
    );
    expect(head.Metadata?.sha256).toBe(
      '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed',
    );
    expect(store.location).toBe(`s3://${bucket}`);
  });

  it('a steady re-read of the hashes costs one LIST and no HEAD; a new store HEADs once per file', async () => {
    const { store, bucket, counts } = await s3Harness();
    for (const path of ['a.yaml', 'b/c.yaml', 'd.yaml']) {
      await store.writeFile('dev-a', path, Buffer.from(path));
    }
    const first = await store.hashes('dev-a');
    counts.clear();
    expect(await store.hashes('dev-a')).toEqual(first);
    expect(Object.fromEntries(counts)).toEqual({ ListObjectsV2Command: 1 });

    const cold = countingClients(rgw.current);
    const restarted = await createS3RenderedStore({
      connection: connection(rgw.current),
      bucket,
      clients: cold.clients,
    });
    cold.counts.clear();
    expect(await restarted.hashes('dev-a')).toEqual(first);
    expect(Object.fromEntries(cold.counts)).toEqual({
      ListObjectsV2Command: 1,
      HeadObjectCommand: 3,
    });
  });

  it('removes more than one DeleteObjects batch (1,000 keys) and lists past a page', async () => {
    const { store, client, bucket, counts } = await s3Harness();
    const paths = Array.from({ length: 1005 }, (_, i) => `f/${String(i).padStart(4, '0')}.yaml`);
    for (let i = 0; i < paths.length; i += 50) {
      await Promise.all(
        paths.slice(i, i + 50).map((path) => store.writeFile('big', path, Buffer.from(path))),
      );
    }
    await store.writeRecord('big', Buffer.from('{}'));
    expect((await store.hashes('big')).size).toBe(1005);
    counts.clear();
    expect(await store.removeEnvironment('big')).toBe(true);
    expect(counts.get('DeleteObjectsCommand')).toBe(2);
    const left = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(left.KeyCount).toBe(0);
  }, 120_000);

  it('a missing bucket or bad keys are a 502 at start; an unreachable store is a 503', async () => {
    const missing = await rejectionOf(
      createS3RenderedStore({ connection: connection(rgw.current), bucket: 'no-such-bucket-x' }),
    );
    expect(missing).toBeInstanceOf(BadGatewayError);
    expect(missing.message).toContain('no-such-bucket-x');

    const { bucket } = await s3Harness();
    const wrong = { ...connection(rgw.current) };
    wrong.credentials = { ...wrong.credentials, secretAccessKey: 'not-the-secret' };
    const denied = await rejectionOf(createS3RenderedStore({ connection: wrong, bucket }));
    expect(denied).toBeInstanceOf(BadGatewayError);
    expect(denied.message).not.toContain('not-the-secret');

    const down = await rejectionOf(
      createS3RenderedStore({
        connection: { ...connection(rgw.current), endpoint: 'http://127.0.0.1:9' },
        bucket,
      }),
    );
    expect(down).toBeInstanceOf(UnavailableError);
  });
});
