import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError, UnavailableError } from '../../domain/errors.js';
import { createOciRegistry, MANIFEST_MEDIA_TYPES } from './oci-registry.js';
import { rejectionOf } from '../../../test/support/thrown.js';
import {
  FAKE_REGISTRY_URL,
  fakeFetch,
  fakeRegistry,
  jsonResponse,
} from '../../../test/support/fake-fetch.js';

const BASE = FAKE_REGISTRY_URL;
const REPO = 'docker-releases/user-service';
const DIGEST = `sha256:${'1'.repeat(64)}`;
const SECRET = 's3cret-password';

describe('createOciRegistry options', () => {
  it('exposes host[:port] and refuses unusable URLs with TypeError', () => {
    expect(createOciRegistry({ url: BASE }).host).toBe('registry.test:5000');
    expect(createOciRegistry({ url: 'https://r.example.com/' }).host).toBe('r.example.com');
    expect(() => createOciRegistry({ url: 'ftp://r' })).toThrow(TypeError);
    expect(() => createOciRegistry({ url: 'not a url' })).toThrow(TypeError);
    expect(() => createOciRegistry({ url: `http://u:${SECRET}@r` })).toThrow(TypeError);
    expect(() => createOciRegistry({ url: `http://u:${SECRET}@r` })).not.toThrow(SECRET);
    expect(() => createOciRegistry({ url: BASE, retries: -1 })).toThrow(TypeError);
    expect(() => createOciRegistry({ url: BASE, pageSize: 0 })).toThrow(TypeError);
  });

  it('validates names before any request', async () => {
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse({}));
    const oci = fakeRegistry(fetchImpl);
    await expect(oci.listTags('Bad/Name')).rejects.toBeInstanceOf(InputError);
    await expect(oci.resolveDigest(REPO, '-bad')).rejects.toBeInstanceOf(InputError);
    await expect(oci.exists('x//y', 'v1')).rejects.toBeInstanceOf(InputError);
    expect(calls).toHaveLength(0);
  });
});

describe('listTags', () => {
  it('follows Link pages, relative and absolute, and returns the sorted unique set', async () => {
    const { fetchImpl, calls } = fakeFetch(({ url }) => {
      const last = url.searchParams.get('last');
      if (last === null) {
        return jsonResponse(
          { name: REPO, tags: ['v2', 'v1'] },
          { headers: { link: `</v2/${REPO}/tags/list?last=v2&n=2>; rel="next"` } },
        );
      }
      if (last === 'v2') {
        return jsonResponse(
          { name: REPO, tags: ['v3', 'v2'] },
          { headers: { link: `<${BASE}/v2/${REPO}/tags/list?last=v3&n=2>; rel="next"` } },
        );
      }
      return jsonResponse({ name: REPO, tags: ['latest'] });
    });
    expect(await fakeRegistry(fetchImpl, { pageSize: 2 }).listTags(REPO)).toEqual([
      'latest',
      'v1',
      'v2',
      'v3',
    ]);
    expect(calls.map((c) => c.url.search)).toEqual(['?n=2', '?last=v2&n=2', '?last=v3&n=2']);
    expect(calls[0]?.url.pathname).toBe(`/v2/${REPO}/tags/list`);
  });

  it('treats "tags": null as no tags', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse({ name: REPO, tags: null }));
    expect(await fakeRegistry(fetchImpl).listTags(REPO)).toEqual([]);
  });

  it('returns a copy each time, so callers cannot change the cache', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse({ name: REPO, tags: ['a'] }));
    const oci = fakeRegistry(fetchImpl);
    (await oci.listTags(REPO)).push('mutated');
    expect(await oci.listTags(REPO)).toEqual(['a']);
  });

  it('throws NotFoundError naming the repository on 404', async () => {
    const { fetchImpl } = fakeFetch(() =>
      jsonResponse(
        { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] },
        { status: 404 },
      ),
    );
    const error = await rejectionOf(fakeRegistry(fetchImpl).listTags('docker-releases/ghost'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('docker-releases/ghost');
  });

  it('refuses a link to another origin, a looping link and an invalid body', async () => {
    const elsewhere = fakeFetch(() =>
      jsonResponse(
        { tags: ['a'] },
        { headers: { link: '<https://evil.example/v2/x>; rel="next"' } },
      ),
    );
    expect((await rejectionOf(fakeRegistry(elsewhere.fetchImpl).listTags(REPO))).message).toContain(
      'another origin',
    );
    const loop = fakeFetch(() =>
      jsonResponse(
        { tags: ['a'] },
        { headers: { link: `</v2/${REPO}/tags/list?n=1000>; rel="next"` } },
      ),
    );
    await expect(fakeRegistry(loop.fetchImpl).listTags(REPO)).rejects.toThrow('without end');
    let page = 0;
    const endless = fakeFetch(() =>
      jsonResponse({ tags: [`t${page}`] }, { headers: { link: `</p${++page}>; rel="next"` } }),
    );
    await expect(fakeRegistry(endless.fetchImpl, { maxPages: 5 }).listTags(REPO)).rejects.toThrow(
      UnavailableError,
    );
    expect(endless.calls).toHaveLength(5);
    const garbage = fakeFetch(() => new Response('<html>', { status: 200 }));
    await expect(fakeRegistry(garbage.fetchImpl).listTags(REPO)).rejects.toThrow(
      'invalid tags list',
    );
  });

  it('reports an unexpected status as UnavailableError', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('', { status: 400 }));
    const error = await rejectionOf(fakeRegistry(fetchImpl).listTags(REPO));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/HTTP 400.*docker-releases\/user-service/);
  });
});

