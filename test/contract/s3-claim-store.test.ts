import type { S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createS3ClaimStore } from '../../src/adapters/s3-store/s3-claim-store.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type { BucketName, StoreChange } from '../../src/ports/claim-store.js';
import { rgwClient, rgwConnection } from '../support/rgw-clients.js';
import { useRgw } from '../support/use-rgw.js';
import { describeClaimStoreContract } from './claim-store-contract.js';
import { describeClaimsOverStore } from './claims-over-store-contract.js';

const rgw = useRgw();

const connection = rgwConnection;
const sdk = rgwClient;

/** Fresh buckets per harness: files and tests share one gateway. */
async function freshBuckets(client: S3Client): Promise<Record<BucketName, string>> {
  const id = randomBytes(4).toString('hex');
  const buckets = { environments: `env-${id}`, 'static-environments': `static-${id}` };
  for (const Bucket of Object.values(buckets))
    await client.send(new CreateBucketCommand({ Bucket }));
  return buckets;
}

async function s3Harness(resyncIntervalMs = 200) {
  const client = sdk(rgw.current);
  const buckets = await freshBuckets(client);
  const store = await createS3ClaimStore({
    connection: connection(rgw.current),
    buckets,
    resyncIntervalMs,
  });
  const put = (bucket: BucketName, key: string, body: string) =>
    client
      .send(new PutObjectCommand({ Bucket: buckets[bucket], Key: key, Body: body }))
      .then(() => undefined);
  return {
    store,
    buckets,
    writeOutOfBand: put,
    writeNested: put,
    close: () => Promise.resolve(client.destroy()),
  };
}

describeClaimStoreContract('s3 (Ceph RGW)', () => s3Harness());
describeClaimsOverStore('s3 (Ceph RGW)', () => s3Harness());

describe('s3 store specifics', () => {
  it('hands the initial load over, then finds an out-of-band change at the next resync', async () => {
    const harness = await s3Harness(1_000);
    const lifetime = new AbortController();
    try {
      await harness.store.putIfAbsent('environments', 'a.json', Buffer.from('{"a":1}'));
      await harness.writeOutOfBand('environments', 'big.json', 'x'.repeat(2048));
      const loaded: { key: string; body: string | undefined }[] = [];
      const seen: StoreChange[] = [];
      await harness.store.watch((change) => seen.push(change), {
        signal: lifetime.signal,
        initialLoad: {
          maxBytes: 1024,
          onObjects: (_bucket, objects) => {
            for (const { key, body } of objects) {
              loaded.push({ key, body: body && Buffer.from(body).toString() });
            }
            return Promise.resolve();
          },
        },
      });
      expect(loaded.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'a.json', body: '{"a":1}' },
        { key: 'big.json', body: undefined },
      ]);
      await harness.writeOutOfBand('static-environments', 'b.json', '{}');
      await expect
        .poll(() => seen.map((change) => change.key), { timeout: 5_000 })
        .toContain('b.json');
      expect(seen.some((change) => change.key === 'a.json')).toBe(false);
    } finally {
      lifetime.abort();
      await harness.close();
    }
  });

  it('gives UnavailableError when the endpoint does not answer', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const attempt = createS3ClaimStore({
      connection: { ...connection(rgw.current), endpoint: `http://127.0.0.1:${port}` },
      buckets: { environments: 'e', 'static-environments': 's' },
      resyncIntervalMs: 1000,
    });
    await expect(attempt).rejects.toBeInstanceOf(UnavailableError);
  });

  describe('a store that ignores conditional writes', () => {
    const lenient = async (): Promise<{ server: Server; endpoint: string }> => {
      // A fake of a non-conforming S3 server: every request succeeds, whatever its headers.
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          response.writeHead(200, { etag: '"fixed"' });
          response.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    const options = (endpoint: string) => ({
      connection: { ...connection(rgw.current), endpoint },
      buckets: { environments: 'e', 'static-environments': 's' } as const,
      resyncIntervalMs: 1000,
    });

    it('is refused at start', async () => {
      const { server, endpoint } = await lenient();
      try {
        await expect(createS3ClaimStore(options(endpoint))).rejects.toThrow(
          /ignores conditional writes.*unsafeWithoutConditionalWrites/,
        );
      } finally {
        server.close();
      }
    });

    it('is allowed with unsafeWithoutConditionalWrites, with one loud warning', async () => {
      const { server, endpoint } = await lenient();
      try {
        const warnings: string[] = [];
        await createS3ClaimStore({
          ...options(endpoint),
          unsafeWithoutConditionalWrites: true,
          logger: { warn: (_details, message) => warnings.push(message) },
        });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^UNSAFE: .*ignores conditional writes/);
      } finally {
        server.close();
      }
    });

    it('answers UnavailableError once its endpoint is gone (a stopped store)', async () => {
      const { server, endpoint } = await lenient();
      const store = await createS3ClaimStore({
        ...options(endpoint),
        unsafeWithoutConditionalWrites: true,
      });
      await new Promise((resolve) => server.close(resolve));
      await expect(store.get('environments', 'a.json')).rejects.toBeInstanceOf(UnavailableError);
      await expect(
        store.putIfAbsent('environments', 'a.json', Buffer.from('{}')),
      ).rejects.toBeInstanceOf(UnavailableError);
      await expect(store.list('environments')).rejects.toBeInstanceOf(UnavailableError);
    });
  });
});
