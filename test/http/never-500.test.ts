import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
  await platform.start();
  const seeded = await platform.call('POST', '/api/v1/environments', {
    body: { environment_name: 'sue-a', environment_type: 'sue', environment_pool: 'team1' },
  });
  expect(seeded.status).toBe(201);
});
afterAll(async () => {
  await platform.close();
});

// Bodies shaped like claims but with arbitrary values, plus arbitrary JSON and raw text.
const claimLike = fc.record(
  {
    environment_name: fc.oneof(fc.string(), fc.constantFrom('sue-b', '../x', 'A', '')),
    environment_type: fc.oneof(fc.string(), fc.constantFrom('sue', 'dev', 'prod', 'staging')),
    environment_pool: fc.oneof(fc.string(), fc.constant('team1')),
    services: fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())),
    ),
    expiration_date: fc.oneof(
      fc.string(),
      fc.constant(null),
      fc.date().map((d) => (isNaN(d.getTime()) ? 'x' : d.toISOString())),
    ),
    deployment_method: fc.oneof(fc.string(), fc.constant('git')),
    user: fc.string(),
  },
  { requiredKeys: [] },
);

describe('client mistakes never produce a 5xx', () => {
  it('POST and PATCH with arbitrary bodies answer 2xx or 4xx problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(claimLike, fc.jsonValue()),
        fc.constantFrom('POST /api/v1/environments', 'PATCH /api/v1/environments/sue-a'),
        async (body, route) => {
          const [method, path] = route.split(' ') as [string, string];
          const response = await platform.call(method, path, { body });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toBe('application/problem+json');
          }
          if (response.status === 201) {
            const created = (await response.json()) as { environment_name: string };
            await platform.call('DELETE', `/api/v1/environments/${created.environment_name}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary names and queries answer 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (name, query) => {
        for (const method of ['GET', 'DELETE']) {
          const response = await platform.call(
            method,
            `/api/v1/environments/${encodeURIComponent(name || 'x')}?${encodeURIComponent(query)}`,
          );
          expect(response.status).toBeLessThan(500);
        }
        const list = await platform.call(
          'GET',
          `/api/v1/environments?limit=${encodeURIComponent(query)}&cursor=${encodeURIComponent(name)}`,
        );
        expect(list.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
