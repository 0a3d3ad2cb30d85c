import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createOidcAuthenticator } from '../../src/adapters/oidc-authenticator/oidc-authenticator.js';
import { oidcIssuerSchema } from '../../src/config/oidc-config-schema.js';
import {
  capturingLogger,
  movableClock,
  recordingFetch,
  SERVICE_CLIENT,
  startTestIdp,
  type TestIdp,
} from '../support/oidc-provider.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshIdp(): Promise<TestIdp> {
  const idp = await startTestIdp();
  cleanups.push(() => idp.close());
  return idp;
}

async function listening(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface LogEntry {
  level: number;
  msg: string;
  stage?: string;
  reason?: string;
}
const entries = (lines: readonly string[]) => lines.map((line) => JSON.parse(line) as LogEntry);

describe('OIDC authenticator availability', () => {
  it('accepts a token signed with a rotated-in key, refetching the JWKS once', async () => {
    const idp = await freshIdp();
    const { fetchImpl, urls } = recordingFetch();
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [oidcIssuerSchema.parse({ issuer: idp.issuer, audience: idp.audience })],
      fetchImpl,
      logger,
    });
    const before = await idp.clientCredentialsToken();
    const oldKid = idp.signingKey.kid;
    expect((await authenticator.authenticate(bearer(before)))?.subject).toBe(SERVICE_CLIENT.id);

    const rotated = await idp.rotateKeys();
    const after = await idp.clientCredentialsToken();
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    expect(rotated.kid).not.toBe(oldKid);

    // jose refetches the JWKS for an unknown kid at most every 30 s, and it just fetched it.
    expect(await authenticator.authenticate(bearer(after))).toBeUndefined();
    expect(urls).toHaveLength(2);

    // Only jose's idea of the time moves (it reads Date.now()); sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    expect(await authenticator.authenticate(bearer(after))).toEqual({
      subject: SERVICE_CLIENT.id,
      groups: [],
      kind: 'service',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
    // The old key is still published, so tokens issued before the rotation stay valid.
    expect((await authenticator.authenticate(bearer(before)))?.subject).toBe(SERVICE_CLIENT.id);
    expect(urls).toEqual([
      `${idp.issuer}/.well-known/openid-configuration`,
      `${idp.issuer}/jwks`,
      `${idp.issuer}/jwks`,
    ]);
  });

  it('refuses while discovery fails and accepts once the IdP is back', async () => {
    const idp = await freshIdp();
    const token = await idp.clientCredentialsToken();
    await idp.stop();
    const { fetchImpl, urls } = recordingFetch();
    const { logger, lines } = capturingLogger();
    const clock = movableClock();
    const authenticator = createOidcAuthenticator({
      issuers: [oidcIssuerSchema.parse({ issuer: idp.issuer, audience: idp.audience })],
      fetchImpl,
      clock,
      logger,
      retryAfterMs: 5_000,
    });

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(urls).toEqual([`${idp.issuer}/.well-known/openid-configuration`]);
    const warning = entries(lines).find((entry) => entry.msg === 'OIDC issuer unreachable');
    expect(warning).toMatchObject({ level: 40, stage: 'discovery' });
    expect(warning?.reason).toMatch(/ECONNREFUSED/);

    await idp.start();
    // The IdP gets its rest: no request reaches it before retryAfterMs.
    clock.advance(4_999);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(urls).toHaveLength(1);

    clock.advance(1);
    expect((await authenticator.authenticate(bearer(token)))?.subject).toBe(SERVICE_CLIENT.id);
    expect(urls).toEqual([
      `${idp.issuer}/.well-known/openid-configuration`,
      `${idp.issuer}/.well-known/openid-configuration`,
      `${idp.issuer}/jwks`,
    ]);
    for (const line of lines) expect(line).not.toContain(token);
  });

  it('refuses while the JWKS is unreachable, keeps cached keys, and recovers', async () => {
    const idp = await freshIdp();
    const token = await idp.clientCredentialsToken();
    await idp.stop();
    const { fetchImpl, urls } = recordingFetch();
    const { logger, lines } = capturingLogger();
    const clock = movableClock();
    const authenticator = createOidcAuthenticator({
      issuers: [
        oidcIssuerSchema.parse({
          issuer: idp.issuer,
          audience: idp.audience,
          jwksUri: `${idp.issuer}/jwks`,
        }),
      ],
      fetchImpl,
      clock,
      logger,
    });

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(entries(lines).find((entry) => entry.level === 40)).toMatchObject({
      msg: 'OIDC issuer unreachable',
      stage: 'jwks',
    });
    await idp.start();
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(urls).toHaveLength(1);

    clock.advance(5_000);
    expect((await authenticator.authenticate(bearer(token)))?.subject).toBe(SERVICE_CLIENT.id);
    expect(urls).toEqual([`${idp.issuer}/jwks`, `${idp.issuer}/jwks`]);

    // Down again: the cached key set still verifies.
    await idp.stop();
    expect((await authenticator.authenticate(bearer(token)))?.subject).toBe(SERVICE_CLIENT.id);
    expect(urls).toHaveLength(2);
  });

  it('gives up on a discovery that never answers after the fetch timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => void sockets.push(socket));
    const issuer = await listening(silent);
    // Cleanups run last-first: the sockets go before the server waits for them.
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return Promise.resolve();
    });
    const { logger, lines } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [oidcIssuerSchema.parse({ issuer, audience: 'x' })],
      logger,
      fetchTimeoutMs: 200,
    });
    const idp = await freshIdp();
    const token = await idp.sign({ iss: issuer, aud: 'x', sub: 's', exp: 4_000_000_000 });

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(entries(lines).find((entry) => entry.level === 40)).toMatchObject({
      stage: 'discovery',
      reason: expect.stringMatching(/timeout|aborted/i) as unknown,
    });
  });

  it('refuses an issuer whose discovery document names another issuer', async () => {
    const idp = await freshIdp();
    const impostor = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks` }));
    });
    const issuer = await listening(impostor);
    const { fetchImpl, urls } = recordingFetch();
    const { logger, lines } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [oidcIssuerSchema.parse({ issuer, audience: idp.audience })],
      fetchImpl,
      logger,
    });
    // Signed with the real IdP's key: only the discovery check stands in the way.
    const token = await idp.sign({ iss: issuer, aud: idp.audience, sub: 's', exp: 4_000_000_000 });

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(urls).toEqual([`${issuer}/.well-known/openid-configuration`]);
    expect(entries(lines).find((entry) => entry.level === 40)).toMatchObject({
      stage: 'discovery',
      reason: `discovery document names another issuer: ${idp.issuer}`,
    });
  });
});
