import { afterEach, describe, expect, it } from 'vitest';
import { environmentTypeListSchema } from '../../src/api/schemas/environments.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

// `version_constraints` of GET /api/v1/environment-types: the version policy the server
// checks claims with, published so a client (the console's create page) checks the same.
let platform: TestPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function constraintsByType(configYaml?: string): Promise<Record<string, string[]>> {
  platform = await createTestPlatform(configYaml === undefined ? {} : { configYaml });
  await platform.start();
  const response = await platform.call('GET', '/api/v1/environment-types');
  expect(response.status).toBe(200);
  const list = environmentTypeListSchema.parse(await response.json());
  return Object.fromEntries(list.items.map((type) => [type.name, [...type.version_constraints]]));
}

describe('GET /api/v1/environment-types: version_constraints', () => {
  it('publishes the built-in policy: prod pins tags, dev and sue take anything', async () => {
    expect(await constraintsByType()).toEqual({
      dev: ['anchored', 'caret', 'pattern', 'range', 'any'],
      staging: ['anchored', 'caret', 'pattern', 'range'],
      prod: ['anchored'],
      sue: ['anchored', 'caret', 'pattern', 'range', 'any'],
    });
  });

  it('publishes the configured policy, which is also the one claims are checked with', async () => {
    const published = await constraintsByType('versionPolicy:\n  prod: [anchored, range]\n');
    expect(published.prod).toEqual(['anchored', 'range']);
    expect(published.staging).toEqual(['anchored', 'caret', 'pattern', 'range']);
    // The server agrees with what it published: a range is now accepted for prod, a caret not.
    const create = (name: string, version: string) =>
      platform!.call('POST', '/api/v1/environments', {
        body: {
          environment_name: name,
          environment_type: 'prod',
          environment_pool: 'team1',
          services: { api: version },
        },
      });
    expect((await create('prod-range', '>=1.0.0, <2.0.0')).status).toBe(201);
    const refused = await create('prod-caret', '^1.0.0');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { path: string }[] }).errors).toEqual([
      expect.objectContaining({ path: 'services.api' }),
    ]);
  });
});
