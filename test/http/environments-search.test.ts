import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentPageSchema, problemSchema } from '../../src/api/schemas/environments.js';
import { BOB_TOKEN, createTestPlatform, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
  for (const [name, pool, services] of [
    ['checkout-dev', 'team1', { 'user-service': 'v1.2.3' }],
    ['sue-web', 'team2', { 'payments-api': 'v2.0.0' }],
    ['sue-other', 'team1', {}],
  ] as const) {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: {
        environment_name: name,
        environment_type: 'sue',
        environment_pool: pool,
        services,
      },
      ...(pool === 'team2' ? { token: BOB_TOKEN } : {}),
    });
    expect(response.status).toBe(201);
  }
});
afterEach(async () => {
  await platform.close();
});

async function search(query: string): Promise<{ names: string[]; cursor: string | null }> {
  const response = await platform.call('GET', `/api/v1/environments${query}`);
  expect(response.status, query).toBe(200);
  const page = environmentPageSchema.parse(await response.json());
  return { names: page.items.map((item) => item.environment_name), cursor: page.next_cursor };
}

describe('GET /api/v1/environments?q=', () => {
  it('finds environments by name, service name or user, case-insensitively', async () => {
    expect((await search('?q=CHECKOUT')).names).toEqual(['checkout-dev']);
    expect((await search('?q=payments')).names).toEqual(['sue-web']);
    expect((await search('?q=BOB%40example')).names).toEqual(['sue-web']);
    expect((await search('?q=alice')).names).toEqual(['checkout-dev', 'sue-other']);
    expect((await search('?q=nothing-like-this')).names).toEqual([]);
  });

  it('combines q with the other filters and pages through the matches', async () => {
    expect((await search('?q=sue&pool=team1')).names).toEqual(['sue-other']);
    const first = await search('?q=e&limit=2');
    expect(first.names).toEqual(['checkout-dev', 'sue-other']);
    expect(first.cursor).not.toBeNull();
    const second = await search(`?q=e&limit=2&cursor=${encodeURIComponent(first.cursor!)}`);
    expect(second).toEqual({ names: ['sue-web'], cursor: null });
  });

  it('refuses an empty q with 400', async () => {
    const response = await platform.call('GET', '/api/v1/environments?q=');
    expect(response.status).toBe(400);
    const problem = problemSchema.parse(await response.json());
    expect(problem.errors?.map((error) => error.path)).toEqual(['q']);
  });

  it('refuses a phase filter where no deployer runs, and shows no phase', async () => {
    const response = await platform.call('GET', '/api/v1/environments?phase=Rendered');
    expect(response.status).toBe(400);
    const problem = problemSchema.parse(await response.json());
    expect(problem.errors).toEqual([
      { path: 'phase', message: 'no deployer runs here, so environments have no phase' },
    ]);
    const page = environmentPageSchema.parse(
      await (await platform.call('GET', '/api/v1/environments')).json(),
    );
    expect(page.items.map((item) => item.status.phase ?? 'none')).toEqual(['none', 'none', 'none']);
  });
});
