import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../domain/errors.js';

import { rejectionOf } from '../../../test/support/thrown.js';
import {
  FAKE_REGISTRY_URL,
  fakeFetch,
  fakeRegistry,
  jsonResponse,
} from '../../../test/support/fake-fetch.js';

const BASE = FAKE_REGISTRY_URL;
const REPO = 'docker-releases/user-service';
const SECRET = 's3cret-password';

// The challenge flows of registry-auth.ts, driven through the adapter.
describe('authentication', () => {
  const credentials = { username: 'ci', password: SECRET };
  const basicHeader = `Basic ${Buffer.from(`ci:${SECRET}`).toString('base64')}`;

  it('answers a Basic challenge and then sends the credentials up front', async () => {
    const { fetchImpl, calls } = fakeFetch(({ headers }) =>
      headers.get('authorization') === basicHeader
        ? jsonResponse({ tags: ['v1'] })
        : new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
    );
    const oci = fakeRegistry(fetchImpl, { credentials, cacheTtlMs: 0 });
    expect(await oci.listTags(REPO)).toEqual(['v1']);
    expect(await oci.listTags(REPO)).toEqual(['v1']);
    expect(calls.map((c) => c.headers.get('authorization'))).toEqual([
      null,
      basicHeader,
      basicHeader,
    ]);
  });

  it('turns refused or missing Basic credentials into UnavailableError without the secret', async () => {
    const { fetchImpl } = fakeFetch(
      () => new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
    );
    const wrong = await rejectionOf(fakeRegistry(fetchImpl, { credentials }).listTags(REPO));
    expect(wrong).toBeInstanceOf(UnavailableError);
    expect(wrong.message).toContain(BASE);
    expect(wrong.message).toContain(REPO);
    expect(wrong.message).not.toContain(SECRET);
    const none = await rejectionOf(fakeRegistry(fetchImpl).resolveDigest(REPO, 'v1'));
    expect(none).toBeInstanceOf(UnavailableError);
    expect(none.message).toContain('anonymous');
  });

  function bearerRegistry(options: { expiresIn?: number; tokenField?: 'token' | 'access_token' }) {
    let issued = 0;
    const valid = new Set<string>();
    const fake = fakeFetch(({ url, headers }) => {
      if (url.pathname === '/token') {
        if (headers.get('authorization') !== basicHeader) return new Response('', { status: 401 });
        const token = `tok-${++issued}`;
        valid.add(token);
        return jsonResponse({
          [options.tokenField ?? 'token']: token,
          expires_in: options.expiresIn,
        });
      }
      const auth = headers.get('authorization') ?? '';
      if (valid.has(auth.replace(/^Bearer /, ''))) return jsonResponse({ tags: ['v1'] });
      return new Response('', {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="${BASE}/token",service="registry.test",scope="repository:${REPO}:pull"`,
        },
      });
    });
    return { ...fake, revoke: () => valid.clear(), issuedCount: () => issued };
  }

  it('runs the Bearer flow: token per scope, cached until expires_in minus a margin', async () => {
    let now = 1_000_000;
    const fake = bearerRegistry({ expiresIn: 120 });
    const oci = fakeRegistry(fake.fetchImpl, { credentials, cacheTtlMs: 0, now: () => now });
    expect(await oci.listTags(REPO)).toEqual(['v1']);
    const tokenCall = fake.calls.find((c) => c.url.pathname === '/token')!;
    expect(Object.fromEntries(tokenCall.url.searchParams)).toEqual({
      service: 'registry.test',
      scope: `repository:${REPO}:pull`,
      account: 'ci',
    });
    expect(fake.calls).toHaveLength(3);
    await oci.listTags(REPO);
    expect(fake.calls).toHaveLength(4);
    expect(fake.calls[3]?.headers.get('authorization')).toBe('Bearer tok-1');
    now += 110_000;
    await oci.listTags(REPO);
    expect(fake.issuedCount()).toBe(2);
  });

  it('accepts access_token and refetches once when a cached token is refused', async () => {
    const fake = bearerRegistry({ tokenField: 'access_token' });
    const oci = fakeRegistry(fake.fetchImpl, { credentials, cacheTtlMs: 0 });
    await oci.listTags(REPO);
    fake.revoke();
    expect(await oci.listTags(REPO)).toEqual(['v1']);
    expect(fake.issuedCount()).toBe(2);
  });

  it('turns a refusing token endpoint into UnavailableError without the secret', async () => {
    const fake = bearerRegistry({});
    const error = await rejectionOf(
      fakeRegistry(fake.fetchImpl, { credentials: { username: 'ci', password: 'wrong' } }).listTags(
        REPO,
      ),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('token endpoint');
    expect(error.message).not.toContain('wrong');
  });

  it('sends a static token as Bearer and reports its refusal without it', async () => {
    const { fetchImpl, calls } = fakeFetch(({ headers }) =>
      headers.get('authorization') === 'Bearer good-token'
        ? jsonResponse({ tags: ['v1'] })
        : new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
    );
    expect(await fakeRegistry(fetchImpl, { token: 'good-token' }).listTags(REPO)).toEqual(['v1']);
    expect(calls).toHaveLength(1);
    const error = await rejectionOf(fakeRegistry(fetchImpl, { token: 'bad-token' }).listTags(REPO));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).not.toContain('bad-token');
  });

  it('treats 403 as a misconfiguration (UnavailableError)', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('', { status: 403 }));
    await expect(fakeRegistry(fetchImpl).listTags(REPO)).rejects.toBeInstanceOf(UnavailableError);
  });

  it('never logs credentials or tokens', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    let failures = 1;
    const fake = bearerRegistry({});
    const flaky: typeof fetch = (input, init) =>
      failures-- > 0
        ? Promise.resolve(new Response('', { status: 503 }))
        : fake.fetchImpl(input, init);
    await fakeRegistry(flaky, { credentials, logger }).listTags(REPO);
    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('\n');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('tok-1');
  });
});
