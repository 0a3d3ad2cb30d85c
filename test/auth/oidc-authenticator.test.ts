import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcAuthenticator } from '../../src/adapters/oidc-authenticator/oidc-authenticator.js';
import { oidcIssuerSchema, type OidcIssuerConfig } from '../../src/config/oidc-config-schema.js';
import {
  capturingLogger,
  recordingFetch,
  SERVICE_CLIENT,
  startTestIdp,
  type TestIdp,
} from '../support/oidc-provider.js';

const ACCOUNTS = {
  alice: {
    email: 'alice@example.com',
    groups: ['team1', 'platform-admins'],
    realm_access: { roles: ['team1-developer'] },
  },
  bob: { email: 'bob@example.com', groups: ['team2'] },
};

let idp: TestIdp;
let second: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp({ accounts: ACCOUNTS });
  second = await startTestIdp({
    alg: 'ES256',
    audience: 'platform-api',
    accounts: { carol: { groups: ['team3'] } },
  });
});

afterAll(async () => {
  await idp?.close();
  await second?.close();
});

function issuerOf(provider: TestIdp, extra: Record<string, unknown> = {}): OidcIssuerConfig {
  return oidcIssuerSchema.parse({ issuer: provider.issuer, audience: provider.audience, ...extra });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('OIDC authenticator with real provider tokens', () => {
  it('accepts a client credentials token as a service', async () => {
    const token = await idp.clientCredentialsToken();
    expect(decodeJwt(token)).toMatchObject({ sub: SERVICE_CLIENT.id, aud: idp.audience });
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [issuerOf(idp)], logger });

    expect(await authenticator.authenticate(bearer(token))).toEqual({
      subject: SERVICE_CLIENT.id,
      groups: [],
      kind: 'service',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
  });

  it('accepts a user login token with the groups of its groups claim', async () => {
    const token = await idp.userToken('alice');
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [issuerOf(idp)], logger });

    expect(await authenticator.authenticate(bearer(token))).toEqual({
      subject: 'alice',
      groups: ['team1', 'platform-admins'],
      kind: 'user',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
    const bob = await authenticator.authenticate(bearer(await idp.userToken('bob')));
    expect(bob).toMatchObject({ subject: 'bob', groups: ['team2'], kind: 'user' });
  });

  it('reads groups and subject from the configured claims', async () => {
    const token = await idp.userToken('alice');
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [issuerOf(idp, { groupsClaim: 'realm_access.roles', subjectClaim: 'email' })],
      logger,
    });

    expect(await authenticator.authenticate(bearer(token))).toEqual({
      subject: 'alice@example.com',
      groups: ['team1-developer'],
      kind: 'user',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
    // A client credentials token has no e-mail: it is named by its client.
    const service = await authenticator.authenticate(bearer(await idp.clientCredentialsToken()));
    expect(service).toMatchObject({ subject: SERVICE_CLIENT.id, kind: 'service', groups: [] });
  });

  it('accepts tokens of each of two configured issuers, with their own keys', async () => {
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [issuerOf(idp), issuerOf(second)],
      logger,
    });
    const fromSecond = await second.userToken('carol');
    expect(decodeJwt(fromSecond).aud).toBe('platform-api');

    expect(await authenticator.authenticate(bearer(fromSecond))).toEqual({
      subject: 'carol',
      groups: ['team3'],
      kind: 'user',
      authenticatedBy: `oidc:${second.issuer}`,
    });
    expect(await authenticator.authenticate(bearer(await idp.userToken('alice')))).toMatchObject({
      subject: 'alice',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
    expect(
      await authenticator.authenticate(bearer(await second.clientCredentialsToken())),
    ).toMatchObject({ subject: SERVICE_CLIENT.id, kind: 'service' });
  });

  it('discovers once and reuses the keys for later tokens', async () => {
    const { fetchImpl, urls } = recordingFetch();
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [issuerOf(idp)], fetchImpl, logger });
    const tokens = [await idp.userToken('alice'), await idp.clientCredentialsToken()];

    for (const token of [...tokens, ...tokens]) {
      expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    }
    expect(urls).toEqual([`${idp.issuer}/.well-known/openid-configuration`, `${idp.issuer}/jwks`]);
  });

  it('shares one discovery between concurrent first requests', async () => {
    const { fetchImpl, urls } = recordingFetch();
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [issuerOf(idp)], fetchImpl, logger });
    const token = await idp.clientCredentialsToken();

    const principals = await Promise.all(
      Array.from({ length: 5 }, () => authenticator.authenticate(bearer(token))),
    );
    expect(principals.map((principal) => principal?.subject)).toEqual(
      Array.from({ length: 5 }, () => SERVICE_CLIENT.id),
    );
    expect(urls).toEqual([`${idp.issuer}/.well-known/openid-configuration`, `${idp.issuer}/jwks`]);
  });

  it('uses a configured jwksUri without discovery', async () => {
    const { fetchImpl, urls } = recordingFetch();
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({
      issuers: [issuerOf(idp, { jwksUri: `${idp.issuer}/jwks` })],
      fetchImpl,
      logger,
    });

    const principal = await authenticator.authenticate(bearer(await idp.clientCredentialsToken()));
    expect(principal?.subject).toBe(SERVICE_CLIENT.id);
    expect(urls).toEqual([`${idp.issuer}/jwks`]);
  });

  it.each([
    ['no header', undefined],
    ['a static token', 'Bearer alice-secret-token-1234'],
    ['a service token', 'Bearer pst_0123456789abcdef'],
    ['two segments', 'Bearer abc.def'],
    ['four segments', 'Bearer a.b.c.d'],
    ['a JWE (five segments)', 'Bearer a.b.c.d.e'],
    ['not base64url', 'Bearer a+b.c/d.e='],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
  ])('leaves %s to other authenticators, without network', async (_label, authorization) => {
    const { fetchImpl, urls } = recordingFetch();
    const { logger, lines } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [issuerOf(idp)], fetchImpl, logger });

    expect(await authenticator.authenticate({ authorization })).toBeUndefined();
    expect(urls).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('refuses every token with no issuer configured', async () => {
    const { fetchImpl, urls } = recordingFetch();
    const { logger } = capturingLogger();
    const authenticator = createOidcAuthenticator({ issuers: [], fetchImpl, logger });

    expect(
      await authenticator.authenticate(bearer(await idp.clientCredentialsToken())),
    ).toBeUndefined();
    expect(urls).toEqual([]);
  });

  it('refuses the same issuer twice', () => {
    const { logger } = capturingLogger();
    expect(() =>
      createOidcAuthenticator({ issuers: [issuerOf(idp), issuerOf(idp)], logger }),
    ).toThrow(TypeError);
  });
});
