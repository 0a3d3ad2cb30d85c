import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOciRegistry } from '../../src/adapters/oci-registry/oci-registry.js';
import { NotFoundError, UnavailableError } from '../../src/domain/errors.js';
import { pushArtifact } from '../support/oci-push.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { countingFetch } from './counting-fetch.js';
import { rejectionOf } from '../support/thrown.js';

const IMAGES = 'docker-releases/user-service';
const ARTIFACTS = 'oci-releases/user-service-ansible';

describe('Basic auth (htpasswd)', () => {
  let registry: TestRegistry;
  let image: string;
  let artifact: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    const auth = registry.credentials!;
    image = (await pushArtifact(registry.url, IMAGES, 'v1.2.3', { auth })).digest;
    artifact = (await pushArtifact(registry.url, ARTIFACTS, 'v1.2.3', { auth, kind: 'artifact' }))
      .digest;
  });
  afterAll(() => registry?.stop());

  it('answers the Basic challenge, then sends credentials up front', async () => {
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({
      url: registry.url,
      credentials: registry.credentials!,
      fetchImpl,
    });
    expect(await oci.listTags(IMAGES)).toEqual(['v1.2.3']);
    expect(await oci.resolveDigest(IMAGES, 'v1.2.3')).toBe(image);
    expect(await oci.resolveDigest(ARTIFACTS, 'v1.2.3')).toBe(artifact);
    expect(await oci.exists(ARTIFACTS, 'v0.0.1')).toBe(false);
    // one challenge (401 then retry), then every request authorized at once
    expect(requests).toHaveLength(5);
    await expect(oci.listTags('docker-releases/ghost')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('turns wrong or missing credentials into UnavailableError without the password', async () => {
    const wrong = await rejectionOf(
      createOciRegistry({
        url: registry.url,
        credentials: { username: registry.credentials!.username, password: 'not-the-password' },
      }).listTags(IMAGES),
    );
    expect(wrong).toBeInstanceOf(UnavailableError);
    expect(wrong.message).toContain(registry.url);
    expect(wrong.message).toContain(IMAGES);
    expect(wrong.message).not.toContain('not-the-password');
    const anonymous = await rejectionOf(
      createOciRegistry({ url: registry.url }).resolveDigest(IMAGES, 'v1.2.3'),
    );
    expect(anonymous).toBeInstanceOf(UnavailableError);
  });
});

describe('Bearer token auth (challenge flow)', () => {
  let registry: TestRegistry;
  let image: string;
  let artifact: string;

  beforeAll(async () => {
    registry = await startRegistry({
      auth: 'token',
      tokenExpiresInSeconds: 120,
      tokenDeniedPrefix: 'secret/',
    });
    const auth = registry.credentials!;
    image = (await pushArtifact(registry.url, IMAGES, 'v2.0.0', { auth })).digest;
    artifact = (await pushArtifact(registry.url, ARTIFACTS, 'v2.0.0', { auth, kind: 'artifact' }))
      .digest;
  });
  afterAll(() => registry?.stop());

  it('gets a token from the realm, caches it per scope, and renews it near expiry', async () => {
    let now = 1_000_000;
    const server = registry.tokenServer!;
    const before = server.issued();
    const oci = createOciRegistry({
      url: registry.url,
      credentials: registry.credentials!,
      cacheTtlMs: 0,
      now: () => now,
    });
    expect(await oci.listTags(IMAGES)).toEqual(['v2.0.0']);
    expect(await oci.resolveDigest(IMAGES, 'v2.0.0')).toBe(image);
    expect(await oci.exists(IMAGES, 'v0.0.1')).toBe(false);
    expect(server.issued() - before).toBe(1);

    expect(await oci.resolveDigest(ARTIFACTS, 'v2.0.0')).toBe(artifact);
    expect(server.issued() - before).toBe(2); // another repository, another scope

    now += 110_000; // within the 10 s margin of the 120 s token
    expect(await oci.listTags(IMAGES)).toEqual(['v2.0.0']);
    expect(server.issued() - before).toBe(3);
    await expect(oci.listTags('docker-releases/ghost')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('turns credentials the token endpoint refuses into UnavailableError without the password', async () => {
    const error = await rejectionOf(
      createOciRegistry({
        url: registry.url,
        credentials: { username: registry.credentials!.username, password: 'not-the-password' },
      }).listTags(IMAGES),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('token endpoint');
    expect(error.message).toContain(IMAGES);
    expect(error.message).not.toContain('not-the-password');
    const anonymous = await rejectionOf(createOciRegistry({ url: registry.url }).listTags(IMAGES));
    expect(anonymous).toBeInstanceOf(UnavailableError);
    expect(anonymous.message).toContain('anonymous');
  });

  it('turns a token without access into UnavailableError', async () => {
    const error = await rejectionOf(
      createOciRegistry({ url: registry.url, credentials: registry.credentials! }).listTags(
        'secret/user-service',
      ),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('secret/user-service');
  });

  it('sends a static token directly, and reports a refused one without it', async () => {
    const server = registry.tokenServer!;
    const token = await server.issueToken('ci', [`repository:${IMAGES}:pull`]);
    const { fetchImpl, requests } = countingFetch();
    const oci = createOciRegistry({ url: registry.url, token, fetchImpl });
    expect(await oci.resolveDigest(IMAGES, 'v2.0.0')).toBe(image);
    expect(requests).toHaveLength(1);

    const forged = `${token.slice(0, -6)}AAAAAA`;
    const error = await rejectionOf(
      createOciRegistry({ url: registry.url, token: forged }).listTags(IMAGES),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).not.toContain(forged);
  });
});
