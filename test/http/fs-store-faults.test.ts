import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsRenderedStore } from '../../src/adapters/fs-rendered-store/fs-rendered-store.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { problemSchema } from '../../src/api/schemas/environments.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { makeFileUnwritable, makeUnwritable } from '../support/unwritable-dir.js';

const sue = (name: string) => ({
  environment_name: name,
  environment_type: 'sue',
  environment_pool: 'team1',
  services: { 'user-service': 'v1.2.3' },
});

/** A 503 problem with Retry-After whose detail names `what` and no absolute path. */
async function expectUnavailable(response: Response, what: string, root: string): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  const problem = problemSchema.parse(await response.json());
  expect(problem.detail).toContain(what);
  expect(problem.detail).not.toContain(root);
}

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
  expect((await platform.call('POST', '/api/v1/environments', { body: sue('sue-a') })).status).toBe(
    201,
  );
});
afterEach(async () => {
  await platform.close();
});

describe('fs store faults', () => {
  it.each(['permissions', 'replace'] as const)(
    'answers 503 with Retry-After while the bucket is not writable (%s), writes nothing, and recovers without restart',
    async (how) => {
      const bucket = join(platform.bucketsDir, 'environments');
      const broken = await makeUnwritable(bucket, how);
      try {
        await expectUnavailable(
          await platform.call('POST', '/api/v1/environments', { body: sue('sue-b') }),
          'create environments/sue-b.json',
          platform.dataDir,
        );
        await expectUnavailable(
          await platform.call('PATCH', '/api/v1/environments/sue-a', {
            body: { services: { gateway: 'v1.0.0' } },
          }),
          'environments/sue-a.json',
          platform.dataDir,
        );
        await expectUnavailable(
          await platform.call('DELETE', '/api/v1/environments/sue-a'),
          'environments/sue-a.json',
          platform.dataDir,
        );
      } finally {
        await broken.restore();
      }
      // Nothing half-written: no temp file, no new object.
      expect((await readdir(bucket)).sort()).toEqual(['sue-a.json']);

      expect(
        (await platform.call('POST', '/api/v1/environments', { body: sue('sue-b') })).status,
      ).toBe(201);
      // The bucket that was briefly a file (the ENOTDIR mechanism) is picked up again by the resync.
      await expect
        .poll(async () => (await platform.call('GET', '/api/v1/environments/sue-a')).status)
        .toBe(200);
      const patched = await platform.call('PATCH', '/api/v1/environments/sue-a', {
        body: { services: { gateway: 'v1.0.0' } },
      });
      expect(patched.status).toBe(200);
      expect((await platform.call('DELETE', '/api/v1/environments/sue-a')).status).toBe(204);
    },
  );

  it('answers 503, not 500, when the audit log cannot be written, and stays stopped as designed', async () => {
    // The log is open for appending: only a file that refuses writes through it fails one.
    const broken = await makeFileUnwritable(join(platform.dataDir, 'audit', 'audit.jsonl'));
    try {
      await expectUnavailable(
        await platform.call('POST', '/api/v1/environments', { body: sue('sue-b') }),
        'audit/audit.jsonl',
        platform.dataDir,
      );
    } finally {
      await broken.restore();
    }
    // The log fails closed until a restart repairs it (see createFsAuditLog), still as a 503.
    const after = await platform.call('POST', '/api/v1/environments', { body: sue('sue-c') });
    await expectUnavailable(after, 'restart the service', platform.dataDir);
    expect(await readdir(join(platform.bucketsDir, 'environments'))).toEqual(['sue-a.json']);
  });

  it('maps rendered-store write faults to UnavailableError, removes the temp file, and recovers', async () => {
    const store = await createFsRenderedStore(platform.bucketsDir);
    const folder = join(platform.bucketsDir, 'rendered', 'sue-a');
    await store.writeFile('sue-a', 'kustomization.yaml', Buffer.from('a: 1\n'));
    const broken = await makeUnwritable(folder);
    try {
      const failed = store.writeFile('sue-a', 'kustomization.yaml', Buffer.from('a: 2\n'));
      await expect(failed).rejects.toBeInstanceOf(UnavailableError);
      await expect(failed).rejects.toThrow('write rendered/sue-a/kustomization.yaml');
    } finally {
      await broken.restore();
    }
    expect(await readdir(folder)).toEqual(['kustomization.yaml']);
    await store.writeFile('sue-a', 'kustomization.yaml', Buffer.from('a: 2\n'));
    expect([...(await store.hashes('sue-a')).keys()]).toEqual(['kustomization.yaml']);
  });
});
