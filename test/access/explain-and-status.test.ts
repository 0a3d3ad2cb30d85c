import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExplainResult } from '../../src/app/access-service.js';
import type { TestPlatform } from '../support/test-platform.js';
import {
  as,
  expectDenied,
  problemOf,
  startExamplePlatform,
  statusOf,
  TOKENS,
} from './access-helpers.js';

const CREATE_KOA = {
  action: 'environment:create',
  resource: 'environment/new-one',
  pool: 'koa',
  type: 'dev',
};

async function explained(response: Response): Promise<ExplainResult> {
  expect(response.status).toBe(200);
  return (await response.json()) as ExplainResult;
}

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startExamplePlatform();
});
afterEach(async () => {
  await platform.close();
});

describe('GET /api/v1/access/explain', () => {
  it('explains an allow with the deciding policy and the membership path', async () => {
    const result = await explained(
      await as(platform, 'admin').explain({
        principal: 'user:koa.dev@jppol.example',
        ...CREATE_KOA,
      }),
    );
    expect(result).toMatchObject({
      decision: 'allow',
      principal: { subject: 'koa.dev@jppol.example', kind: 'user', groups: [] },
      action: 'environment:create',
      resource: 'environment/new-one',
      policy_ids: ['product-developers-manage'],
    });
    expect(result.via).toEqual([
      {
        group: 'product:koa:developer',
        path: ['user koa.dev@jppol.example', 'member #1 of product koa'],
      },
    ]);
    expect(result.memberships.map((membership) => membership.group).sort()).toEqual([
      'product:koa:collaborator',
      'product:koa:developer',
    ]);
    // Explaining is not doing: nothing was created.
    expect((await as(platform, 'admin').get('new-one')).status).toBe(404);
  });

  it('names the clearance forbid when a cleared role is missing', async () => {
    const result = await explained(
      await as(platform, 'admin').explain({
        principal: 'user:val.dev@p1.example.mil',
        action: 'environment:create',
        resource: 'environment/val-prod',
        pool: 'valkyrie',
        type: 'prod',
      }),
    );
    expect(result.decision).toBe('deny');
    expect(result.policy_ids).toEqual(['product-clearance']);
    expect(result.via).toEqual([]);
    const developer = result.memberships.find((m) => m.group === 'product:valkyrie:developer');
    expect(developer?.path).toEqual([
      'user val.dev@p1.example.mil',
      "member of IdP group 'Platform-One/Products/Valkyrie/developer' (organization platform-one)",
      "IdP group 'Platform-One/Products/Valkyrie/developer' is product valkyrie's developer group by the naming convention of platform-one",
    ]);
  });

  it('gives no policy for a plain deny (no permit applies)', async () => {
    const result = await explained(
      await as(platform, 'admin').explain({
        principal: 'koa.dev@jppol.example',
        ...CREATE_KOA,
        pool: 'ai',
      }),
    );
    expect(result).toMatchObject({ decision: 'deny', policy_ids: [], via: [] });
  });

  it('assumes the IdP groups given, and explains through the naming convention', async () => {
    const result = await explained(
      await as(platform, 'admin').explain({
        principal: 'user:recruit@usmc.example.mil',
        groups: 'USMC/Marine Coders/developer, unrelated',
        ...CREATE_KOA,
        pool: 'marine-coders',
      }),
    );
    expect(result.decision).toBe('allow');
    expect(result.principal.groups).toEqual(['USMC/Marine Coders/developer', 'unrelated']);
    expect(result.via).toEqual([
      {
        group: 'product:marine-coders:developer',
        path: [
          'user recruit@usmc.example.mil',
          "token carries IdP group 'USMC/Marine Coders/developer'",
          "IdP group 'USMC/Marine Coders/developer' is product marine-coders's developer group by the naming convention of usmc",
        ],
      },
    ]);
  });

  it('explains service accounts and existing environments', async () => {
    expect((await as(platform, 'admin').create('edp-main', 'dev', 'edp')).status).toBe(201);
    const ci = await explained(
      await as(platform, 'admin').explain({
        principal: 'service:gitlab-ci-edp',
        action: 'environment:delete',
        resource: 'environment/edp-main',
      }),
    );
    expect(ci).toMatchObject({
      decision: 'allow',
      principal: { subject: 'gitlab-ci-edp', kind: 'service' },
      policy_ids: ['product-developers-manage'],
    });
    expect(ci.via[0]?.path).toEqual(['service account gitlab-ci-edp', 'member #3 of product edp']);
  });

  it('lets anyone explain themselves, with their own groups', async () => {
    const self = await explained(await as(platform, 'marine').explain({ ...CREATE_KOA }));
    expect(self).toMatchObject({
      decision: 'deny',
      principal: { subject: TOKENS.marine.subject, groups: ['USMC/Marine Coders/developer'] },
    });
    const named = await explained(
      await as(platform, 'koaDev').explain({
        principal: 'user:koa.dev@jppol.example',
        ...CREATE_KOA,
      }),
    );
    expect(named.decision).toBe('allow');
    const service = await explained(
      await as(platform, 'edpCi').explain({
        action: 'environment:create',
        resource: 'environment/x',
        pool: 'edp',
        type: 'dev',
      }),
    );
    expect(service).toMatchObject({ decision: 'allow', principal: { kind: 'service' } });
  });

  it('refuses to explain someone else to a non-admin', async () => {
    for (const principal of ['user:koa.reader@jppol.example', 'service:gitlab-ci-edp']) {
      await expectDenied(
        await as(platform, 'koaDev').explain({ principal, ...CREATE_KOA }),
        'access:explain',
        TOKENS.koaDev.subject,
      );
    }
    // A service account with the same name as a user is someone else.
    await expectDenied(
      await as(platform, 'edpCi').explain({ principal: 'user:gitlab-ci-edp', ...CREATE_KOA }),
      'access:explain',
    );
  });

  it('lets a non-admin assume only groups they hold, and audits the refusal', async () => {
    // marine holds 'USMC/Marine Coders/developer' and nothing else.
    const own = await explained(
      await as(platform, 'marine').explain({
        groups: 'USMC/Marine Coders/developer',
        ...CREATE_KOA,
        pool: 'marine-coders',
      }),
    );
    expect(own.decision).toBe('allow');
    await expectDenied(
      await as(platform, 'marine').explain({
        groups: 'USMC/Marine Coders/developer, JPPOL/Koa/developer',
        ...CREATE_KOA,
      }),
      'access:explain',
      'with groups JPPOL/Koa/developer',
    );
    const admin = await explained(
      await as(platform, 'admin').explain({ groups: 'JPPOL/Koa/developer', ...CREATE_KOA }),
    );
    expect(admin.principal.groups).toEqual(['JPPOL/Koa/developer']);
  });

  it('answers 400 for a bad query, naming the field', async () => {
    const admin = as(platform, 'admin');
    const badAction = await problemOf(
      await admin.explain({ ...CREATE_KOA, action: 'environment:destroy' }),
      400,
    );
    expect(badAction.errors?.map((error) => error.path)).toEqual(['action']);
    const noResource = await problemOf(await admin.explain({ action: 'environment:read' }), 400);
    expect(noResource.errors?.map((error) => error.path)).toEqual(['resource']);
    const wrongKind = await problemOf(
      await admin.explain({
        action: 'tenancy:read',
        resource: 'environment/x',
        pool: 'a',
        type: 'dev',
      }),
      400,
    );
    expect(wrongKind.errors).toEqual([
      { path: 'resource', message: 'tenancy:read applies to a platform resource' },
    ]);
    const unknown = await problemOf(await admin.explain({ ...CREATE_KOA, colour: 'red' }), 400);
    expect(unknown.errors?.[0]?.path).toBe('colour');
  });

  it('answers 400 for a principal with an empty name', async () => {
    // `user:` and `service:` name nobody; explaining them must not answer a 200 deny.
    for (const principal of ['user:', 'service:']) {
      const problem = await problemOf(
        await as(platform, 'admin').explain({ principal, ...CREATE_KOA }),
        400,
      );
      expect(problem.errors?.map((error) => error.path)).toEqual(['principal']);
    }
  });

  it('answers 404 for a missing environment without pool and type', async () => {
    const problem = await problemOf(
      await as(platform, 'admin').explain({
        action: 'environment:read',
        resource: 'environment/ghost',
      }),
      404,
    );
    expect(problem.detail).toContain('pool= and type=');
  });

  it('requires a token', async () => {
    const response = await platform.call('GET', '/api/v1/access/explain?action=tenancy:read', {
      token: null,
    });
    await problemOf(response, 401);
  });
});

describe('GET /api/v1/tenancy/status with explain', () => {
  it('agrees with explain about who may read it', async () => {
    const lead = await explained(
      await as(platform, 'admin').explain({
        principal: 'user:val.lead@p1.example.mil',
        action: 'tenancy:read',
        resource: 'platform',
      }),
    );
    expect(lead).toMatchObject({
      decision: 'allow',
      policy_ids: ['product-managers-read-tenancy'],
    });
    expect(lead.via.map((membership) => membership.group)).toEqual(['product-managers']);
    expect((await statusOf(await as(platform, 'valLead').status())).state).toBe('ok');

    const reader = await explained(
      await as(platform, 'admin').explain({
        principal: 'user:koa.reader@jppol.example',
        action: 'tenancy:read',
        resource: 'platform',
      }),
    );
    expect(reader).toMatchObject({ decision: 'deny', policy_ids: [] });
    await expectDenied(await as(platform, 'koaReader').status(), 'tenancy:read');
  });
});
