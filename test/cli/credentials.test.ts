import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  credentialsPath,
  readCredentials,
  writeCredentials,
  type StoredCredential,
} from '../../src/cli/auth/credential-store.js';
import { resolveBearerToken, saveCredential } from '../../src/cli/auth/credentials.js';
import { normaliseServerUrl, resolveServerUrl } from '../../src/cli/auth/server-url.js';
import { InputError, NotAuthenticatedError, UnavailableError } from '../../src/domain/errors.js';
import { fakeFetch, jsonResponse } from '../support/fake-fetch.js';

const SERVER = 'https://platform.example.com';
const TOKEN_ENDPOINT = 'https://idp.example.com/token';
const NOW = 1_800_000_000_000;

let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'platformctl-credentials-'));
  env = { XDG_CONFIG_HOME: dir };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const oidcLogin = (extra: Partial<StoredCredential> = {}): StoredCredential => ({
  kind: 'oidc',
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: NOW + 3_600_000,
  issuer: 'https://idp.example.com',
  clientId: 'platformctl',
  tokenEndpoint: TOKEN_ENDPOINT,
  resource: 'urn:platform-service:api',
  ...extra,
});

async function cached(): Promise<StoredCredential | undefined> {
  return (await readCredentials(credentialsPath(env))).servers[SERVER];
}

describe('the credential cache file', () => {
  it('is 0600 in a 0700 directory whatever the umask, and leaves no temp file', async () => {
    const old = process.umask(0o000);
    try {
      await saveCredential(SERVER, oidcLogin(), env);
    } finally {
      process.umask(old);
    }
    const path = credentialsPath(env);
    expect(path).toBe(join(dir, 'platformctl', 'credentials.json'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'platformctl'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'platformctl'))).toEqual(['credentials.json']);
  });

  it('tightens a directory and a file that already exist with looser modes', async () => {
    const path = credentialsPath(env);
    await mkdir(join(dir, 'platformctl'), { mode: 0o755 });
    await chmod(join(dir, 'platformctl'), 0o755);
    await writeFile(path, '{"version":1,"servers":{}}', { mode: 0o644 });
    await chmod(path, 0o644);
    await saveCredential(SERVER, oidcLogin(), env);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'platformctl'))).mode & 0o777).toBe(0o700);
  });

  it('keeps other servers when one is saved, keyed by the normal form of the URL', async () => {
    await saveCredential('HTTPS://Platform.Example.com:443/', oidcLogin(), env);
    await saveCredential(
      'http://127.0.0.1:8080',
      { kind: 'service-token', accessToken: 'pst' },
      env,
    );
    const file = await readCredentials(credentialsPath(env));
    expect(Object.keys(file.servers).sort()).toEqual(['http://127.0.0.1:8080', SERVER]);
  });

  it('reads a missing file as empty and refuses a damaged one without quoting it', async () => {
    const path = credentialsPath(env);
    await expect(readCredentials(path)).resolves.toEqual({ version: 1, servers: {} });
    await mkdir(join(dir, 'platformctl'));
    await writeFile(path, '{"version":1,"servers":{"x":{"accessToken":"secret-value"');
    const error = await readCredentials(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('is damaged');
    expect((error as Error).message).not.toContain('secret-value');
  });

  it('is under $XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/a' })).toBe(
      '/x/config/platformctl/credentials.json',
    );
    // The XDG Base Directory spec: a relative value is ignored.
    expect(credentialsPath({ XDG_CONFIG_HOME: 'config', HOME: '/home/a' })).toBe(
      '/home/a/.config/platformctl/credentials.json',
    );
    expect(credentialsPath({ HOME: '/home/a' })).toBe(
      '/home/a/.config/platformctl/credentials.json',
    );
  });

  it('writeCredentials replaces the whole file', async () => {
    const path = credentialsPath(env);
    await writeCredentials(path, { version: 1, servers: { [SERVER]: oidcLogin() } });
    await writeCredentials(path, { version: 1, servers: {} });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, servers: {} });
  });
});

describe('resolveServerUrl', () => {
  it('takes --server, then PLATFORM_SERVER, then PLATFORM_URL, then the default', () => {
    const all = { PLATFORM_SERVER: 'https://b.example', PLATFORM_URL: 'https://c.example' };
    expect(resolveServerUrl({ server: 'https://a.example/' }, all)).toBe('https://a.example');
    expect(resolveServerUrl({}, all)).toBe('https://b.example');
    expect(resolveServerUrl({}, { PLATFORM_URL: 'https://c.example', PLATFORM_SERVER: ' ' })).toBe(
      'https://c.example',
    );
    expect(resolveServerUrl({}, {})).toBe('http://127.0.0.1:8080');
  });

  it('normalises case, default port and trailing slashes, and refuses the rest', () => {
    expect(normaliseServerUrl('HTTP://Example.COM:80/api/')).toBe('http://example.com/api');
    for (const bad of [
      'example.com',
      'ftp://example.com',
      'https://u:p@x.example',
      'https://x.example/?a=1',
    ]) {
      expect(() => normaliseServerUrl(bad), bad).toThrow(InputError);
    }
  });
});

