import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  STATIC,
  claimJson,
  installE2eHooks,
  startServer,
  waitFor,
  writeAtomically,
  type EnvironmentPage,
  type EnvironmentView,
  type RejectedList,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const HOUR = 3_600_000;
let server: ServerHandle;

beforeAll(async () => {
  server = await startServer({ reaperInterval: '500ms' });
});
afterAll(async () => {
  await server.stop();
});

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

async function listedNames(): Promise<string[]> {
  const response = await server.request<EnvironmentPage>('GET', '/api/v1/environments?limit=500');
  return response.body.items.map((item) => item.environment_name);
}

/** Waits until the API answers 404 for `name` and its file is gone. */
function waitReaped(name: string, timeoutMs = 10_000): Promise<true> {
  const file = join(server.bucketDir(DYNAMIC), `${name}.json`);
  return waitFor(
    `${name} to be reaped`,
    async () => {
      const response = await server.request('GET', `/api/v1/environments/${name}`);
      return response.status === 404 && !(await exists(file)) ? true : undefined;
    },
    timeoutMs,
    100,
  );
}

describe('expiry reaper', () => {
  it('deletes a sue environment once its expiration_date passes', { timeout: 30_000 }, async () => {
    // A control that must survive: sue, expiring in a day.
    const keep = await server.request('POST', '/api/v1/environments', {
      environment_name: 'sue-keep',
      environment_type: 'sue',
      environment_pool: 'pool-a',
    });
    expect(keep.status).toBe(201);

    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const created = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
      environment_name: 'sue-short',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      expiration_date: expiresAt,
    });
    expect(created.status, created.text).toBe(201);
    expect(Date.parse(created.body.expiration_date ?? '')).toBe(Date.parse(expiresAt));
    expect(Date.parse(created.body.status.expires_at ?? '')).toBe(Date.parse(expiresAt));
    expect(await listedNames()).toContain('sue-short');
    expect(await exists(join(server.bucketDir(DYNAMIC), 'sue-short.json'))).toBe(true);

    await waitReaped('sue-short');
    // Never before its time.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(await listedNames()).toEqual(['sue-keep']);
    // The log arrives through the child's stdout, a moment after the deletion itself.
    const reapedLine = await waitFor('the deletion to be logged', () =>
      Promise.resolve(
        server
          .logLines()
          .find(
            (line) =>
              line.msg === 'deleted expired environment' && line.environment === 'sue-short',
          ),
      ),
    );
    expect(reapedLine.user).toBe('alice@example.com');
    expect(await exists(join(server.bucketDir(DYNAMIC), 'sue-keep.json'))).toBe(true);
  });

  it(
    'reaps expired claim files written out of band, but never static ones',
    {
      timeout: 30_000,
    },
    async () => {
      const now = Date.now();
      // Static and expired: the reaper must leave it alone (Git owns it).
      await writeAtomically(
        join(server.bucketDir(STATIC), 'sue-static.json'),
        claimJson('sue-static', {
          environment_type: 'sue',
          deployment_method: 'git',
          git_repository: 'https://git.example.com/gitops.git',
          branch: 'main',
          creation_date: new Date(now - 2 * HOUR).toISOString(),
          expiration_date: new Date(now - HOUR).toISOString(),
        }),
      );
      await waitFor('sue-static to be served', async () => {
        const response = await server.request('GET', '/api/v1/environments/sue-static');
        return response.status === 200 ? true : undefined;
      });

      // Dynamic, expired a minute ago.
      await writeAtomically(
        join(server.bucketDir(DYNAMIC), 'sue-past.json'),
        claimJson('sue-past', {
          environment_type: 'sue',
          creation_date: new Date(now - HOUR).toISOString(),
          expiration_date: new Date(now - 60_000).toISOString(),
        }),
      );
      // Dynamic without a date, created 25 h ago: the sue default (24 h) has passed.
      await writeAtomically(
        join(server.bucketDir(DYNAMIC), 'sue-default.json'),
        claimJson('sue-default', {
          environment_type: 'sue',
          creation_date: new Date(now - 25 * HOUR).toISOString(),
        }),
      );
      // Dynamic dev without a date never expires.
      await writeAtomically(
        join(server.bucketDir(DYNAMIC), 'dev-forever.json'),
        claimJson('dev-forever', { creation_date: new Date(now - 400 * HOUR).toISOString() }),
      );

      await waitReaped('sue-past');
      await waitReaped('sue-default');
      await waitFor('dev-forever to be listed', async () =>
        (await listedNames()).includes('dev-forever') ? true : undefined,
      );
      // One more expired claim as a marker: once its deletion is logged, a run after the others
      // has seen the static and the dev claim too, and deleted neither of them.
      const deleted = (): unknown[] =>
        server
          .logLines()
          .filter((line) => line.msg === 'deleted expired environment')
          .map((line) => line.environment);
      await writeAtomically(
        join(server.bucketDir(DYNAMIC), 'sue-marker.json'),
        claimJson('sue-marker', {
          environment_type: 'sue',
          creation_date: new Date(now - 2 * HOUR).toISOString(),
          expiration_date: new Date(now - HOUR).toISOString(),
        }),
      );
      await waitReaped('sue-marker');
      // The log arrives through the child's stdout, a moment after the deletion itself.
      await waitFor('the marker deletion to be logged', () =>
        Promise.resolve(deleted().includes('sue-marker') ? true : undefined),
      );
      expect(deleted()).toEqual(expect.arrayContaining(['sue-past', 'sue-default', 'sue-marker']));
      expect(deleted()).not.toContain('sue-static');
      expect(deleted()).not.toContain('dev-forever');

      const names = await listedNames();
      expect(names).toContain('dev-forever');
      expect(names).toContain('sue-static');
      expect(names).not.toContain('sue-past');
      expect(names).not.toContain('sue-default');
      expect(await exists(join(server.bucketDir(STATIC), 'sue-static.json'))).toBe(true);
      expect(await exists(join(server.bucketDir(DYNAMIC), 'dev-forever.json'))).toBe(true);
      const staticView = await server.request<EnvironmentView>(
        'GET',
        '/api/v1/environments/sue-static',
      );
      expect(staticView.status).toBe(200);
      expect(Date.parse(staticView.body.status.expires_at ?? '')).toBeLessThan(Date.now());

      const rejected = await server.request<RejectedList>('GET', '/api/v1/rejected-claims');
      expect(rejected.body.items).toEqual([]);
    },
  );

  it('lets a sue environment be extended before it expires', { timeout: 30_000 }, async () => {
    const created = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
      environment_name: 'sue-extended',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      expiration_date: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const later = new Date(Date.parse(created.body.creation_date) + 48 * HOUR).toISOString();
    const extended = await server.request<EnvironmentView>(
      'PATCH',
      '/api/v1/environments/sue-extended',
      { expiration_date: later },
    );
    expect(extended.status, extended.text).toBe(200);
    expect(Date.parse(extended.body.expiration_date ?? '')).toBe(Date.parse(later));
    const tooLate = new Date(Date.parse(created.body.creation_date) + 8 * 24 * HOUR).toISOString();
    const refused = await server.request('PATCH', '/api/v1/environments/sue-extended', {
      expiration_date: tooLate,
    });
    expect(refused.status).toBe(400);
    const removeExpiry = await server.request('PATCH', '/api/v1/environments/sue-extended', {
      expiration_date: null,
    });
    expect(removeExpiry.status).toBe(400);
  });
});
