import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentViewSchema } from '../../src/api/schemas/environments.js';
import type { TestPlatform } from '../support/test-platform.js';
import {
  as,
  expectDenied,
  startExamplePlatform,
  TOKENS,
  writeStatic,
  type Who,
} from './access-helpers.js';

// `status.allowed_actions` of a single read: what the console offers. Each answer is
// checked against the action itself, so the two cannot disagree.
let platform: TestPlatform;
beforeEach(async () => {
  platform = await startExamplePlatform();
  expect((await as(platform, 'koaDev').create('koa-main', 'dev', 'koa')).status).toBe(201);
  await writeStatic(platform, 'koa-prod', { type: 'prod', pool: 'koa' });
});
afterEach(async () => {
  await platform.close();
});

async function allowedActions(who: Who, name: string): Promise<readonly string[] | undefined> {
  const response = await as(platform, who).get(name);
  expect(response.status).toBe(200);
  return environmentViewSchema.parse(await response.json()).status.allowed_actions;
}

describe('status.allowed_actions', () => {
  it('gives the owner every change', async () => {
    expect(await allowedActions('koaDev', 'koa-main')).toEqual([
      'environment:update',
      'environment:extend',
      'environment:delete',
    ]);
  });

  it('gives a reader without update rights no change, and the changes are denied', async () => {
    const actions = await allowedActions('koaReader', 'koa-main');
    expect(actions).toEqual([]);
    expect(actions).not.toContain('environment:update');
    const reader = as(platform, 'koaReader');
    await expectDenied(await reader.patch('koa-main'), 'environment:update');
    await expectDenied(await reader.delete('koa-main'), 'environment:delete');
  });

  it('answers each caller for themselves when they read the same version in turn', async () => {
    // The answer is kept per version and set of actions: one caller's must not leak to another.
    for (let round = 0; round < 2; round++) {
      expect(await allowedActions('koaReader', 'koa-main')).toEqual([]);
      expect(await allowedActions('koaDev', 'koa-main')).toHaveLength(3);
    }
  });

  it('offers nothing on a static environment, not even to an admin', async () => {
    expect(await allowedActions('admin', 'koa-prod')).toEqual([]);
    expect(await allowedActions('koaDev', 'koa-prod')).toEqual([]);
  });

  it('is not computed for listings', async () => {
    const page = await (await as(platform, 'koaDev').list()).json();
    const items = (page as { items: { status: Record<string, unknown> }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item.status).not.toHaveProperty('allowed_actions');
  });

  it('is not audited: asking what one may do is not an attempt', async () => {
    // The reader is denied all three changes; had the question been asked through the
    // audited path, each deny would be a record with the reader as actor.
    expect(await allowedActions('koaReader', 'koa-main')).toEqual([]);
    const response = await platform.call('GET', '/api/v1/audit?limit=500', {
      token: 'token-admin',
    });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { actor: string }[] };
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((item) => item.actor === TOKENS.koaReader.subject)).toEqual([]);
  });
});