describe('resolveBearerToken', () => {
  it('prefers PLATFORM_TOKEN over the cache', async () => {
    await saveCredential(SERVER, oidcLogin(), env);
    await expect(
      resolveBearerToken({ server: SERVER, env: { ...env, PLATFORM_TOKEN: ' from-env ' } }),
    ).resolves.toBe('from-env');
  });

  it('says how to log in when there is no login for the server', async () => {
    await saveCredential('https://other.example.com', oidcLogin(), env);
    await expect(resolveBearerToken({ server: SERVER, env })).rejects.toThrow(
      new NotAuthenticatedError(
        `not logged in to ${SERVER}; run platformctl login --server ${SERVER}`,
      ),
    );
  });

  it('returns a token more than 30 s from expiry without asking anyone', async () => {
    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW + 31_000 }), env);
    const { fetchImpl, calls } = fakeFetch(() => {
      throw new Error('no request expected');
    });
    await expect(
      resolveBearerToken({ server: SERVER, env, fetchImpl, now: () => NOW }),
    ).resolves.toBe('access-1');
    expect(calls).toEqual([]);
  });

  it('refreshes within 30 s of expiry, sending the refresh token, client and resource', async () => {
    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW + 29_000 }), env);
    const forms: URLSearchParams[] = [];
    const fetchImpl = ((_url: string | URL | Request, init?: RequestInit) => {
      forms.push(new URLSearchParams(init?.body as URLSearchParams));
      // No refresh_token in the answer: the old one stays valid (RFC 6749 §6).
      return Promise.resolve(
        jsonResponse({ access_token: 'access-2', token_type: 'Bearer', expires_in: 600 }),
      );
    }) as typeof fetch;
    await expect(
      resolveBearerToken({ server: SERVER, env, fetchImpl, now: () => NOW }),
    ).resolves.toBe('access-2');
    expect(Object.fromEntries(forms[0] ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
      client_id: 'platformctl',
      resource: 'urn:platform-service:api',
    });
    expect(await cached()).toMatchObject({
      accessToken: 'access-2',
      refreshToken: 'refresh-1',
      expiresAt: NOW + 600_000,
    });
  });

  it('refreshes once when two callers find the token expired at the same time', async () => {
    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW - 1 }), env);
    let requests = 0;
    const fetchImpl = (async () => {
      requests += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return jsonResponse({
        access_token: `access-${requests + 1}`,
        token_type: 'Bearer',
        expires_in: 600,
        refresh_token: `refresh-${requests + 1}`,
      });
    }) as typeof fetch;
    const both = await Promise.all([
      resolveBearerToken({ server: SERVER, env, fetchImpl, now: () => NOW }),
      resolveBearerToken({ server: SERVER, env, fetchImpl, now: () => NOW }),
    ]);
    // A rotated refresh token used twice would make the IdP revoke the grant.
    expect(requests).toBe(1);
    expect(both).toEqual(['access-2', 'access-2']);
  });

  it('says the session expired when there is no refresh token, or the IdP refuses it', async () => {
    const expired = new NotAuthenticatedError(
      `session expired for ${SERVER}; run platformctl login --server ${SERVER}`,
    );
    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW - 1, refreshToken: undefined }), env);
    await expect(resolveBearerToken({ server: SERVER, env, now: () => NOW })).rejects.toThrow(
      expired,
    );

    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW - 1 }), env);
    const { fetchImpl } = fakeFetch(() =>
      jsonResponse(
        { error: 'invalid_grant', error_description: 'grant request is invalid' },
        { status: 400 },
      ),
    );
    const error = await resolveBearerToken({
      server: SERVER,
      env,
      fetchImpl,
      now: () => NOW,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    expect((error as Error).message).toMatch(
      /^session expired for .*invalid_grant.*run platformctl login/,
    );
    expect((await cached())?.accessToken).toBe('access-1');
  });

  it('is UnavailableError when the IdP cannot be reached or fails', async () => {
    await saveCredential(SERVER, oidcLogin({ expiresAt: NOW - 1 }), env);
    const refused = fakeFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      });
    });
    await expect(
      resolveBearerToken({ server: SERVER, env, fetchImpl: refused.fetchImpl, now: () => NOW }),
    ).rejects.toThrow(
      new UnavailableError('cannot reach the token endpoint at idp.example.com: ECONNREFUSED'),
    );
    const failing = fakeFetch(() => new Response('oops', { status: 502 }));
    await expect(
      resolveBearerToken({ server: SERVER, env, fetchImpl: failing.fetchImpl, now: () => NOW }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });

  it('returns a service token (no expiry) as it is', async () => {
    await saveCredential(SERVER, { kind: 'service-token', accessToken: 'pst_x' }, env);
    await expect(resolveBearerToken({ server: SERVER, env, now: () => NOW * 2 })).resolves.toBe(
      'pst_x',
    );
  });
});
