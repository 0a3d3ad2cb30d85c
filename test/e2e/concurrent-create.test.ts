import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  installE2eHooks,
  startServer,
  type EnvironmentPage,
  type EnvironmentView,
  type Problem,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

let server: ServerHandle;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

describe('concurrent creates of one name', () => {
  it('lets exactly one of 50 parallel creates win', { timeout: 30_000 }, async () => {
    const attempts = Array.from({ length: 50 }, (_, index) =>
      server.request<EnvironmentView | Problem>('POST', '/api/v1/environments', {
        environment_name: 'race',
        environment_type: 'dev',
        environment_pool: 'pool-a',
        // Each attempt is distinguishable, so the stored file tells who won.
        services: { api: `v1.0.${index}` },
      }),
    );
    const responses = await Promise.all(attempts);
    const statuses = responses.map((response) => response.status);
    const winners = responses.filter((response) => response.status === 201);
    const losers = responses.filter((response) => response.status === 409);
    expect(winners.length, `statuses: ${statuses.join(',')}`).toBe(1);
    expect(losers.length, `statuses: ${statuses.join(',')}`).toBe(49);
    for (const loser of losers) {
      expect(loser.headers.get('content-type')).toBe('application/problem+json');
      expect((loser.body as Problem).detail).toBe("environment 'race' already exists");
    }

    // Exactly one object on disk, no leftover temp files, holding the winner's claim.
    const winner = winners[0]?.body as EnvironmentView;
    expect(await readdir(server.bucketDir(DYNAMIC))).toEqual(['race.json']);
    const stored = JSON.parse(
      await readFile(join(server.bucketDir(DYNAMIC), 'race.json'), 'utf8'),
    ) as { services: unknown };
    expect(stored.services).toEqual(winner.services);

    const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/race');
    expect(got.status).toBe(200);
    expect(got.body.services).toEqual(winner.services);
    expect(got.body.status.etag).toBe(winner.status.etag);

    const list = await server.request<EnvironmentPage>('GET', '/api/v1/environments');
    expect(list.body.items.map((item) => item.environment_name)).toEqual(['race']);
  });

  it(
    'serialises 20 parallel patches of one environment without losing any',
    {
      timeout: 30_000,
    },
    async () => {
      const created = await server.request('POST', '/api/v1/environments', {
        environment_name: 'patched',
        environment_type: 'dev',
        environment_pool: 'pool-a',
      });
      expect(created.status).toBe(201);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          server.request('PATCH', '/api/v1/environments/patched', {
            services: { [`svc-${index}`]: `v${index}` },
          }),
        ),
      );
      // Each patch either lands (200) or gives up after its retries (409); none is lost
      // silently: what is stored is exactly the services of the successful patches.
      const statuses = responses.map((response) => response.status);
      for (const status of statuses) expect([200, 409]).toContain(status);
      const expected = Object.fromEntries(
        statuses.flatMap((status, index) =>
          status === 200 ? [[`svc-${index}`, `v${index}`]] : [],
        ),
      );
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/patched');
      expect(got.body.services).toEqual(expected);
      const stored = JSON.parse(
        await readFile(join(server.bucketDir(DYNAMIC), 'patched.json'), 'utf8'),
      ) as { services: unknown };
      expect(stored.services).toEqual(expected);
    },
  );
});
