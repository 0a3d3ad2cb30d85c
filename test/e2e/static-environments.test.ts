import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  STATIC,
  bucketPath,
  claimFiles,
  claimJson,
  installE2eHooks,
  makeTempDir,
  startServer,
  waitFor,
  writeAtomically,
  type EnvironmentPage,
  type EnvironmentView,
  type Problem,
  type RejectedList,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const REPO = 'https://git.example.com/platform/gitops-team1.git';
let server: ServerHandle;

const staticClaim = (name: string, fields: Record<string, unknown> = {}): string =>
  claimJson(name, {
    environment_type: 'staging',
    environment_pool: 'pool-s',
    user: 'gitops-pipeline',
    deployment_method: 'git',
    git_repository: REPO,
    branch: 'main',
    ...fields,
  });

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  // One static claim is there before the server starts (loaded by the initial sync).
  const dataDir = await makeTempDir();
  await writeAtomically(
    join(bucketPath(dataDir, STATIC), 'static-pre.json'),
    staticClaim('static-pre'),
  );
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server.stop();
});

describe('static environments managed in Git', () => {
  it('serves static claims found at start and written later', { timeout: 30_000 }, async () => {
    const pre = await server.request<EnvironmentView>('GET', '/api/v1/environments/static-pre');
    expect(pre.status).toBe(200);
    expect(pre.body).toMatchObject({
      environment_name: 'static-pre',
      environment_type: 'staging',
      deployment_method: 'git',
      git_repository: REPO,
      branch: 'main',
      user: 'gitops-pipeline',
      status: { bucket: 'static-environments', managed_by: 'git', expires_at: null },
    });

    const file = join(server.bucketDir(STATIC), 'static-one.json');
    await writeAtomically(file, staticClaim('static-one', { branch: 'release/1.x' }));
    const one = await waitFor('static-one to be served', async () => {
      const response = await server.request<EnvironmentView>(
        'GET',
        '/api/v1/environments/static-one',
      );
      return response.status === 200 ? response : undefined;
    });
    expect(one.body.status).toMatchObject({ bucket: 'static-environments', managed_by: 'git' });
    expect(one.body.branch).toBe('release/1.x');
    expect(one.headers.get('etag')).toBe(`"${one.body.status.etag}"`);

    const list = await server.request<EnvironmentPage>('GET', '/api/v1/environments');
    expect(list.body.items.map((item) => [item.environment_name, item.status.managed_by])).toEqual([
      ['static-one', 'git'],
      ['static-pre', 'git'],
    ]);
  });

  it(
    'refuses DELETE and PATCH with 409 pointing to the Git workflow',
    { timeout: 30_000 },
    async () => {
      const file = join(server.bucketDir(STATIC), 'static-one.json');
      const before = await readFile(file);

      const deleted = await server.request<Problem>('DELETE', '/api/v1/environments/static-one');
      expect(deleted.status).toBe(409);
      expect(deleted.headers.get('content-type')).toBe('application/problem+json');
      expect(deleted.body.status).toBe(409);
      expect(deleted.body.detail).toMatch(/Git/);
      expect(deleted.body.detail).toMatch(/pull request/);
      expect(deleted.body.detail).toContain(REPO);
      expect(deleted.body.detail).toContain('release/1.x');

      const patched = await server.request<Problem>('PATCH', '/api/v1/environments/static-one', {
        services: { api: 'v2.0.0' },
      });
      expect(patched.status).toBe(409);
      expect(patched.body.detail).toMatch(/Git/);
      expect(patched.body.detail).toMatch(/pull request/);

      // Even with the right If-Match, a static environment is not the API's to change.
      const current = await server.request<EnvironmentView>(
        'GET',
        '/api/v1/environments/static-one',
      );
      const pinned = await server.request<Problem>(
        'DELETE',
        '/api/v1/environments/static-one',
        undefined,
        { headers: { 'if-match': current.headers.get('etag') ?? '' } },
      );
      expect(pinned.status).toBe(409);

      expect(await exists(file)).toBe(true);
      expect(await readFile(file)).toEqual(before);
      const still = await server.request<EnvironmentView>('GET', '/api/v1/environments/static-one');
      expect(still.status).toBe(200);
      expect(still.body.services).toEqual({ api: 'v1.0.0' });
    },
  );

  it('refuses a dynamic create of a static name', { timeout: 30_000 }, async () => {
    const created = await server.request<Problem>('POST', '/api/v1/environments', {
      environment_name: 'static-one',
      environment_type: 'dev',
      environment_pool: 'pool-a',
    });
    expect(created.status).toBe(409);
    expect(created.headers.get('content-type')).toBe('application/problem+json');
    expect(created.body.detail).toContain('static');
    expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual([]);

    // A create cannot smuggle in a git deployment either.
    const gitCreate = await server.request<Problem>('POST', '/api/v1/environments', {
      environment_name: 'via-api',
      environment_type: 'staging',
      environment_pool: 'pool-a',
      deployment_method: 'git',
    });
    expect(gitCreate.status).toBe(400);
    expect(gitCreate.body.errors?.map((error) => error.path)).toContain('deployment_method');

    const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/static-one');
    expect(got.body.status.bucket).toBe('static-environments');
  });

  it('lets the static claim win when both buckets hold a name', { timeout: 30_000 }, async () => {
    await writeAtomically(
      join(server.bucketDir(DYNAMIC), 'static-pre.json'),
      claimJson('static-pre'),
    );
    const entry = await waitFor('the dynamic duplicate to be rejected', async () => {
      const response = await server.request<RejectedList>('GET', '/api/v1/rejected-claims');
      return response.body.items.find(
        (item) => item.bucket === DYNAMIC && item.key === 'static-pre.json',
      );
    });
    expect(entry.reasons[0]?.path).toBe('environment_name');
    const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/static-pre');
    expect(got.body.status.bucket).toBe('static-environments');
    expect(got.body.deployment_method).toBe('git');
  });

  it('rejects a static claim missing its git fields', { timeout: 30_000 }, async () => {
    await writeAtomically(
      join(server.bucketDir(STATIC), 'static-bad.json'),
      claimJson('static-bad', { environment_type: 'staging', deployment_method: 'git' }),
    );
    const entry = await waitFor('static-bad.json to be rejected', async () => {
      const response = await server.request<RejectedList>('GET', '/api/v1/rejected-claims');
      return response.body.items.find(
        (item) => item.bucket === STATIC && item.key === 'static-bad.json',
      );
    });
    expect(entry.reasons.map((reason) => reason.path).sort()).toEqual(['branch', 'git_repository']);
    const got = await server.request('GET', '/api/v1/environments/static-bad');
    expect(got.status).toBe(404);
  });
});
