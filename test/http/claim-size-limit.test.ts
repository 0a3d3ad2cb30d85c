import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CLAIM_BYTES } from '../../src/app/claim-sync.js';
import { environmentViewSchema, problemSchema } from '../../src/api/schemas/environments.js';
import { MAX_BODY_BYTES } from '../../src/http/read-body.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * Many short service entries: compact in a request body, a third larger once stored
 * indented, so a body under the request limit can make a claim over the read limit.
 */
function services(from: number, count: number): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let i = from; i < from + count; i++) entries[`s${i}`] = 'v1.2.3';
  return entries;
}

const sue = (name: string, extra: Record<string, unknown> = {}) => ({
  environment_name: name,
  environment_type: 'sue',
  environment_pool: 'team1',
  ...extra,
});

/** Entries whose stored (indented) form alone exceeds the claim limit. */
const OVER_LIMIT = Math.ceil(MAX_CLAIM_BYTES / '    "s10000": "v1.2.3",\n'.length) + 1;

async function expectTooLarge(response: Response, name: string): Promise<void> {
  expect(response.status).toBe(413);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = problemSchema.parse(await response.json());
  expect(problem.detail).toContain(`environment '${name}'`);
  expect(problem.detail).toContain(`at most ${MAX_CLAIM_BYTES} bytes`);
}

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

describe('the stored claim size limit', () => {
  it('refuses a create whose stored claim would exceed the read limit, and keeps the name free', async () => {
    const body = sue('sue-big', { services: services(10_000, OVER_LIMIT) });
    // The request itself passes the body limit: only the stored form is too large.
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(MAX_BODY_BYTES);

    await expectTooLarge(await platform.call('POST', '/api/v1/environments', { body }), 'sue-big');

    expect(await readdir(join(platform.bucketsDir, 'environments'))).not.toContain('sue-big.json');
    expect((await platform.call('GET', '/api/v1/environments/sue-big')).status).toBe(404);
    const small = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-big', { services: services(10_000, 10) }),
    });
    expect(small.status).toBe(201);
  });

  it('refuses a patch that would grow the claim past the limit and leaves the claim as it was', async () => {
    const half = Math.ceil(OVER_LIMIT / 2);
    const created = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-grow', { services: services(10_000, half) }),
    });
    expect(created.status).toBe(201);
    const path = join(platform.bucketsDir, 'environments', 'sue-grow.json');
    const before = await readFile(path, 'utf8');

    const patch = { services: services(10_000 + half, half) };
    expect(Buffer.byteLength(JSON.stringify(patch))).toBeLessThan(MAX_BODY_BYTES);
    await expectTooLarge(
      await platform.call('PATCH', '/api/v1/environments/sue-grow', { body: patch }),
      'sue-grow',
    );

    expect(await readFile(path, 'utf8')).toBe(before);
    const read = await platform.call('GET', '/api/v1/environments/sue-grow');
    expect(read.status).toBe(200);
    expect(Object.keys(environmentViewSchema.parse(await read.json()).services)).toHaveLength(half);
  });

  it('accepts a claim just under the limit and serves it back', async () => {
    const response = await platform.call('POST', '/api/v1/environments', {
      body: sue('sue-edge', { services: services(10_000, OVER_LIMIT - 200) }),
    });
    expect(response.status).toBe(201);
    const stored = await readFile(join(platform.bucketsDir, 'environments', 'sue-edge.json'));
    expect(stored.byteLength).toBeLessThanOrEqual(MAX_CLAIM_BYTES);
    expect((await platform.call('GET', '/api/v1/environments/sue-edge')).status).toBe(200);
  });
});
