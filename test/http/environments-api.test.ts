import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  environmentPageSchema,
  environmentViewSchema,
  problemSchema,
  rejectedClaimListSchema,
} from '../../src/api/schemas/environments.js';
import { BOB_TOKEN, createTestPlatform, type TestPlatform } from '../support/test-platform.js';

const sue = (name: string, extra: Record<string, unknown> = {}) => ({
  environment_name: name,
  environment_type: 'sue',
  environment_pool: 'team1',
  services: { 'user-service': 'v1.2.3' },
  ...extra,
});

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return problemSchema.parse(await response.json());
}

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

describe('POST /api/v1/environments', () => {
  it('creates a sue environment owned by the caller, expiring 24 h after creation', async () => {
    const response = await platform.call('POST', '/api/v1/environments', { body: sue('sue-poc') });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v1/environments/sue-poc');
    const view = environmentViewSchema.parse(await response.json());
    expect(view).toMatchObject({
      environment_name: 'sue-poc',
      user: 'alice@example.com',
      creation_date: '2026-01-15T10:30:00Z',
      expiration_date: '2026-01-16T10:30:00Z',
      deployment_method: 'dynamic',
      status: { bucket: 'environments', managed_by: 'api', expires_at: '2026-01-16T10:30:00Z' },
    });
    expect(response.headers.get('etag')).toBe(`"${view.status.etag}"`);
    const stored = JSON.parse(
      await readFile(join(platform.bucketsDir, 'environments', 'sue-poc.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(stored.user).toBe('alice@example.com');
    expect(stored).not.toHaveProperty('status');
  });

  it('keeps the Artifactory object form of services', async () => {
    const services = {
      'user-service': {
        version: 'v1.2.3',
        docker_image: 'artifactory/docker-releases/user-service:v1.2.3',
        ansible_artifact: 'artifactory/oci-releases/user-service-ansible:v1.2.3',
      },
    };
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-art', { services }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ services });
  });

  it('refuses user and creation_date from the body, naming each field', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-x', { user: 'mallory@example.com', creation_date: '2020-01-01T00:00:00Z' }),
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['creation_date', 'user']);
  });

  it('explains invalid names field by field', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('../etc', { services: { 'Bad Name': 'v1', ok: 'has\ttab' } }),
    });
    const problem = await problemOf(response);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'environment_name', message: "must not contain '/' or '\\'" },
        { path: 'services.Bad Name', message: 'invalid name: must not contain spaces' },
        {
          path: 'services.ok',
          message:
            'version must not contain control characters, tabs, line breaks or leading, trailing or double spaces',
        },
      ]),
    );
  });

  it('lists the known types for an unknown one', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('qa-1', { environment_type: 'qa' }),
    });
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      {
        path: 'environment_type',
        message: "unknown environment type 'qa'; known types: dev, prod, staging, sue",
      },
    ]);
  });

  it('refuses an expiry on prod and staging, and beyond 7 days on sue', async () => {
    for (const type of ['prod', 'staging']) {
      const response = await platform.call('POST', '/api/v1/environments', {
        body: sue(`${type}-main`, {
          environment_type: type,
          expiration_date: '2026-01-16T00:00:00Z',
        }),
      });
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.[0]?.path).toBe('expiration_date');
    }
    const tooLate = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-long', { expiration_date: '2026-01-22T10:30:01Z' }),
    });
    expect(tooLate.status).toBe(400);
    const inTime = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-week', { expiration_date: '2026-01-22T10:30:00Z' }),
    });
    expect(inTime.status).toBe(201);
  });

  it('lets prod and staging live forever and dev carry an optional expiry', async () => {
    const prod = await platform.call('POST', '/api/v1/environments', {
      body: sue('prod-main', { environment_type: 'prod' }),
    });
    expect(environmentViewSchema.parse(await prod.json()).status.expires_at).toBeNull();
    const dev = await platform.call('POST', '/api/v1/environments', {
      body: sue('dev-a', { environment_type: 'dev', expiration_date: '2026-02-01T00:00:00Z' }),
    });
    expect(environmentViewSchema.parse(await dev.json()).expiration_date).toBe(
      '2026-02-01T00:00:00Z',
    );
  });

  it('answers 409 for a taken name, in either bucket', async () => {
    expect(
      (await platform.call('POST', '/api/v1/environments', { body: sue('sue-a') })).status,
    ).toBe(201);
    const again = await platform.call('POST', '/api/v1/environments', { body: sue('sue-a') });
    expect(again.status).toBe(409);
    expect((await problemOf(again)).detail).toBe("environment 'sue-a' already exists");

    await writeStatic('prod-main');
    const clash = await platform.call('POST', '/api/v1/environments', { body: sue('prod-main') });
    expect(clash.status).toBe(409);
    expect((await problemOf(clash)).detail).toContain('static environment');
  });

  it('refuses git deployment through the API', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-git', { deployment_method: 'git' }),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.[0]?.path).toBe('deployment_method');
  });
});

