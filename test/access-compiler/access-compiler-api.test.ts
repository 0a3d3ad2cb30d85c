import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../src/domain/access/manifest.js';
import {
  accessPlanSchema,
  renderedAccessSchema,
  userAccessSchema,
  whoCanSchema,
} from '../../src/api/schemas/access-compiler.js';
import { auditPageSchema } from '../../src/api/schemas/audit.js';
import type { TestPlatform } from '../support/test-platform.js';
import {
  expectDenied,
  problemOf,
  startExamplePlatform,
  tokenOf,
  type Who,
} from '../access/access-helpers.js';

// The access compiler through the API: platform admins only, the same output as the CLI.

let platform: TestPlatform;
let unconfigured: TestPlatform;
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'access-api-out-'));
  platform = await startExamplePlatform({ accessOutputDirectory: outDir });
  unconfigured = await startExamplePlatform();
});
afterAll(async () => {
  await platform.close();
  await unconfigured.close();
  await rm(outDir, { recursive: true, force: true });
});

const get = (path: string, who: Who = 'admin', on = platform) =>
  on.call('GET', path, { token: tokenOf(who) });

describe('GET /api/v1/access/render', () => {
  it('returns every generated file with its hash, filterable by tool', async () => {
    const response = await get('/api/v1/access/render');
    expect(response.status).toBe(200);
    const { files } = renderedAccessSchema.parse(await response.json());
    expect(files.map((file) => file.path)).toContain('idp/groups.json');
    const kubernetes = renderedAccessSchema.parse(
      await (await get('/api/v1/access/render?tool=kubernetes')).json(),
    ).files;
    expect(kubernetes.length).toBeGreaterThan(0);
    expect(kubernetes.every((file) => file.tool === 'kubernetes')).toBe(true);
  });

  it('is for platform admins: a product developer gets 403 access:compile', async () => {
    await expectDenied(await get('/api/v1/access/render', 'koaDev'), 'access:compile');
    await expectDenied(
      await get('/api/v1/access/who-can?tool=argocd&level=read', 'valLead'),
      'access:compile',
    );
  });

  it('answers 400 for an unknown query parameter', async () => {
    await problemOf(await get('/api/v1/access/render?tools=argocd'), 400);
  });
});

describe('plan and render into access.outputDirectory', () => {
  it('plans, renders (audited), then plans no changes', async () => {
    const first = accessPlanSchema.parse(await (await get('/api/v1/access/plan')).json());
    expect(first.counts.add).toBeGreaterThan(0);
    expect(first.directory).toBe(outDir);

    await expectDenied(
      await platform.call('POST', '/api/v1/access/render', { token: tokenOf('koaDev') }),
      'access:render',
    );
    const rendered = await platform.call('POST', '/api/v1/access/render', {
      token: tokenOf('admin'),
    });
    expect(rendered.status).toBe(200);
    expect(accessPlanSchema.parse(await rendered.json()).counts.add).toBe(first.counts.add);
    expect(JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8'))).toMatchObject({
      generator: 'platformctl access render',
    });

    const again = accessPlanSchema.parse(await (await get('/api/v1/access/plan')).json());
    expect(again.changes).toEqual([]);

    const audit = auditPageSchema.parse(
      await (await get('/api/v1/audit?action=access:render')).json(),
    );
    expect(audit.items.map((record) => [record.actor, record.decision])).toEqual([
      ['koa.dev@jppol.example', 'deny'],
      ['platform-team@example.com', 'allow'],
    ]);
  });

  it('answers 404 naming the setting when no output directory is configured', async () => {
    const problem = await problemOf(await get('/api/v1/access/plan', 'admin', unconfigured), 404);
    expect(problem.detail).toContain('access.outputDirectory');
    await problemOf(
      await unconfigured.call('POST', '/api/v1/access/render', { token: tokenOf('admin') }),
      404,
    );
  });

  it('allows only GET and POST on render', async () => {
    const response = await platform.call('DELETE', '/api/v1/access/render', {
      token: tokenOf('admin'),
    });
    expect(response.status).toBe(405);
  });
});

describe('explain a user and who-can', () => {
  it('explains a koa developer: tool groups, namespaces and tool permissions, with reasons', async () => {
    const response = await get(
      `/api/v1/access/users/${encodeURIComponent('koa.dev@jppol.example')}`,
    );
    expect(response.status).toBe(200);
    const report = userAccessSchema.parse(await response.json());
    expect(report.known).toBe(true);
    expect(report.roles).toContainEqual({
      product: 'koa',
      role: 'developer',
      because: 'listed as developer of koa (member #1)',
    });
    expect(report.groups.map((group) => group.group)).toContain('koa-dev-argocd-write');
    expect(
      report.grants.some((grant) => grant.tool === 'kubernetes' && grant.namespace === 'koa-dev'),
    ).toBe(true);
    expect(report.grants.every((grant) => grant.product !== 'ai')).toBe(true);
  });

  it('says a stranger is unknown and gets nothing', async () => {
    const report = userAccessSchema.parse(
      await (await get('/api/v1/access/users/nobody@example.com')).json(),
    );
    expect(report).toMatchObject({ known: false, groups: [], roles: [], grants: [] });
  });

  it('lists who can write with Argo CD in koa-dev', async () => {
    const answer = whoCanSchema.parse(
      await (await get('/api/v1/access/who-can?tool=argocd&level=write&namespace=koa-dev')).json(),
    );
    expect(answer.product).toBe('koa');
    expect(answer.groups).toContainEqual({
      name: 'koa-dev-argocd-write',
      members: ['koa.dev@jppol.example'],
    });
  });

  it('answers 400 for a bad level', async () => {
    const problem = await problemOf(
      await get('/api/v1/access/who-can?tool=argocd&level=owner'),
      400,
    );
    expect(problem.errors?.[0]?.path).toBe('level');
  });
});
