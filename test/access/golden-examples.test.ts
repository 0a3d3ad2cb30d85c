import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentViewSchema } from '../../src/api/schemas/environments.js';
import type { TestPlatform } from '../support/test-platform.js';
import { as, expectDenied, problemOf, startExamplePlatform, TOKENS } from './access-helpers.js';

// The access rules of examples/tenancy.yaml, request by request through the HTTP API.
let platform: TestPlatform;
beforeEach(async () => {
  platform = await startExamplePlatform();
});
afterEach(async () => {
  await platform.close();
});

describe('JP/Politiken (seed 000): koa and ai', () => {
  it('lets a koa developer create koa environments but not ai ones', async () => {
    const dev = as(platform, 'koaDev');
    const created = await dev.create('koa-feature', 'dev', 'koa');
    expect(created.status).toBe(201);
    expect(environmentViewSchema.parse(await created.json())).toMatchObject({
      environment_name: 'koa-feature',
      environment_pool: 'koa',
      user: TOKENS.koaDev.subject,
    });
    await expectDenied(
      await dev.create('ai-feature', 'dev', 'ai'),
      'environment:create',
      TOKENS.koaDev.subject,
    );
    expect((await as(platform, 'admin').get('ai-feature')).status).toBe(404);
  });

  it('lets a koa collaborator read koa environments and nothing more', async () => {
    expect((await as(platform, 'koaDev').create('koa-main', 'dev', 'koa')).status).toBe(201);
    const reader = as(platform, 'koaReader');
    const got = await reader.get('koa-main');
    expect(got.status).toBe(200);
    expect(environmentViewSchema.parse(await got.json()).user).toBe(TOKENS.koaDev.subject);

    await expectDenied(await reader.create('koa-mine', 'dev', 'koa'), 'environment:create');
    await expectDenied(await reader.patch('koa-main'), 'environment:update');
    await expectDenied(
      await reader.patch('koa-main', { expiration_date: '2026-01-20T00:00:00Z' }),
      'environment:extend',
    );
    await expectDenied(await reader.delete('koa-main'), 'environment:delete');
    // Nothing changed underneath the denies.
    const after = environmentViewSchema.parse(await (await reader.get('koa-main')).json());
    expect(after.services).toEqual({ 'user-service': 'v1.2.3' });
    expect(after.expiration_date).toBeNull();
  });

  it('keeps an ai developer out of koa environments entirely', async () => {
    expect((await as(platform, 'koaDev').create('koa-secret', 'dev', 'koa')).status).toBe(201);
    const ai = as(platform, 'aiDev');
    await expectDenied(await ai.get('koa-secret'), 'environment:read', TOKENS.aiDev.subject);
    await expectDenied(await ai.patch('koa-secret'), 'environment:update');
    await expectDenied(await ai.delete('koa-secret'), 'environment:delete');
  });
});

describe('Platform One (seed 003): Valkyrie and the IL2 clearance', () => {
  it('denies prod to a Valkyrie developer without the clearance, dev stays open', async () => {
    for (const who of ['valDev', 'valDevByGroup'] as const) {
      const dev = as(platform, who);
      await expectDenied(
        await dev.create(`val-prod-${who.toLowerCase()}`, 'prod', 'valkyrie'),
        'environment:create',
        TOKENS[who].subject,
      );
      await expectDenied(
        await dev.create(`val-stg-${who.toLowerCase()}`, 'staging', 'valkyrie'),
        'environment:create',
      );
      expect((await dev.create(`val-dev-${who.toLowerCase()}`, 'dev', 'valkyrie')).status).toBe(
        201,
      );
    }
  });

  it('allows prod once cleared, by IdP group or directly', async () => {
    const byGroup = await as(platform, 'valDevIl2').create('val-prod-a', 'prod', 'valkyrie');
    expect(byGroup.status).toBe(201);
    const direct = await as(platform, 'valCleared').create('val-prod-b', 'prod', 'valkyrie');
    expect(direct.status).toBe(201);
    // The uncleared developer cannot even read or touch the cleared prod environment.
    const uncleared = as(platform, 'valDev');
    await expectDenied(await uncleared.get('val-prod-a'), 'environment:read');
    await expectDenied(await uncleared.patch('val-prod-a'), 'environment:update');
    await expectDenied(await uncleared.delete('val-prod-a'), 'environment:delete');
    expect((await as(platform, 'valCleared').patch('val-prod-a')).status).toBe(200);
  });

  it('does not let the clearance alone grant anything', async () => {
    // Seed 003: "IL2 Authorized and P1/Product/Unicorn/developer would both be required".
    await expectDenied(
      await as(platform, 'valCleared').create('uni-prod', 'prod', 'unicorn'),
      'environment:create',
    );
  });
});

