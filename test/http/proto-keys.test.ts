import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problemSchema, rejectedClaimListSchema } from '../../src/api/schemas/environments.js';
import { createTestPlatform, sueRequest, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

/** A body as a client writes it: `JSON.stringify` would drop a `__proto__` key itself. */
const withProtoService = (name: string) =>
  JSON.stringify(sueRequest(name)).replace('"services":{', '"services":{"__proto__":"v1.0.0",');

describe('a service named __proto__ is refused, never dropped', () => {
  it('answers 400 naming the field on create and on patch, and stores nothing', async () => {
    const created = await platform.call('POST', '/api/v1/environments', {
      raw: withProtoService('sue-proto'),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(400);
    const problem = problemSchema.parse(await created.json());
    expect(problem.errors).toEqual([
      { path: 'services.__proto__', message: "'__proto__' is not allowed as a field name" },
    ]);
    expect((await platform.call('GET', '/api/v1/environments/sue-proto')).status).toBe(404);

    expect(
      (await platform.call('POST', '/api/v1/environments', { body: sueRequest('sue-kept') }))
        .status,
    ).toBe(201);
    const patched = await platform.call('PATCH', '/api/v1/environments/sue-kept', {
      raw: '{"services": {"__proto__": null}}',
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(400);
  });

  it('keeps constructor and prototype, which are valid service names', async () => {
    const body = { ...sueRequest('sue-names'), services: { constructor: 'v1', prototype: 'v2' } };
    const created = await platform.call('POST', '/api/v1/environments', { body });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { services: unknown }).services).toEqual({
      constructor: 'v1',
      prototype: 'v2',
    });
  });

  it('lists a claim file with such a service as rejected, with the reason', async () => {
    const key = 'sue-file.json';
    const document = JSON.stringify({
      ...sueRequest('sue-file'),
      user: 'alice@example.com',
      creation_date: '2026-01-15T10:00:00Z',
    }).replace('"services":{', '"services":{"__proto__":"v1.0.0",');
    await writeFile(join(platform.bucketsDir, 'environments', key), document);
    await platform.sync.reconcileKey('environments', key);
    expect((await platform.call('GET', '/api/v1/environments/sue-file')).status).toBe(404);
    const response = await platform.call('GET', '/api/v1/rejected-claims');
    const items = rejectedClaimListSchema.parse(await response.json()).items;
    expect(items.find((item) => item.key === key)?.reasons).toEqual([
      { path: 'services.__proto__', message: "'__proto__' is not allowed as a field name" },
    ]);
  });
});