describe('resolveDigest', () => {
  it('uses Docker-Content-Digest of a HEAD with every manifest media type accepted', async () => {
    const { fetchImpl, calls } = fakeFetch(
      () => new Response(null, { status: 200, headers: { 'docker-content-digest': DIGEST } }),
    );
    const oci = fakeRegistry(fetchImpl);
    expect(await oci.resolveDigest(REPO, 'v1.2.3')).toBe(DIGEST);
    expect(await oci.exists(REPO, 'v1.2.3')).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('HEAD');
    expect(calls[0]?.url.pathname).toBe(`/v2/${REPO}/manifests/v1.2.3`);
    for (const type of MANIFEST_MEDIA_TYPES)
      expect(calls[0]?.headers.get('accept')).toContain(type);
  });

  it('hashes the manifest a GET returns when the header is missing', async () => {
    const manifest = '{"schemaVersion":2}';
    const { fetchImpl, calls } = fakeFetch(({ method }) =>
      method === 'HEAD' ? new Response(null, { status: 200 }) : new Response(manifest),
    );
    const expected = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    expect(await fakeRegistry(fetchImpl).resolveDigest(REPO, 'v1')).toBe(expected);
    expect(calls.map((c) => c.method)).toEqual(['HEAD', 'GET']);
  });

  it('answers undefined for a missing tag, without caching the miss', async () => {
    let pushed = false;
    const { fetchImpl, calls } = fakeFetch(() =>
      pushed
        ? new Response(null, { headers: { 'docker-content-digest': DIGEST } })
        : new Response(null, { status: 404 }),
    );
    const oci = fakeRegistry(fetchImpl);
    expect(await oci.resolveDigest(REPO, 'v9')).toBeUndefined();
    expect(await oci.exists(REPO, 'v9')).toBe(false);
    pushed = true;
    expect(await oci.exists(REPO, 'v9')).toBe(true);
    expect(await oci.exists(REPO, 'v9')).toBe(true);
    expect(calls).toHaveLength(3);
  });
});

describe('retries and failures', () => {
  it('retries 503 and 429, then succeeds', async () => {
    const statuses = [503, 429];
    const { fetchImpl, calls } = fakeFetch(() => {
      const status = statuses.shift();
      return status === undefined ? jsonResponse({ tags: ['v1'] }) : new Response('', { status });
    });
    expect(await fakeRegistry(fetchImpl).listTags(REPO)).toEqual(['v1']);
    expect(calls).toHaveLength(3);
  });

  it('gives up after `retries` with UnavailableError naming registry, repository and attempts', async () => {
    const { fetchImpl, calls } = fakeFetch(() => new Response('', { status: 502 }));
    const error = await rejectionOf(
      fakeRegistry(fetchImpl, { retries: 3 }).resolveDigest(REPO, 'v1'),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(
      `registry ${BASE} is unavailable for repository ${REPO}: HTTP 502 (4 attempts)`,
    );
    expect(calls).toHaveLength(4);
  });

  it('does not retry other client errors or 501', async () => {
    for (const status of [400, 501]) {
      const { fetchImpl, calls } = fakeFetch(() => new Response('', { status }));
      await expect(fakeRegistry(fetchImpl).listTags(REPO)).rejects.toBeInstanceOf(UnavailableError);
      expect(calls).toHaveLength(1);
    }
  });

  it('retries network errors and names their code', async () => {
    const { fetchImpl, calls } = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    });
    const error = await rejectionOf(fakeRegistry(fetchImpl, { retries: 1 }).listTags(REPO));
    expect(error.message).toContain('network error ECONNREFUSED (2 attempts)');
    expect(calls).toHaveLength(2);
  });

  it('refuses bodies larger than the limit', async () => {
    const { fetchImpl } = fakeFetch(
      () => new Response('x', { headers: { 'content-length': String(64 * 1024 * 1024) } }),
    );
    await expect(fakeRegistry(fetchImpl).listTags(REPO)).rejects.toThrow('more than');
  });

  it('does not cache failures', async () => {
    let fail = true;
    const { fetchImpl } = fakeFetch(() =>
      fail ? new Response('', { status: 500 }) : jsonResponse({ tags: ['v1'] }),
    );
    const oci = fakeRegistry(fetchImpl, { retries: 0 });
    await expect(oci.listTags(REPO)).rejects.toBeInstanceOf(UnavailableError);
    fail = false;
    expect(await oci.listTags(REPO)).toEqual(['v1']);
  });
});
