import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushClient } from '../../src/adapters/oci-registry/push/push-client.js';
import { localRepositoryName, pushLocalImage } from '../../src/adapters/oci-registry/push/index.js';
import { writeTar } from '../../src/adapters/oci-registry/push/ustar-writer.js';
import { InputError } from '../../src/domain/errors.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { countingFetch } from './counting-fetch.js';
import {
  sha256,
  writeDockerSave,
  writeOciLayout,
  type FixtureImage,
} from './local-image-fixtures.js';

const NOW = new Date('2026-12-06T10:00:00.000Z');
const REPO = `${localRepositoryName('John.Doe@Example.com')}/user-service`;
const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

let registry: TestRegistry;
let dir: string;

beforeAll(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'push-local-'));
});
afterAll(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The manifest under `reference` as served, parsed, with the digest of its bytes. */
async function served(url: string, repository: string, reference: string) {
  const client = createPushClient({ registryUrl: url });
  const response = await client.get(`v2/${repository}/manifests/${reference}`, ACCEPT);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(response.body);
  return {
    digest: sha256(bytes),
    mediaType: response.headers.get('content-type'),
    manifest: JSON.parse(bytes.toString('utf8')) as {
      mediaType: string;
      config?: { digest: string; mediaType: string };
      layers?: { digest: string; mediaType: string; size: number }[];
      manifests?: { digest: string }[];
      annotations?: Record<string, string>;
    },
  };
}

/** Every blob the fixture holds, fetched back from the registry, byte for byte. */
async function expectBlobsServed(repository: string, image: FixtureImage): Promise<void> {
  const client = createPushClient({ registryUrl: registry.url });
  for (const [digest, bytes] of image.blobs) {
    const response = await client.get(`v2/${repository}/blobs/${digest}`);
    expect(response.status, digest).toBe(200);
    expect(Buffer.from(response.body).equals(bytes), digest).toBe(true);
  }
}

describe('pushLocalImage', () => {
  it('pushes a docker save archive as an OCI image manifest with the push time', async () => {
    const source = join(dir, 'user-service.tar');
    const image = await writeDockerSave(source, 'user-service:dev-snapshot');
    const pushed = await pushLocalImage({
      registryUrl: registry.url,
      repository: REPO,
      tag: 'dev-snapshot',
      source,
      now: () => NOW,
    });
    expect(pushed).toMatchObject({ repository: REPO, tag: 'dev-snapshot' });
    const { digest, manifest, mediaType } = await served(registry.url, REPO, 'dev-snapshot');
    expect(digest).toBe(pushed.digest);
    expect(mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config).toMatchObject({
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: image.configDigest,
    });
    expect(manifest.layers?.map((l) => [l.mediaType, l.digest])).toEqual([
      ['application/vnd.oci.image.layer.v1.tar', image.layerDigests[0]],
      ['application/vnd.oci.image.layer.v1.tar+gzip', image.layerDigests[1]],
    ]);
    expect(manifest.annotations).toEqual({ 'org.opencontainers.image.created': NOW.toISOString() });
    await expectBlobsServed(REPO, image);
  });

  it('pushes an OCI layout directory, and the same layout inside a tar (docker save since 25)', async () => {
    const layout = join(dir, 'layout');
    const image = await writeOciLayout(layout, 'auth-service');
    const repository = `${localRepositoryName('jd')}/auth-service`;
    const fromDir = await pushLocalImage({
      registryUrl: registry.url,
      repository,
      tag: 'v1',
      source: layout,
      now: () => NOW,
    });
    const { digest, manifest } = await served(registry.url, repository, 'v1');
    expect(digest).toBe(fromDir.digest);
    expect(manifest.layers?.map((l) => l.digest)).toEqual(image.layerDigests);
    expect(manifest.config?.digest).toBe(image.configDigest);
    expect(manifest.annotations?.['org.opencontainers.image.created']).toBe(NOW.toISOString());
    await expectBlobsServed(repository, image);

    const archive = join(dir, 'layout.tar');
    const names = await listFiles(layout);
    await writeFile(
      archive,
      writeTar(
        await Promise.all(
          names.map(async (name) => ({ name, data: await readFile(join(layout, name)) })),
        ),
      ),
    );
    const fromTar = await pushLocalImage({
      registryUrl: registry.url,
      repository,
      tag: 'v1-tar',
      source: archive,
      now: () => NOW,
    });
    // Same image, same push time: the same manifest.
    expect(fromTar.digest).toBe(fromDir.digest);
  });

  it('pushes a multi-platform index with its platform manifests, and skips blobs already there', async () => {
    const layout = join(dir, 'multi');
    const image = await writeOciLayout(layout, 'order-service', {
      platforms: ['amd64', 'arm64'],
      // What Docker 25's `docker save` writes for `order-service:dev-snapshot`.
      annotations: {
        'io.containerd.image.name': 'docker.io/library/order-service:dev-snapshot',
        'org.opencontainers.image.ref.name': 'dev-snapshot',
      },
    });
    const repository = `${localRepositoryName('jd')}/order-service`;
    const push = (tag: string, fetchImpl?: typeof fetch) =>
      pushLocalImage({
        registryUrl: registry.url,
        repository,
        tag,
        source: layout,
        image: 'order-service:dev-snapshot',
        now: () => NOW,
        ...(fetchImpl ? { fetchImpl } : {}),
      });
    const pushed = await push('dev-snapshot');
    const { manifest, digest } = await served(registry.url, repository, 'dev-snapshot');
    expect(digest).toBe(pushed.digest);
    expect(manifest.mediaType).toBe(image.topMediaType);
    expect(manifest.manifests).toHaveLength(2);
    for (const child of manifest.manifests ?? []) {
      const platform = await served(registry.url, repository, child.digest);
      expect(platform.digest).toBe(child.digest);
    }
    await expectBlobsServed(repository, image);

    // Again: every blob is found by HEAD, none uploaded.
    const counting = countingFetch();
    await push('again', counting.fetchImpl);
    expect(counting.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    expect(counting.requests.filter((r) => r.startsWith('HEAD')).length).toBe(image.blobs.size);
  });

  it('pushes through a token-authenticated registry with the adapter`s challenge handling', async () => {
    const secured = await startRegistry({ auth: 'token' });
    try {
      const layout = join(dir, 'secured');
      await writeOciLayout(layout, 'secure-service');
      const pushed = await pushLocalImage({
        registryUrl: secured.url,
        repository: REPO,
        tag: 'v2',
        source: layout,
        auth: secured.credentials!,
        now: () => NOW,
      });
      const client = createPushClient({ registryUrl: secured.url, auth: secured.credentials! });
      const response = await client.get(`v2/${REPO}/manifests/v2`, ACCEPT);
      expect(sha256(response.body)).toBe(pushed.digest);
      const anonymous = createPushClient({ registryUrl: secured.url });
      await expect(anonymous.get(`v2/${REPO}/manifests/v2`, ACCEPT)).rejects.toThrow(/refused/);
    } finally {
      await secured.stop();
    }
  });

  it('streams a layer too large to read whole (over 16 MiB) from its offset in the tar', async () => {
    const big = randomBytes(20 * 1024 * 1024);
    const config = Buffer.from(JSON.stringify({ os: 'linux', rootfs: { diff_ids: [] } }));
    const source = join(dir, 'big.tar');
    await writeFile(
      source,
      writeTar([
        {
          name: 'manifest.json',
          data: Buffer.from(JSON.stringify([{ Config: 'c.json', Layers: ['big/layer.tar'] }])),
        },
        { name: 'c.json', data: config },
        { name: 'big/layer.tar', data: big },
      ]),
    );
    const repository = `${localRepositoryName('jd')}/big`;
    await pushLocalImage({ registryUrl: registry.url, repository, tag: 'v1', source });
    const { manifest } = await served(registry.url, repository, 'v1');
    expect(manifest.layers).toMatchObject([{ digest: sha256(big), size: big.length }]);
    // Past the client's response limit: read it back with a plain fetch.
    const blob = await fetch(`${registry.url}/v2/${repository}/blobs/${sha256(big)}`);
    expect(blob.status).toBe(200);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(big));
  });

  it('refuses what is not an image before pushing anything', async () => {
    const counting = countingFetch();
    const notImage = join(dir, 'not-image');
    await mkdir(notImage);
    const base = {
      registryUrl: registry.url,
      repository: REPO,
      tag: 'x',
      fetchImpl: counting.fetchImpl,
    };
    await expect(pushLocalImage({ ...base, source: notImage })).rejects.toThrow(
      /no index.json or manifest.json/,
    );
    const two = join(dir, 'two.tar');
    await writeDockerSave(two, 'a:1');
    await expect(pushLocalImage({ ...base, source: two, image: 'b:1' })).rejects.toThrow(
      /no image named b:1 \(it has: a:1\)/,
    );
    await expect(
      pushLocalImage({ ...base, repository: 'Users/JD', source: two }),
    ).rejects.toBeInstanceOf(InputError);
    expect(counting.requests).toEqual([]);
  });
});

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(path);
  }
  return out;
}
