import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentViewSchema } from '../../src/api/schemas/environments.js';
import type { TestPlatform } from '../support/test-platform.js';
import {
  as,
  expectDenied,
  problemOf,
  startExamplePlatform,
  STATIC_REPOSITORY,
  writeStatic,
  type Who,
} from './access-helpers.js';

const EXTEND = { expiration_date: '2026-01-20T00:00:00Z' };

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startExamplePlatform();
  await writeStatic(platform, 'koa-prod', { type: 'prod', pool: 'koa' });
  await writeStatic(platform, 'val-prod', { type: 'prod', pool: 'valkyrie' });
});
afterEach(async () => {
  await platform.close();
});

async function expectGitConflict(response: Response, name: string, verb: string): Promise<void> {
  const problem = await problemOf(response, 409);
  expect(problem.title).toBe('Conflict');
  expect(problem.detail).toBe(
    `environment '${name}' is a static environment managed in Git in ${STATIC_REPOSITORY} (branch main); ${verb} it with a pull request to its GitOps repository, not through the API`,
  );
}

async function expectUnchanged(name: string): Promise<void> {
  const stored = JSON.parse(
    await readFile(join(platform.bucketsDir, 'static-environments', `${name}.json`), 'utf8'),
  ) as { services: unknown };
  expect(stored.services).toEqual({ 'user-service': 'v1.2.3' });
  const view = environmentViewSchema.parse(await (await as(platform, 'admin').get(name)).json());
  expect(view.status).toMatchObject({ bucket: 'static-environments', managed_by: 'git' });
}

describe('static environments through the API', () => {
  it('refuses an admin with 409 naming the Git repository', async () => {
    for (const who of ['admin', 'adminByGroup'] as const) {
      const admin = as(platform, who);
      expect((await admin.get('koa-prod')).status).toBe(200);
      await expectGitConflict(await admin.patch('koa-prod'), 'koa-prod', 'change');
      await expectGitConflict(await admin.patch('koa-prod', EXTEND), 'koa-prod', 'change');
      await expectGitConflict(await admin.delete('koa-prod'), 'koa-prod', 'delete');
    }
    await expectUnchanged('koa-prod');
  });

  it('tells anyone who may read it where to change it', async () => {
    for (const who of ['koaDev', 'koaReader'] as const) {
      await expectGitConflict(await as(platform, who).patch('koa-prod'), 'koa-prod', 'change');
      await expectGitConflict(await as(platform, who).delete('koa-prod'), 'koa-prod', 'delete');
    }
    await expectGitConflict(
      await as(platform, 'valCleared').delete('val-prod'),
      'val-prod',
      'delete',
    );
    await expectUnchanged('koa-prod');
    await expectUnchanged('val-prod');
  });

  it('answers 403 naming the action to a caller who cannot read it', async () => {
    const cases: [Who, string][] = [
      ['aiDev', 'koa-prod'],
      ['stranger', 'koa-prod'],
      ['edpCi', 'koa-prod'],
      // A Valkyrie developer without IL2: the clearance hides even the static prod.
      ['valDev', 'val-prod'],
    ];
    for (const [who, name] of cases) {
      const caller = as(platform, who);
      await expectDenied(await caller.get(name), 'environment:read');
      await expectDenied(await caller.patch(name), 'environment:update');
      await expectDenied(await caller.patch(name, EXTEND), 'environment:extend');
      const deleted = await caller.delete(name);
      await expectDenied(deleted, 'environment:delete');
    }
    await expectUnchanged('koa-prod');
    await expectUnchanged('val-prod');
  });

  it('does not reveal that a static environment exists to those who cannot read it', async () => {
    // Same answer for an unreadable static environment and an unreadable dynamic one.
    expect((await as(platform, 'admin').create('koa-dyn', 'prod', 'koa')).status).toBe(201);
    const onStatic = await problemOf(await as(platform, 'aiDev').delete('koa-prod'), 403);
    const onDynamic = await problemOf(await as(platform, 'aiDev').delete('koa-dyn'), 403);
    expect(onStatic.detail.replace('koa-prod', 'X')).toBe(onDynamic.detail.replace('koa-dyn', 'X'));
  });

  it('refuses a create over a static name, even for its readers', async () => {
    const response = await as(platform, 'koaDev').create('koa-prod', 'dev', 'koa');
    const problem = await problemOf(response, 409);
    expect(problem.detail).toBe("environment 'koa-prod' already exists as a static environment");
    await expectUnchanged('koa-prod');
  });
});