describe('request handling', () => {
  it('requires a valid bearer token on every /api/ route', async () => {
    for (const token of [null, 'wrong-token']) {
      const response = await platform.call('GET', '/api/v1/environments', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="platform"');
      expect((await problemOf(response)).detail).toBe('A valid bearer token is required');
    }
    const unknownRoute = await platform.call('GET', '/api/v1/nothing', { token: null });
    expect(unknownRoute.status).toBe(401);
  });

  it('answers malformed JSON with 400, a wrong media type with 415, a huge body with 413', async () => {
    const malformed = await platform.call('POST', '/api/v1/environments', {
      raw: '{"environment_name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).detail).toMatch(/^Malformed JSON/);

    const text = await platform.call('POST', '/api/v1/environments', {
      raw: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);

    const huge = await platform.call('POST', '/api/v1/environments', {
      raw: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect((await problemOf(huge)).title).toBe('Content Too Large');
  });

  it('answers 405 with Allow for an unsupported method and 404 for unknown paths', async () => {
    const put = await platform.call('PUT', '/api/v1/environments/sue-a', { body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, PATCH, DELETE');
    const missing = await platform.call('GET', '/nowhere', { token: null });
    expect(missing.status).toBe(404);
    await problemOf(missing);
  });

  it('is not ready, and refuses /api/ with 503, until the index is loaded', async () => {
    const cold = await createTestPlatform();
    try {
      expect((await cold.call('GET', '/readyz')).status).toBe(503);
      const api = await cold.call('GET', '/api/v1/environments');
      expect(api.status).toBe(503);
      expect(api.headers.get('retry-after')).toBe('1');
      expect((await cold.call('GET', '/healthz')).status).toBe(200);
      await cold.start();
      expect((await cold.call('GET', '/readyz')).status).toBe(200);
    } finally {
      await cold.close();
    }
  });
});

describe('GET /api/v1/environments', () => {
  beforeEach(async () => {
    for (const [name, type, pool] of [
      ['dev-b', 'dev', 'team1'],
      ['sue-a', 'sue', 'team1'],
      ['sue-c', 'sue', 'team2'],
      ['dev-d', 'dev', 'team2'],
      ['sue-e', 'sue', 'team1'],
    ] as const) {
      const token = pool === 'team2' ? BOB_TOKEN : undefined;
      const response = await platform.call('POST', '/api/v1/environments', {
        body: sue(name, { environment_type: type, environment_pool: pool }),
        ...(token ? { token } : {}),
      });
      expect(response.status).toBe(201);
    }
  });

  async function page(query: string) {
    const response = await platform.call('GET', `/api/v1/environments${query}`);
    expect(response.status).toBe(200);
    return environmentPageSchema.parse(await response.json());
  }

  it('filters by type, pool and user', async () => {
    expect((await page('?type=sue')).items.map((item) => item.environment_name)).toEqual([
      'sue-a',
      'sue-c',
      'sue-e',
    ]);
    expect((await page('?pool=team2')).items.map((item) => item.environment_name)).toEqual([
      'dev-d',
      'sue-c',
    ]);
    expect(
      (await page('?user=alice%40example.com&type=sue')).items.map((i) => i.environment_name),
    ).toEqual(['sue-a', 'sue-e']);
  });

  it('pages with limit and cursor, each environment exactly once, in name order', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const result = await page(query);
      expect(result.items.length).toBeLessThanOrEqual(2);
      seen.push(...result.items.map((item) => item.environment_name));
      if (result.next_cursor === null) break;
      query = `?limit=2&cursor=${encodeURIComponent(result.next_cursor)}`;
    }
    expect(seen).toEqual(['dev-b', 'dev-d', 'sue-a', 'sue-c', 'sue-e']);
  });

  it('refuses a bad limit or cursor with 400', async () => {
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?limit=two',
      '?cursor=garbage',
      '?colour=red',
    ]) {
      const response = await platform.call('GET', `/api/v1/environments${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});

describe('PATCH and DELETE /api/v1/environments/{name}', () => {
  beforeEach(async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-a', { services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0' } }),
    });
    expect(response.status).toBe(201);
  });

  it('merges services: null removes, others add or replace', async () => {
    const response = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { services: { 'auth-service': null, 'user-service': 'v1.3.0', gateway: 'v1.0.5' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(200);
    expect(environmentViewSchema.parse(await response.json()).services).toEqual({
      'user-service': 'v1.3.0',
      gateway: 'v1.0.5',
    });
  });

  it('extends within the maximum lifetime and refuses beyond it', async () => {
    const within = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { expiration_date: '2026-01-20T00:00:00Z' },
    });
    expect(within.status).toBe(200);
    expect(environmentViewSchema.parse(await within.json()).status.expires_at).toBe(
      '2026-01-20T00:00:00Z',
    );
    const beyond = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { expiration_date: '2026-01-23T00:00:00Z' },
    });
    expect(beyond.status).toBe(400);
    const cleared = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { expiration_date: null },
    });
    expect(cleared.status).toBe(400);
  });

  it('refuses fields other than services and expiration_date', async () => {
    const response = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { environment_type: 'prod' },
    });
    const problem = await problemOf(response);
    expect(problem.errors).toContainEqual({
      path: 'environment_type',
      message: 'cannot be changed: only services and expiration_date can be patched',
    });
  });

  it('honours If-Match on PATCH and DELETE', async () => {
    const current = environmentViewSchema.parse(
      await (await platform.call('GET', '/api/v1/environments/sue-a')).json(),
    );
    const stale = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { services: { x: 'v1' } },
      headers: { 'if-match': '"not-the-etag"' },
    });
    expect(stale.status).toBe(412);
    const fresh = await platform.call('PATCH', '/api/v1/environments/sue-a', {
      body: { services: { x: 'v1' } },
      headers: { 'if-match': `"${current.status.etag}"` },
    });
    expect(fresh.status).toBe(200);
    const staleDelete = await platform.call('DELETE', '/api/v1/environments/sue-a', {
      headers: { 'if-match': `"${current.status.etag}"` },
    });
    expect(staleDelete.status).toBe(412);
  });

  it('deletes, then answers 404', async () => {
    expect((await platform.call('DELETE', '/api/v1/environments/sue-a')).status).toBe(204);
    expect((await platform.call('GET', '/api/v1/environments/sue-a')).status).toBe(404);
    expect((await platform.call('DELETE', '/api/v1/environments/sue-a')).status).toBe(404);
    expect(
      (await platform.call('PATCH', '/api/v1/environments/sue-a', { body: { services: {} } }))
        .status,
    ).toBe(404);
  });

  it('refuses to change or delete a static environment, pointing to Git', async () => {
    await writeStatic('prod-main');
    expect((await platform.call('GET', '/api/v1/environments/prod-main')).status).toBe(200);
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PATCH', { services: { a: 'v1' } }],
    ] as const) {
      const response = await platform.call(
        method,
        '/api/v1/environments/prod-main',
        body ? { body } : {},
      );
      expect(response.status).toBe(409);
      expect((await problemOf(response)).detail).toContain('pull request');
    }
    await expect(
      readFile(join(platform.bucketsDir, 'static-environments', 'prod-main.json'), 'utf8'),
    ).resolves.toContain('prod-main');
  });

  it('answers 400 for a name that is not a DNS label', async () => {
    const response = await platform.call('DELETE', '/api/v1/environments/Not_A_Label');
    expect((await problemOf(response)).errors).toEqual([
      { path: 'name', message: 'must be lower case' },
    ]);
  });
});

describe('platform views', () => {
  it('lists the type catalogue', async () => {
    const response = await platform.call('GET', '/api/v1/environment-types');
    const body = (await response.json()) as { items: { name: string; waf: boolean }[] };
    expect(body.items.map((type) => [type.name, type.waf])).toEqual([
      ['dev', false],
      ['staging', true],
      ['prod', true],
      ['sue', false],
    ]);
  });

  it('lists rejected documents with their reasons', async () => {
    await writeFile(join(platform.bucketsDir, 'environments', 'broken.json'), '{nope');
    await platform.sync.reconcileKey('environments', 'broken.json');
    const response = await platform.call('GET', '/api/v1/rejected-claims');
    const list = rejectedClaimListSchema.parse(await response.json());
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ bucket: 'environments', key: 'broken.json' });
    expect(list.items[0]?.reasons[0]?.message).toMatch(/^not valid JSON/);
  });
});

async function writeStatic(name: string): Promise<void> {
  const directory = join(platform.bucketsDir, 'static-environments');
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, `${name}.json`),
    JSON.stringify({
      environment_name: name,
      environment_type: 'prod',
      environment_pool: 'team1',
      user: 'gitlab-ci',
      creation_date: '2026-01-01T00:00:00Z',
      deployment_method: 'git',
      git_repository: 'https://github.com/company/prod-environments',
      branch: 'main',
      services: { 'user-service': 'v1.2.3' },
    }),
  );
  await platform.sync.reconcileName(name);
}