describe('conventional IdP groups', () => {
  it('makes USMC/Marine Coders/developer a marine-coders developer', async () => {
    const marine = as(platform, 'marine');
    expect((await marine.create('mc-dev', 'dev', 'marine-coders')).status).toBe(201);
    expect((await marine.patch('mc-dev')).status).toBe(200);
    await expectDenied(await marine.create('gen-dev', 'dev', 'genesis'), 'environment:create');
    expect((await marine.delete('mc-dev')).status).toBe(204);
  });
});

describe('KubeRocketCI (seed 001): extension groups and CI', () => {
  it('lets a deployer change services but not delete', async () => {
    expect((await as(platform, 'admin').create('edp-main', 'dev', 'edp')).status).toBe(201);
    const deployer = as(platform, 'edpDeployer');
    expect((await deployer.get('edp-main')).status).toBe(200);
    const patched = await deployer.patch('edp-main', { services: { 'user-service': 'v9.9.9' } });
    expect(patched.status).toBe(200);
    expect(environmentViewSchema.parse(await patched.json()).services).toEqual({
      'user-service': 'v9.9.9',
    });
    await expectDenied(
      await deployer.patch('edp-main', { expiration_date: '2026-01-20T00:00:00Z' }),
      'environment:extend',
    );
    await expectDenied(await deployer.delete('edp-main'), 'environment:delete');
    await expectDenied(await deployer.create('edp-two', 'dev', 'edp'), 'environment:create');
  });

  it('gives an extension group alone nothing: it extends an independent group', async () => {
    expect((await as(platform, 'admin').create('edp-ext', 'dev', 'edp')).status).toBe(201);
    const alone = as(platform, 'edpDeployerAlone');
    await expectDenied(
      await alone.patch('edp-ext', { services: { 'user-service': 'v1.0.0' } }),
      'environment:update',
    );
  });

  it('lets the gitlab-ci-edp service account create and delete in edp', async () => {
    const ci = as(platform, 'edpCi');
    const created = await ci.create('edp-ci-1', 'dev', 'edp');
    expect(created.status).toBe(201);
    expect(environmentViewSchema.parse(await created.json()).user).toBe('gitlab-ci-edp');
    expect((await ci.delete('edp-ci-1')).status).toBe(204);
    await expectDenied(await ci.create('koa-ci-1', 'dev', 'koa'), 'environment:create');
  });
});

describe('platform administrators', () => {
  it('may do everything, by user or by the platform-admins group', async () => {
    for (const who of ['admin', 'adminByGroup'] as const) {
      const admin = as(platform, who);
      const name = `adm-${who.toLowerCase()}`;
      // Clearance-gated prod in valkyrie is open to admins too.
      expect((await admin.create(name, 'prod', 'valkyrie')).status).toBe(201);
      expect((await admin.get(name)).status).toBe(200);
      expect((await admin.patch(name)).status).toBe(200);
      expect((await admin.status()).status).toBe(200);
      const rejected = await platform.call('GET', '/api/v1/rejected-claims', {
        token: `token-${who}`,
      });
      expect(rejected.status).toBe(200);
      expect((await admin.delete(name)).status).toBe(204);
    }
  });

  it('keeps the admin-only views closed to everyone else', async () => {
    const rejected = await platform.call('GET', '/api/v1/rejected-claims', {
      token: 'token-koaDev',
    });
    await expectDenied(rejected, 'rejected-claims:read');
    await expectDenied(await as(platform, 'koaDev').status(), 'tenancy:read');
    // The type catalogue is public to any authenticated caller.
    const types = await platform.call('GET', '/api/v1/environment-types', {
      token: 'token-stranger',
    });
    expect(types.status).toBe(200);
  });
});

describe('authentication comes first', () => {
  it('answers 401 without a token, before any policy', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: { environment_name: 'x' },
      token: null,
    });
    const problem = await problemOf(response, 401);
    expect(problem.title).toBe('Unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="platform"');
  });

  it('lets a known caller outside the model do nothing with environments', async () => {
    const stranger = as(platform, 'stranger');
    await expectDenied(await stranger.create('s-1', 'dev', 'koa'), 'environment:create');
    await expectDenied(await stranger.create('s-2', 'sue', 'nowhere'), 'environment:create');
    const page = await stranger.list();
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ items: [], next_cursor: null });
  });
});
