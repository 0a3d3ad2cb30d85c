import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKENS,
  DYNAMIC,
  claimFiles,
  installE2eHooks,
  startServer,
  type EnvironmentPage,
  type EnvironmentView,
  type Problem,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const HOUR = 3_600_000;
let server: ServerHandle;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('environment lifecycle over HTTP', () => {
  it('creates, reads, patches and deletes a sue environment', { timeout: 30_000 }, async () => {
    const file = join(server.bucketDir(DYNAMIC), 'life-sue.json');
    const before = Date.now();
    const created = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
      environment_name: 'life-sue',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      services: { api: 'v1.2.3', web: { version: 'v2.0.0', docker_image: 'reg/web:v2' } },
    });
    const after = Date.now();

    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.headers.get('location')).toBe('/api/v1/environments/life-sue');
    const view = created.body;
    expect(created.headers.get('etag')).toBe(`"${view.status.etag}"`);
    expect(view.status.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(view).toMatchObject({
      environment_name: 'life-sue',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      user: 'alice@example.com',
      deployment_method: 'dynamic',
      services: { api: 'v1.2.3', web: { version: 'v2.0.0', docker_image: 'reg/web:v2' } },
      status: { bucket: 'environments', managed_by: 'api' },
    });
    // creation_date comes from the server's clock, not from the client.
    const created_at = Date.parse(view.creation_date);
    expect(created_at).toBeGreaterThanOrEqual(before - 1000);
    expect(created_at).toBeLessThanOrEqual(after + 1000);
    // sue: the default expiry is creation + 24 h.
    expect(typeof view.expiration_date).toBe('string');
    expect(Date.parse(view.expiration_date ?? '') - created_at).toBe(24 * HOUR);
    expect(Date.parse(view.status.expires_at ?? '')).toBe(created_at + 24 * HOUR);

    // The claim is a file in the environments bucket, holding the claim without `status`.
    expect(await exists(file)).toBe(true);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const { status: _status, ...claim } = view;
    expect(onDisk).toEqual(claim);

    const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/life-sue');
    expect(got.status).toBe(200);
    // A single read adds what the caller may do (the creator: everything); a create does not.
    expect(got.body).toEqual({
      ...view,
      status: {
        ...view.status,
        allowed_actions: ['environment:update', 'environment:extend', 'environment:delete'],
      },
    });
    expect(got.headers.get('etag')).toBe(created.headers.get('etag'));

    // Merge patch: null removes a service, others are added or replaced.
    const patched = await server.request<EnvironmentView>(
      'PATCH',
      '/api/v1/environments/life-sue',
      { services: { api: null, db: 'v9.0.0', web: 'v3.0.0' } },
      {
        contentType: 'application/merge-patch+json',
        headers: { 'if-match': created.headers.get('etag') ?? '' },
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.services).toEqual({ db: 'v9.0.0', web: 'v3.0.0' });
    expect(patched.body.creation_date).toBe(view.creation_date);
    expect(patched.body.expiration_date).toBe(view.expiration_date);
    expect(patched.body.user).toBe('alice@example.com');
    expect(patched.body.status.etag).not.toBe(view.status.etag);
    expect(patched.headers.get('etag')).toBe(`"${patched.body.status.etag}"`);
    const patchedOnDisk = JSON.parse(await readFile(file, 'utf8')) as { services: unknown };
    expect(patchedOnDisk.services).toEqual({ db: 'v9.0.0', web: 'v3.0.0' });

    // A stale If-Match (the etag before the patch) is refused and changes nothing.
    const stale = await server.request<Problem>(
      'PATCH',
      '/api/v1/environments/life-sue',
      { services: { other: 'v1' } },
      { headers: { 'if-match': created.headers.get('etag') ?? '' } },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(stale.body.status).toBe(412);
    const unchanged = await server.request<EnvironmentView>('GET', '/api/v1/environments/life-sue');
    expect(unchanged.body.services).toEqual({ db: 'v9.0.0', web: 'v3.0.0' });
    expect(unchanged.body.status.etag).toBe(patched.body.status.etag);

    // A patch may not change anything but services and expiration_date.
    const forbidden = await server.request<Problem>('PATCH', '/api/v1/environments/life-sue', {
      user: 'mallory@example.com',
    });
    expect(forbidden.status).toBe(400);

    // Stale If-Match on DELETE is refused as well; the file stays.
    const staleDelete = await server.request('DELETE', '/api/v1/environments/life-sue', undefined, {
      headers: { 'if-match': `"${view.status.etag}"` },
    });
    expect(staleDelete.status).toBe(412);
    expect(await exists(file)).toBe(true);

    const deleted = await server.request('DELETE', '/api/v1/environments/life-sue');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(await exists(file)).toBe(false);

    const gone = await server.request<Problem>('GET', '/api/v1/environments/life-sue');
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
    expect(gone.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect(gone.body.detail).toContain('life-sue');

    const again = await server.request('DELETE', '/api/v1/environments/life-sue');
    expect(again.status).toBe(404);
  });

  it('lists with filters and pages through with a cursor', { timeout: 30_000 }, async () => {
    const bob = DEFAULT_TOKENS[1]?.token ?? '';
    const specs = [
      { name: 'list-e', type: 'dev', pool: 'pool-b', token: bob },
      { name: 'list-a', type: 'sue', pool: 'pool-a', token: server.token },
      { name: 'list-d', type: 'staging', pool: 'pool-a', token: bob },
      { name: 'list-b', type: 'dev', pool: 'pool-a', token: server.token },
      { name: 'list-c', type: 'sue', pool: 'pool-b', token: server.token },
    ];
    for (const spec of specs) {
      const response = await server.request(
        'POST',
        '/api/v1/environments',
        { environment_name: spec.name, environment_type: spec.type, environment_pool: spec.pool },
        { token: spec.token },
      );
      expect(response.status, response.text).toBe(201);
    }
    expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual([
      'list-a.json',
      'list-b.json',
      'list-c.json',
      'list-d.json',
      'list-e.json',
    ]);

    const names = async (query: string): Promise<string[]> => {
      const response = await server.request<EnvironmentPage>('GET', `/api/v1/environments${query}`);
      expect(response.status, response.text).toBe(200);
      expect(response.body.next_cursor).toBeNull();
      return response.body.items.map((item) => item.environment_name);
    };
    expect(await names('')).toEqual(['list-a', 'list-b', 'list-c', 'list-d', 'list-e']);
    expect(await names('?type=sue')).toEqual(['list-a', 'list-c']);
    expect(await names('?type=dev')).toEqual(['list-b', 'list-e']);
    expect(await names('?pool=pool-a')).toEqual(['list-a', 'list-b', 'list-d']);
    expect(await names('?user=bob%40example.com')).toEqual(['list-d', 'list-e']);
    expect(await names('?user=alice%40example.com&type=sue&pool=pool-b')).toEqual(['list-c']);
    expect(await names('?type=prod')).toEqual([]);

    const bobView = await server.request<EnvironmentView>('GET', '/api/v1/environments/list-d');
    expect(bobView.body.user).toBe('bob@example.com');
    expect(bobView.body.expiration_date).toBeNull();

    // Cursor pagination, two at a time: every name exactly once, in order.
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string =
        cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const page: { status: number; body: EnvironmentPage } = await server.request<EnvironmentPage>(
        'GET',
        `/api/v1/environments${query}`,
      );
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((item) => item.environment_name));
      cursor = page.body.next_cursor;
      expect(pages.length).toBeLessThanOrEqual(5);
    } while (cursor !== null);
    expect(pages).toEqual([['list-a', 'list-b'], ['list-c', 'list-d'], ['list-e']]);

    // Pagination combined with a filter.
    const first = await server.request<EnvironmentPage>(
      'GET',
      '/api/v1/environments?pool=pool-a&limit=2',
    );
    expect(first.body.items.map((item) => item.environment_name)).toEqual(['list-a', 'list-b']);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await server.request<EnvironmentPage>(
      'GET',
      `/api/v1/environments?pool=pool-a&limit=2&cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`,
    );
    expect(second.body.items.map((item) => item.environment_name)).toEqual(['list-d']);
    expect(second.body.next_cursor).toBeNull();

    // Bad queries are 400 problems.
    const badLimit = await server.request<Problem>('GET', '/api/v1/environments?limit=0');
    expect(badLimit.status).toBe(400);
    const badCursor = await server.request<Problem>('GET', '/api/v1/environments?cursor=garbage');
    expect(badCursor.status).toBe(400);
    const unknownParam = await server.request<Problem>('GET', '/api/v1/environments?color=red');
    expect(unknownParam.status).toBe(400);
  });

  it(
    'refuses invalid creates with field errors and writes nothing',
    { timeout: 30_000 },
    async () => {
      const before = await claimFiles(server.bucketDir(DYNAMIC));
      const cases: { body: Record<string, unknown>; path: string }[] = [
        {
          body: { environment_name: 'Bad_Name', environment_type: 'dev', environment_pool: 'p' },
          path: 'environment_name',
        },
        {
          body: { environment_name: 'qa-one', environment_type: 'qa', environment_pool: 'p' },
          path: 'environment_type',
        },
        {
          body: {
            environment_name: 'with-user',
            environment_type: 'dev',
            environment_pool: 'p',
            user: 'someone@example.com',
          },
          path: 'user',
        },
        {
          body: {
            environment_name: 'prod-exp',
            environment_type: 'prod',
            environment_pool: 'p',
            expiration_date: new Date(Date.now() + HOUR).toISOString(),
          },
          path: 'expiration_date',
        },
        {
          body: {
            environment_name: 'sue-too-long',
            environment_type: 'sue',
            environment_pool: 'p',
            expiration_date: new Date(Date.now() + 8 * 24 * HOUR).toISOString(),
          },
          path: 'expiration_date',
        },
      ];
      for (const { body, path } of cases) {
        const response = await server.request<Problem>('POST', '/api/v1/environments', body);
        expect(response.status, response.text).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.body.errors?.map((error) => error.path)).toContain(path);
      }
      expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual(before);
    },
  );
});
