import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/api/api-routes.js';
import { whoAmISchema } from '../../src/api/schemas/session.js';
import { honoPath } from '../../src/http/mount-routes.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform({
    tokens: { 'carol-token': { subject: 'carol@example.com', groups: ['strangers'] } },
  });
  await platform.start();
});
afterAll(async () => {
  await platform.close();
});

/** A concrete path for a definition's template: every `{param}` filled in. */
const concrete = (path: string): string => path.replace(/\{(\w+)\}/g, '0123456789abcdef');

describe('the route definitions', () => {
  it('are keyed by their operation id, each id and method+path once', () => {
    const seen = new Set<string>();
    for (const [key, route] of Object.entries(API_ROUTES)) {
      expect(route.operationId).toBe(key);
      const where = `${route.method} ${route.path}`;
      expect(seen.has(where), where).toBe(false);
      seen.add(where);
    }
    expect(seen.size).toBeGreaterThan(20);
  });

  it('are each mounted on the app at their method and path', () => {
    const mounted = new Set(
      platform.app.routes
        .filter((route) => route.method !== 'ALL')
        .map((route) => `${route.method} ${route.path}`),
    );
    for (const route of Object.values(API_ROUTES)) {
      expect(mounted, route.operationId).toContain(
        `${route.method.toUpperCase()} ${honoPath(route.path)}`,
      );
    }
  });

  it('say truly which routes need a token: bearer ones answer 401 without one, public ones do not', async () => {
    for (const route of Object.values(API_ROUTES)) {
      const response = await platform.call(route.method.toUpperCase(), concrete(route.path), {
        token: null,
        ...('body' in route ? { body: {} } : {}),
      });
      await response.body?.cancel();
      if (route.auth === 'public') expect(response.status, route.operationId).toBeLessThan(400);
      // Without PLATFORM_BUCKET_EVENTS_TOKEN the storage route is not there at all (404).
      else if (route.auth === 'bucket-events') expect([401, 404]).toContain(response.status);
      else expect(response.status, route.operationId).toBe(401);
    }
  });
});

describe('GET /api/v1/me', () => {
  it('tells a platform admin who they are and that they may read the audit', async () => {
    const response = await platform.call('GET', '/api/v1/me');
    expect(response.status).toBe(200);
    const me = whoAmISchema.parse(await response.json());
    expect(me).toMatchObject({ subject: 'alice@example.com', kind: 'user', groups: ['team1'] });
    expect(me.platform_actions).toContain('audit:read');
    expect(me.platform_actions).toContain('service-tokens:manage');
    expect(me.create_any_pool).toContain('sue');
  });

  it('tells a caller without rights that they may do nothing on the platform', async () => {
    const response = await platform.call('GET', '/api/v1/me', { token: 'carol-token' });
    expect(response.status).toBe(200);
    const me = whoAmISchema.parse(await response.json());
    expect(me.subject).toBe('carol@example.com');
    expect(me.platform_actions).not.toContain('audit:read');
    expect(me.create).toEqual([]);
    expect(me.create_any_pool).toEqual([]);
  });
});
