import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  environmentPageSchema,
  environmentTypeListSchema,
  environmentViewSchema,
} from '../../src/api/schemas/environments.js';
import {
  createTestPlatform,
  manualClock,
  type ManualClock,
  type TestPlatform,
} from '../support/test-platform.js';

const HOUR = 3_600_000;
let platform: TestPlatform;
let clock: ManualClock;

beforeEach(async () => {
  clock = manualClock(new Date('2026-01-15T10:30:00Z'));
  platform = await createTestPlatform({ clock });
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

const create = (body: Record<string, unknown>) =>
  platform.call('POST', '/api/v1/environments', {
    body: { environment_pool: 'team1', services: { 'user-service': 'v1.2.3' }, ...body },
  });
async function statusOf(name: string) {
  const response = await platform.call('GET', `/api/v1/environments/${name}`);
  expect(response.status).toBe(200);
  return environmentViewSchema.parse(await response.json()).status;
}

describe('status.expires_in and status.expiring', () => {
  it('count down with the clock on repeated reads of the same version (no stale cache)', async () => {
    expect((await create({ environment_name: 'sue-a', environment_type: 'sue' })).status).toBe(201);
    // sue: 24 h by default, warned 2 h before.
    expect(await statusOf('sue-a')).toMatchObject({
      expires_at: '2026-01-16T10:30:00Z',
      expires_in: 24 * 3600,
      expiring: false,
    });
    clock.advance(HOUR);
    expect(await statusOf('sue-a')).toMatchObject({ expires_in: 23 * 3600, expiring: false });
    clock.advance(21 * HOUR);
    expect(await statusOf('sue-a')).toMatchObject({ expires_in: 2 * 3600, expiring: true });
    clock.advance(2 * HOUR + 90_000);
    // Expired, not yet reaped: 0, still expiring.
    expect(await statusOf('sue-a')).toMatchObject({ expires_in: 0, expiring: true });
  });

  it('are null and false for an environment that does not expire, in reads and lists', async () => {
    expect((await create({ environment_name: 'prod-a', environment_type: 'prod' })).status).toBe(
      201,
    );
    expect(await statusOf('prod-a')).toMatchObject({
      expires_at: null,
      expires_in: null,
      expiring: false,
    });
    await create({ environment_name: 'sue-b', environment_type: 'sue' });
    clock.advance(23 * HOUR);
    const page = environmentPageSchema.parse(
      await (await platform.call('GET', '/api/v1/environments')).json(),
    );
    const byName = Object.fromEntries(
      page.items.map((item) => [item.environment_name, item.status]),
    );
    expect(byName['prod-a']).toMatchObject({ expires_in: null, expiring: false });
    expect(byName['sue-b']).toMatchObject({ expires_in: 3600, expiring: true });
  });

  it('the create answer carries them too', async () => {
    const response = await create({ environment_name: 'sue-c', environment_type: 'sue' });
    const view = environmentViewSchema.parse(await response.json());
    expect(view.status).toMatchObject({ expires_in: 86_400, expiring: false });
  });

  it("GET /api/v1/environment-types shows each type's warnBefore", async () => {
    const response = await platform.call('GET', '/api/v1/environment-types');
    const types = environmentTypeListSchema.parse(await response.json());
    const sue = types.items.find((type) => type.name === 'sue');
    expect(sue?.expiry).toEqual({ default: '24h', maximum: '7d', warnBefore: '2h' });
    expect(types.items.find((type) => type.name === 'prod')?.expiry).toBeNull();
  });
});
