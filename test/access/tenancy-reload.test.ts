import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../support/test-platform.js';
import {
  as,
  editTenancy,
  edited,
  EXAMPLE_TENANCY,
  expectDenied,
  startExamplePlatform,
  statusOf,
  TOKENS,
} from './access-helpers.js';

const KOA_DEV_MEMBER = `          - user: koa.dev@jppol.example
            role: developer
`;
const AI_MEMBERS = `        members:
          - user: ai.dev@jppol.example
            role: developer
`;
/** The example model with koa.dev also a developer of ai. */
const WITH_KOA_DEV_IN_AI = edited(
  EXAMPLE_TENANCY,
  AI_MEMBERS,
  `${AI_MEMBERS}          - user: koa.dev@jppol.example
            role: developer
`,
);

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startExamplePlatform();
});
afterEach(async () => {
  await platform.close();
});

describe('the sue creator rule', () => {
  it('lets the creator read and delete, not patch, after leaving the product', async () => {
    const dev = as(platform, 'koaDev');
    expect((await dev.create('sue-koa-poc', 'sue', 'koa')).status).toBe(201);
    expect((await dev.create('koa-dev-1', 'dev', 'koa')).status).toBe(201);

    await editTenancy(platform, edited(EXAMPLE_TENANCY, KOA_DEV_MEMBER, ''));
    expect((await statusOf(await as(platform, 'admin').status())).state).toBe('ok');

    // Out of koa: the dev environment is gone from sight, the own sue one is not.
    await expectDenied(await dev.get('koa-dev-1'), 'environment:read', TOKENS.koaDev.subject);
    expect((await dev.get('sue-koa-poc')).status).toBe(200);
    const listed = (await (await dev.list()).json()) as { items: { environment_name: string }[] };
    expect(listed.items.map((item) => item.environment_name)).toEqual(['sue-koa-poc']);
    await expectDenied(await dev.patch('sue-koa-poc'), 'environment:update');
    await expectDenied(
      await dev.patch('sue-koa-poc', { expiration_date: '2026-01-17T00:00:00Z' }),
      'environment:extend',
    );
    await expectDenied(await dev.create('sue-koa-two', 'sue', 'koa'), 'environment:create');
    expect((await dev.delete('sue-koa-poc')).status).toBe(204);
    expect((await as(platform, 'admin').get('sue-koa-poc')).status).toBe(404);
  });

  it('does not extend to sue environments someone else created', async () => {
    expect((await as(platform, 'admin').create('sue-admin', 'sue', 'ai')).status).toBe(201);
    await expectDenied(await as(platform, 'koaDev').get('sue-admin'), 'environment:read');
    await expectDenied(await as(platform, 'koaDev').delete('sue-admin'), 'environment:delete');
  });
});

