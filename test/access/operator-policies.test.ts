import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import {
  as,
  EXAMPLE_TENANCY,
  expectDenied,
  pageOf,
  putPolicy,
  removePolicy,
  startExamplePlatform,
  statusOf,
} from './access-helpers.js';

/** An operator's exception: koa's reader may look at ai's environments. */
const READER_SEES_AI = `// Granted in ticket OPS-1234.
@id("ops:koa-reader-reads-ai")
permit (
  principal == Platform::User::"koa.reader@jppol.example",
  action == Platform::Action::"environment:read",
  resource in Platform::Pool::"ai"
);
`;
const UNKNOWN_ATTRIBUTE = `@id("ops:red-only")
permit (principal, action == Platform::Action::"environment:read", resource)
  when { resource.colour == "red" };
`;
const SYNTAX_ERROR = 'permit (principal, action resource)\n';

let platform: TestPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function rejection(policies: Record<string, string>): Promise<InputError> {
  const error: unknown = await createTestPlatform({ tenancy: EXAMPLE_TENANCY, policies }).then(
    (started) => {
      platform = started;
      return undefined;
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('operator policies in the policy directory', () => {
  it('take effect at start, for single requests and for listings', async () => {
    platform = await startExamplePlatform({ policies: { 'ai-readers.cedar': READER_SEES_AI } });
    expect((await as(platform, 'admin').create('ai-model', 'dev', 'ai')).status).toBe(201);
    expect((await as(platform, 'admin').create('genesis-1', 'dev', 'genesis')).status).toBe(201);

    const reader = as(platform, 'koaReader');
    expect((await reader.get('ai-model')).status).toBe(200);
    const page = await pageOf(await reader.list());
    expect(page.items.map((item) => item.environment_name)).toEqual(['ai-model']);
    // Reading only: the exception grants nothing else, and nobody else.
    await expectDenied(await reader.patch('ai-model'), 'environment:update');
    await expectDenied(await reader.get('genesis-1'), 'environment:read');
    await expectDenied(await as(platform, 'koaDev').get('ai-model'), 'environment:read');

    const status = await statusOf(await as(platform, 'admin').status());
    expect(status.counts.operator_policies).toBe(1);
    const explained = await as(platform, 'admin').explain({
      principal: 'user:koa.reader@jppol.example',
      action: 'environment:read',
      resource: 'environment/ai-model',
    });
    expect(explained.status).toBe(200);
    expect(await explained.json()).toMatchObject({
      decision: 'allow',
      policy_ids: ['ops:koa-reader-reads-ai'],
    });
  });

  it('can forbid what the model permits', async () => {
    platform = await startExamplePlatform({
      policies: {
        'freeze.cedar': `@id("ops:koa-prod-freeze")
forbid (principal, action == Platform::Action::"environment:create", resource in Platform::Product::"koa")
  when { resource.type == "prod" }
  unless { principal in Platform::Group::"platform-admins" };
`,
      },
    });
    const dev = as(platform, 'koaDev');
    expect((await dev.create('koa-dev-1', 'dev', 'koa')).status).toBe(201);
    await expectDenied(await dev.create('koa-prod-1', 'prod', 'koa'), 'environment:create');
    expect((await as(platform, 'admin').create('koa-prod-1', 'prod', 'koa')).status).toBe(201);
  });

  it('make the start fail, naming the file, on an unknown attribute', async () => {
    const error = await rejection({ 'colour.cedar': UNKNOWN_ATTRIBUTE });
    expect(error.message).toBe('Policies do not validate against the Cedar schema');
    expect(error.errors.length).toBeGreaterThan(0);
    for (const problem of error.errors) expect(problem.path).toMatch(/\/policies\/colour\.cedar$/);
    expect(error.errors.map((problem) => problem.message).join('\n')).toContain('colour');
  });

  it('make the start fail, naming the file, on a syntax error', async () => {
    const error = await rejection({ 'good.cedar': READER_SEES_AI, 'broken.cedar': SYNTAX_ERROR });
    expect(error.message).toMatch(/^Cannot parse .*\/policies\/broken\.cedar$/);
    expect(error.errors[0]?.path).toMatch(/\/policies\/broken\.cedar$/);
  });

  it('make the start fail when an id clashes with a generated policy', async () => {
    const error = await rejection({
      'clash.cedar': '@id("platform-admins")\npermit (principal, action, resource);\n',
    });
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]?.path).toMatch(/\/policies\/clash\.cedar$/);
    expect(error.errors[0]?.message).toBe("policy id 'platform-admins' is already taken");
  });
});

describe('reloading the policy directory', () => {
  it('adds a valid file, rejects a bad one and keeps the last good set', async () => {
    platform = await startExamplePlatform();
    const admin = as(platform, 'admin');
    const reader = as(platform, 'koaReader');
    expect((await admin.create('ai-model', 'dev', 'ai')).status).toBe(201);
    await expectDenied(await reader.get('ai-model'), 'environment:read');

    await putPolicy(platform, 'ai-readers.cedar', READER_SEES_AI);
    const added = await statusOf(await admin.status());
    expect(added).toMatchObject({ state: 'ok', counts: { operator_policies: 1 } });
    expect((await reader.get('ai-model')).status).toBe(200);

    for (const [name, text, message] of [
      ['colour.cedar', UNKNOWN_ATTRIBUTE, 'Policies do not validate against the Cedar schema'],
      ['broken.cedar', SYNTAX_ERROR, 'Cannot parse'],
    ] as const) {
      await putPolicy(platform, name, text);
      const status = await statusOf(await admin.status());
      expect(status.state).toBe('error');
      expect(status.revision).toBe(added.revision);
      expect(status.counts.operator_policies).toBe(1);
      expect(status.last_error?.message).toContain(message);
      expect(status.last_error?.errors[0]?.path).toBe(`${platform.dataDir}/policies/${name}`);
      // The last good set stays: the exception still holds, nothing more is granted.
      expect((await reader.get('ai-model')).status).toBe(200);
      expect((await pageOf(await reader.list())).items).toHaveLength(1);
      await removePolicy(platform, name);
      expect((await statusOf(await admin.status())).state).toBe('ok');
    }

    await removePolicy(platform, 'ai-readers.cedar');
    const removed = await statusOf(await admin.status());
    expect(removed).toMatchObject({ state: 'ok', counts: { operator_policies: 0 } });
    await expectDenied(await reader.get('ai-model'), 'environment:read');
    expect((await pageOf(await reader.list())).items).toEqual([]);
  });

  it('ignores files that are not .cedar', async () => {
    platform = await startExamplePlatform();
    await putPolicy(platform, 'README.md', SYNTAX_ERROR);
    await putPolicy(platform, 'draft.cedar.bak', SYNTAX_ERROR);
    const status = await statusOf(await as(platform, 'admin').status());
    expect(status).toMatchObject({ state: 'ok', counts: { operator_policies: 0 } });
  });
});
