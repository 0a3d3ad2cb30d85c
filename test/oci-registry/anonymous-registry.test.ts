import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOciRegistry } from '../../src/adapters/oci-registry/oci-registry.js';
import { InputError, NotFoundError } from '../../src/domain/errors.js';
import {
  ANSIBLE_ARTIFACT_TYPE,
  ANSIBLE_CONFIG_TYPE,
  OCI_MANIFEST,
  pushArtifact,
} from '../support/oci-push.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { countingFetch } from './counting-fetch.js';
import { startTagPagingProxy, type TagPagingProxy } from './tag-paging-proxy.js';

const run = promisify(execFile);
const IMAGES = 'docker-releases/user-service';
const ARTIFACTS = 'oci-releases/user-service-ansible';
const PAGED = 'docker-snapshots/order-service';
/** 25 tags, so pages of 4 need 7 requests and the last page is short. */
const PAGED_TAGS = Array.from({ length: 25 }, (_, i) => `v1.${i}.0`);

let registry: TestRegistry;
let proxy: TagPagingProxy;
let absoluteProxy: TagPagingProxy;
const pushed = new Map<string, string>();

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ['v1.2.3', 'v1.3.0', '1.4.0.0']) {
    pushed.set(`${IMAGES}:${tag}`, (await pushArtifact(registry.url, IMAGES, tag)).digest);
    const artifact = await pushArtifact(registry.url, ARTIFACTS, tag, { kind: 'artifact' });
    pushed.set(`${ARTIFACTS}:${tag}`, artifact.digest);
  }
  await Promise.all(PAGED_TAGS.map((tag) => pushArtifact(registry.url, PAGED, tag)));
  proxy = await startTagPagingProxy(registry.url);
  absoluteProxy = await startTagPagingProxy(registry.url, { absoluteLinks: true });
});

afterAll(async () => {
  await proxy?.close();
  await absoluteProxy?.close();
  await registry?.stop();
});