describe('reloading tenancy.yaml', () => {
  it('rejects a YAML syntax error and keeps the last good model', async () => {
    const admin = as(platform, 'admin');
    const before = await statusOf(await admin.status());
    expect(before).toMatchObject({ state: 'ok', last_error: null });

    await editTenancy(platform, `${EXAMPLE_TENANCY}\norganizations: [unclosed\n`);
    const status = await statusOf(await admin.status());
    expect(status.state).toBe('error');
    expect(status.revision).toBe(before.revision);
    expect(status.loaded_at).toBe(before.loaded_at);
    expect(status.last_error?.message).toContain('is not valid YAML');
    expect(status.last_error?.errors.length).toBeGreaterThan(0);
    expect(status.last_error?.errors[0]?.path).toMatch(/^line \d+, column \d+$/);

    // The old model still decides.
    expect((await as(platform, 'koaDev').create('koa-still', 'dev', 'koa')).status).toBe(201);
    await expectDenied(
      await as(platform, 'koaReader').create('koa-nope', 'dev', 'koa'),
      'environment:create',
    );
  });

  it('rejects an unknown clearance with its key path, then takes the fixed edit', async () => {
    const admin = as(platform, 'admin');
    const dev = as(platform, 'koaDev');
    const before = await statusOf(await admin.status());

    // The bad edit also adds koa.dev to ai: none of it may take effect.
    const bad = edited(WITH_KOA_DEV_IN_AI, 'requires: [il2]', 'requires: [il5]');
    await editTenancy(platform, bad);
    const rejected = await statusOf(await admin.status());
    expect(rejected.state).toBe('error');
    expect(rejected.revision).toBe(before.revision);
    expect(rejected.last_error?.errors).toEqual([
      {
        path: 'organizations.1.products.0.clearance.requires.0',
        message: "unknown clearance 'il5'; declared: il2",
      },
    ]);
    expect((await dev.create('koa-a', 'dev', 'koa')).status).toBe(201);
    await expectDenied(await dev.create('ai-a', 'dev', 'ai'), 'environment:create');

    await editTenancy(platform, WITH_KOA_DEV_IN_AI);
    const fixed = await statusOf(await admin.status());
    expect(fixed).toMatchObject({ state: 'ok', last_error: null });
    expect(fixed.revision).not.toBe(before.revision);
    expect((await dev.create('ai-a', 'dev', 'ai')).status).toBe(201);
    expect((await dev.create('koa-b', 'dev', 'koa')).status).toBe(201);
  });

  it('rejects an emptied tenancy file (a truncated write) and keeps the last good model', async () => {
    // `> tenancy.yaml`, or a poll that reads the file between an editor's truncate and its
    // write, must not silently revoke every grant, platform admins and the status page included.
    await editTenancy(platform, '');
    const status = await statusOf(await as(platform, 'admin').status());
    expect(status.state).toBe('error');
    expect(status.counts.products).toBe(7);
    expect((await as(platform, 'koaDev').create('koa-kept', 'dev', 'koa')).status).toBe(201);
  });

  it('applies a removal at once: a revoked developer is denied on the next request', async () => {
    const dev = as(platform, 'koaDev');
    expect((await dev.create('koa-1', 'dev', 'koa')).status).toBe(201);
    await editTenancy(platform, edited(EXAMPLE_TENANCY, KOA_DEV_MEMBER, ''));
    await expectDenied(await dev.patch('koa-1'), 'environment:update');
    await expectDenied(await dev.delete('koa-1'), 'environment:delete');
    await expectDenied(await dev.create('koa-2', 'dev', 'koa'), 'environment:create');
  });

  it('reports a schema error with the key path', async () => {
    await editTenancy(
      platform,
      edited(EXAMPLE_TENANCY, '            role: collaborator\n', '            role: owner\n'),
    );
    const status = await statusOf(await as(platform, 'admin').status());
    expect(status.state).toBe('error');
    expect(status.last_error?.errors.map((error) => error.path)).toEqual([
      'organizations.0.products.0.members.1.role',
    ]);
    // koa.reader is still the collaborator the good model says.
    expect((await as(platform, 'koaReader').list()).status).toBe(200);
    await expectDenied(
      await as(platform, 'koaReader').create('koa-x', 'dev', 'koa'),
      'environment:create',
    );
  });
});

describe('GET /api/v1/tenancy/status', () => {
  it('is for admins and product managers, not for collaborators or developers', async () => {
    const admin = await statusOf(await as(platform, 'admin').status());
    expect(admin).toMatchObject({
      state: 'ok',
      tenancy: `${platform.dataDir}/tenancy.yaml`,
      policy_directory: `${platform.dataDir}/policies`,
      counts: { organizations: 5, products: 7, pools: 7, operator_policies: 0 },
      last_error: null,
    });
    expect(admin.revision).toMatch(/^[0-9a-f]{64}$/);
    // The model in force passes, with a warning per Grafana group without an IdP id.
    expect(admin.warnings.map((warning) => warning.path)).toEqual([
      'idp.groupIds.ai-test-grafana-write',
      'idp.groupIds.ai-prod-grafana-write',
    ]);

    const lead = await statusOf(await as(platform, 'valLead').status());
    expect(lead.revision).toBe(admin.revision);

    await expectDenied(await as(platform, 'koaReader').status(), 'tenancy:read');
    await expectDenied(await as(platform, 'valDev').status(), 'tenancy:read');
    await expectDenied(await as(platform, 'edpCi').status(), 'tenancy:read', 'gitlab-ci-edp');
  });

  it('still answers with the last good model after a bad edit, to its managers too', async () => {
    await editTenancy(platform, 'platformAdmins: [not, a, mapping]\n');
    const lead = await statusOf(await as(platform, 'valLead').status());
    expect(lead.state).toBe('error');
    expect(lead.last_error?.errors.map((error) => error.path)).toContain('platformAdmins');
    expect(lead.counts.products).toBe(7);
  });

  it('has no POST', async () => {
    const response = await platform.call('POST', '/api/v1/tenancy/status', {
      token: 'token-admin',
    });
    expect(response.status).toBe(405);
  });
});
