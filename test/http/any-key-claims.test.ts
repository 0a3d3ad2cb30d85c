import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CLAIM_BYTES } from '../../src/app/claim-sync.js';
import {
  environmentViewSchema,
  rejectedClaimListSchema,
} from '../../src/api/schemas/environments.js';
import type { BucketName } from '../../src/ports/claim-store.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

const claim = (name: string, created = '2026-01-15T09:00:00Z', user = 'carol@example.com') => ({
  environment_name: name,
  environment_type: 'dev',
  environment_pool: 'team1',
  user,
  creation_date: created,
  services: { 'user-service': 'v1.2.3' },
});

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

/** An upload as `mc cp` makes it, then the change feed's report of it. */
async function upload(key: string, body: unknown, bucket: BucketName = 'environments') {
  const directory = join(platform.bucketsDir, bucket);
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, key), typeof body === 'string' ? body : JSON.stringify(body));
  await platform.sync.reconcileKey(bucket, key);
}

async function rejected() {
  const response = await platform.call('GET', '/api/v1/rejected-claims');
  return rejectedClaimListSchema.parse(await response.json()).items;
}

const bucketFiles = () => readdir(join(platform.bucketsDir, 'environments'));

describe('any key is a claim', () => {
  it('serves an upload under any key by its environment_name; PATCH and DELETE use that key', async () => {
    await upload('my-environment-claim.json', claim('dev-upload'));
    const read = await platform.call('GET', '/api/v1/environments/dev-upload');
    expect(read.status).toBe(200);
    expect(environmentViewSchema.parse(await read.json()).user).toBe('carol@example.com');

    // The name is taken: the API does not write a second claim of it under <name>.json.
    const again = await platform.call('POST', '/api/v1/environments', {
      body: { environment_name: 'dev-upload', environment_type: 'dev', environment_pool: 'team1' },
    });
    expect(again.status).toBe(409);

    const patched = await platform.call('PATCH', '/api/v1/environments/dev-upload', {
      body: { services: { gateway: 'v1.0.5' } },
    });
    expect(patched.status).toBe(200);
    expect(await bucketFiles()).toEqual(['my-environment-claim.json']);
    const stored = JSON.parse(
      await readFile(
        join(platform.bucketsDir, 'environments', 'my-environment-claim.json'),
        'utf8',
      ),
    ) as { services: Record<string, string> };
    expect(stored.services.gateway).toBe('v1.0.5');

    expect((await platform.call('DELETE', '/api/v1/environments/dev-upload')).status).toBe(204);
    expect(await bucketFiles()).toEqual([]);
    expect((await platform.call('GET', '/api/v1/environments/dev-upload')).status).toBe(404);
  });

  it('follows a key whose document is changed to name another environment', async () => {
    await upload('claim.json', claim('dev-first'));
    await upload('claim.json', claim('dev-second'));
    expect((await platform.call('GET', '/api/v1/environments/dev-first')).status).toBe(404);
    expect((await platform.call('GET', '/api/v1/environments/dev-second')).status).toBe(200);
    expect(await rejected()).toEqual([]);
  });

  it('serves the older of two keys claiming one name and lists the other naming both keys', async () => {
    await upload('b-newer.json', claim('dev-dup', '2026-01-15T09:00:00Z', 'newer@example.com'));
    await upload('z-older.json', claim('dev-dup', '2026-01-14T09:00:00Z', 'older@example.com'));
    const read = await platform.call('GET', '/api/v1/environments/dev-dup');
    expect(environmentViewSchema.parse(await read.json()).user).toBe('older@example.com');
    const entries = await rejected();
    expect(entries.map((entry) => entry.key)).toEqual(['b-newer.json']);
    expect(entries[0]?.reasons[0]?.message).toContain(
      "environments/b-newer.json and environments/z-older.json both claim 'dev-dup'",
    );

    // Deleting the environment removes the key that served it; the other claim then serves.
    expect((await platform.call('DELETE', '/api/v1/environments/dev-dup')).status).toBe(204);
    expect(await bucketFiles()).toEqual(['b-newer.json']);
    const after = await platform.call('GET', '/api/v1/environments/dev-dup');
    expect(environmentViewSchema.parse(await after.json()).user).toBe('newer@example.com');
    expect(await rejected()).toEqual([]);
  });

  it('decides a tie in creation date by key order, whatever order the keys are seen in', async () => {
    for (const order of [
      ['b.json', 'a.json'],
      ['a.json', 'b.json'],
    ]) {
      for (const key of order) await upload(key, claim('dev-tie', undefined, `${key}@example.com`));
      await platform.sync.fullSync();
      const read = await platform.call('GET', '/api/v1/environments/dev-tie');
      expect(environmentViewSchema.parse(await read.json()).user).toBe('a.json@example.com');
      expect((await rejected()).map((entry) => entry.key)).toEqual(['b.json']);
    }
  });

  it('loads duplicates at start as a reconcile decides them', async () => {
    await platform.close();
    platform = await createTestPlatform();
    await writeFile(
      join(platform.bucketsDir, 'environments', 'newer.json'),
      JSON.stringify(claim('dev-dup', '2026-01-15T09:00:00Z', 'newer@example.com')),
    );
    await writeFile(
      join(platform.bucketsDir, 'environments', 'older.json'),
      JSON.stringify(claim('dev-dup', '2026-01-14T09:00:00Z', 'older@example.com')),
    );
    await platform.start();
    expect((await platform.index.get('dev-dup'))?.key).toBe('older.json');
    expect((await rejected()).map((entry) => entry.key)).toEqual(['newer.json']);
  });

  it('lets a static claim under any key win over the API', async () => {
    await upload('prod-from-git.json', claim('dev-static'), 'static-environments');
    const created = await platform.call('POST', '/api/v1/environments', {
      body: { environment_name: 'dev-static', environment_type: 'dev', environment_pool: 'team1' },
    });
    expect(created.status).toBe(409);
    expect(await bucketFiles()).toEqual([]);
  });

  it('lists a directory, a symlink and a FIFO named like claims, with what they are', async () => {
    const bucket = join(platform.bucketsDir, 'environments');
    await mkdir(join(bucket, 'dev-dir.json'));
    await symlink('/etc/hostname', join(bucket, 'dev-link.json'));
    execFileSync('mkfifo', [join(bucket, 'dev-fifo.json')]);
    // As the change feed reports them (its resync lists such entries; `list` does not).
    for (const key of ['dev-dir.json', 'dev-link.json', 'dev-fifo.json']) {
      await platform.sync.reconcileKey('environments', key);
    }
    expect((await rejected()).map((entry) => [entry.key, entry.reasons[0]?.message])).toEqual([
      [
        'dev-dir.json',
        'environments/dev-dir.json is a directory, not an object: it cannot be a claim',
      ],
      [
        'dev-fifo.json',
        'environments/dev-fifo.json is a FIFO, not an object: it cannot be a claim',
      ],
      [
        'dev-link.json',
        'environments/dev-link.json is a symbolic link, not an object: it cannot be a claim',
      ],
    ]);
    // They block `<name>.json` for the API; the list says why.
    const blocked = await platform.call('POST', '/api/v1/environments', {
      body: { environment_name: 'dev-dir', environment_type: 'dev', environment_pool: 'team1' },
    });
    expect(blocked.status).toBe(409);

    for (const key of ['dev-dir.json', 'dev-link.json', 'dev-fifo.json']) {
      await rm(join(bucket, key), { recursive: true });
      await platform.sync.reconcileKey('environments', key);
    }
    expect(await rejected()).toEqual([]);
  });

  it('ignores keys under a prefix and lists zero-byte and oversize objects with the reason', async () => {
    await platform.sync.reconcileKey('environments', 'archive/old.json');
    await upload('empty.json', '');
    await upload('huge.json', ' '.repeat(MAX_CLAIM_BYTES + 1));
    const entries = await rejected();
    expect(entries.map((entry) => [entry.key, entry.reasons[0]?.message])).toEqual([
      ['empty.json', 'not valid JSON: environments/empty.json is a zero-byte object'],
      [
        'huge.json',
        `environments/huge.json is ${MAX_CLAIM_BYTES + 1} bytes; the limit is ${MAX_CLAIM_BYTES}`,
      ],
    ]);
  });
});
