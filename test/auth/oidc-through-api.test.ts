import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcIssuerSchema } from '../../src/config/oidc-config-schema.js';
import { SERVICE_CLIENT, startTestIdp, type TestIdp } from '../support/oidc-provider.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

// A real OpenID Provider's tokens, through the whole API: authentication, the tenancy
// model mapping the token's IdP groups to roles, and Cedar deciding.
const TENANCY = `
organizations:
  - name: jppol
    groupNaming: { roles: '{product}-{role}' }
    products:
      - name: koa
        pools: [koa]
      - name: ai
        pools: [ai]
        members:
          - serviceAccount: ${SERVICE_CLIENT.id}
            role: developer
`;

let idp: TestIdp;
let platform: TestPlatform;

beforeAll(async () => {
  idp = await startTestIdp({
    accounts: {
      anna: { email: 'anna@jppol.example', groups: ['koa-developer'] },
      kim: { email: 'kim@jppol.example', groups: ['koa-collaborator'] },
    },
  });
  platform = await createTestPlatform({
    tenancy: TENANCY,
    oidc: [
      oidcIssuerSchema.parse({
        issuer: idp.issuer,
        audience: idp.audience,
        subjectClaim: 'email',
      }),
    ],
  });
  await platform.start();
}, 30_000);

afterAll(async () => {
  await platform?.close();
  await idp?.close();
});

const claim = (name: string, pool: string) => ({
  environment_name: name,
  environment_type: 'dev',
  environment_pool: pool,
  services: {},
});

describe('OIDC tokens through the API', () => {
  it('a user whose IdP group makes them a koa developer creates koa environments, not ai ones', async () => {
    const token = await idp.userToken('anna');
    const created = await platform.call('POST', '/api/v1/environments', {
      token,
      body: claim('koa-anna', 'koa'),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { user: string }).user).toBe('anna@jppol.example');

    const denied = await platform.call('POST', '/api/v1/environments', {
      token,
      body: claim('ai-anna', 'ai'),
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('environment:create');
  });

  it('a koa collaborator reads koa environments but may not delete them', async () => {
    const token = await idp.userToken('kim');
    expect((await platform.call('GET', '/api/v1/environments/koa-anna', { token })).status).toBe(
      200,
    );
    const denied = await platform.call('DELETE', '/api/v1/environments/koa-anna', { token });
    expect(denied.status).toBe(403);
  });

  it('a client-credentials token acts as the service account the model names', async () => {
    const token = await idp.clientCredentialsToken();
    const created = await platform.call('POST', '/api/v1/environments', {
      token,
      body: claim('ai-ci', 'ai'),
    });
    expect(created.status).toBe(201);
    const denied = await platform.call('POST', '/api/v1/environments', {
      token,
      body: claim('koa-ci', 'koa'),
    });
    expect(denied.status).toBe(403);
  });

  it('a tampered token is a 401 with WWW-Authenticate', async () => {
    const token = await idp.userToken('kim');
    const [header, payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    forged.groups = ['koa-developer'];
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    const response = await platform.call('GET', '/api/v1/environments', { token: tampered });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});