describe('OCI registry adapter against docker-registry (anonymous)', () => {
  it('names the registry host as image references do', () => {
    expect(createOciRegistry({ url: registry.url }).host).toBe(registry.host);
  });

  it('lists every tag of a repository', async () => {
    const oci = createOciRegistry({ url: registry.url });
    expect(await oci.listTags(IMAGES)).toEqual(['1.4.0.0', 'v1.2.3', 'v1.3.0']);
    expect(await oci.listTags(PAGED)).toEqual([...PAGED_TAGS].sort());
  });

  it('follows relative Link pages to the full set', async () => {
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({ url: proxy.url, pageSize: 4, fetchImpl });
    expect(await oci.listTags(PAGED)).toEqual([...PAGED_TAGS].sort());
    expect(requests).toHaveLength(7);
    expect(proxy.tagRequests[0]).toBe(`/v2/${PAGED}/tags/list?n=4`);
    expect(proxy.tagRequests[1]).toMatch(/\?last=v1\.11\.0&n=4$/);
  });

  it('follows absolute Link pages to the full set', async () => {
    const oci = createOciRegistry({ url: absoluteProxy.url, pageSize: 10 });
    expect(await oci.listTags(PAGED)).toEqual([...PAGED_TAGS].sort());
    expect(absoluteProxy.tagRequests).toHaveLength(3);
  });

  it('resolves tags to the pushed manifest digests, for images and artifacts', async () => {
    const oci = createOciRegistry({ url: registry.url });
    for (const [reference, digest] of pushed) {
      const [repository, tag] = reference.split(':') as [string, string];
      expect(await oci.resolveDigest(repository, tag)).toBe(digest);
    }
    expect(new Set(pushed.values()).size).toBe(pushed.size);
  });

  it('stored the artifact as an OCI manifest with the Ansible artifact type', async () => {
    const digest = pushed.get(`${ARTIFACTS}:v1.2.3`)!;
    const response = await fetch(`${registry.url}/v2/${ARTIFACTS}/manifests/${digest}`, {
      headers: { accept: OCI_MANIFEST },
    });
    expect(response.headers.get('content-type')).toBe(OCI_MANIFEST);
    const manifest = (await response.json()) as {
      artifactType: string;
      config: { mediaType: string };
    };
    expect(manifest.artifactType).toBe(ANSIBLE_ARTIFACT_TYPE);
    expect(manifest.config.mediaType).toBe(ANSIBLE_CONFIG_TYPE);
  });

  it('pushed real gzipped tar layers: the Ansible files in the artifact', async () => {
    const digest = pushed.get(`${ARTIFACTS}:v1.2.3`)!;
    const manifest = (await (
      await fetch(`${registry.url}/v2/${ARTIFACTS}/manifests/${digest}`, {
        headers: { accept: OCI_MANIFEST },
      })
    ).json()) as { layers: { digest: string }[] };
    const layer = await fetch(
      `${registry.url}/v2/${ARTIFACTS}/blobs/${manifest.layers[0]!.digest}`,
    );
    const dir = await mkdtemp(join(tmpdir(), 'oci-layer-'));
    try {
      await writeFile(join(dir, 'layer.tar.gz'), Buffer.from(await layer.arrayBuffer()));
      const { stdout } = await run('tar', ['-tzf', join(dir, 'layer.tar.gz')]);
      expect(stdout.trim().split('\n')).toEqual([
        'playbook.yml',
        'roles/user-service/tasks/main.yml',
        'vars/main.yml',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells existing tags from missing ones', async () => {
    const oci = createOciRegistry({ url: registry.url });
    expect(await oci.exists(IMAGES, 'v1.2.3')).toBe(true);
    expect(await oci.exists(ARTIFACTS, '1.4.0.0')).toBe(true);
    expect(await oci.exists(IMAGES, 'v9.9.9')).toBe(false);
    expect(await oci.resolveDigest(IMAGES, 'v9.9.9')).toBeUndefined();
    expect(await oci.resolveDigest('docker-releases/ghost', 'v1')).toBeUndefined();
  });

  it('throws NotFoundError naming an unknown repository', async () => {
    const oci = createOciRegistry({ url: registry.url });
    const error = await oci.listTags('docker-releases/ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('docker-releases/ghost');
  });

  it('rejects names outside the distribution grammar with InputError', async () => {
    const oci = createOciRegistry({ url: registry.url });
    await expect(oci.listTags('Docker-Releases/X')).rejects.toBeInstanceOf(InputError);
    await expect(oci.exists(IMAGES, '../v1')).rejects.toBeInstanceOf(InputError);
  });
});

describe('caching', () => {
  it('serves tags from the cache within the TTL and asks again after it', async () => {
    let now = 0;
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({
      url: registry.url,
      fetchImpl,
      now: () => now,
      cacheTtlMs: 30_000,
    });
    const repository = 'docker-snapshots/cache-probe';
    await pushArtifact(registry.url, repository, 'v1.0.0');

    expect(await oci.listTags(repository)).toEqual(['v1.0.0']);
    await pushArtifact(registry.url, repository, 'v1.1.0');
    now = 29_999;
    expect(await oci.listTags(repository)).toEqual(['v1.0.0']);
    expect(requests).toHaveLength(1);

    now = 30_000;
    expect(await oci.listTags(repository)).toEqual(['v1.0.0', 'v1.1.0']);
    expect(requests).toHaveLength(2);
  });

  it('shares one request between concurrent lookups, and caches found digests', async () => {
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({ url: registry.url, fetchImpl });
    const lists = await Promise.all([oci.listTags(IMAGES), oci.listTags(IMAGES)]);
    expect(lists[0]).toEqual(lists[1]);
    await oci.resolveDigest(IMAGES, 'v1.2.3');
    await oci.exists(IMAGES, 'v1.2.3');
    expect(requests).toEqual([
      `GET /v2/${IMAGES}/tags/list?n=1000`,
      `HEAD /v2/${IMAGES}/manifests/v1.2.3`,
    ]);
  });

  it('sees a tag pushed just after a miss (misses are not cached)', async () => {
    const oci = createOciRegistry({ url: registry.url });
    const repository = 'docker-snapshots/late-push';
    expect(await oci.exists(repository, 'v2.0.0')).toBe(false);
    const { digest } = await pushArtifact(registry.url, repository, 'v2.0.0');
    expect(await oci.resolveDigest(repository, 'v2.0.0')).toBe(digest);
  });

  it('asks every time with cacheTtlMs 0', async () => {
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({ url: registry.url, fetchImpl, cacheTtlMs: 0 });
    await oci.listTags(IMAGES);
    await oci.listTags(IMAGES);
    expect(requests).toHaveLength(2);
  });
});

describe('test support', () => {
  it('fails with an install hint when docker-registry is missing, rather than skipping', async () => {
    const saved = process.env.DOCKER_REGISTRY_BIN;
    process.env.DOCKER_REGISTRY_BIN = '/nonexistent/docker-registry';
    try {
      await expect(startRegistry()).rejects.toThrow('apt-get install -y docker-registry');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_REGISTRY_BIN;
      else process.env.DOCKER_REGISTRY_BIN = saved;
    }
  });
});
