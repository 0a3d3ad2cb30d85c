import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import type { Principal } from '../../src/ports/principal.js';

const alice: Principal = {
  subject: 'alice@example.com',
  groups: ['team1'],
  kind: 'user',
  authenticatedBy: 'static-token',
};

const HOUR = 3_600_000;
let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

function create(name: string, extra: Record<string, unknown> = {}) {
  return platform.service.create(alice, {
    environment_name: name,
    environment_type: 'sue',
    environment_pool: 'team1',
    ...extra,
  });
}

async function writeClaim(bucket: string, key: string, claim: unknown): Promise<void> {
  await mkdir(join(platform.bucketsDir, bucket), { recursive: true });
  await writeFile(
    join(platform.bucketsDir, bucket, key),
    typeof claim === 'string' ? claim : JSON.stringify(claim),
  );
}

describe('the expiry reaper', () => {
  it('deletes a sue environment once its expiry passes, and only then; idempotently', async () => {
    await create('sue-a');
    await create('dev-a', { environment_type: 'dev' });
    platform.clock.advance(24 * HOUR - 1);
    expect(await platform.service.reapExpired()).toEqual([]);
    platform.clock.advance(1);
    expect(await platform.service.reapExpired()).toEqual(['sue-a']);
    expect(await platform.index.get('sue-a')).toBeUndefined();
    expect(await platform.index.get('dev-a')).toBeDefined();
    expect(await platform.service.reapExpired()).toEqual([]);
  });

  it('honours an extension made before the run', async () => {
    await create('sue-a');
    platform.clock.advance(23 * HOUR);
    await platform.service.patch(alice, 'sue-a', { expiration_date: '2026-01-18T00:00:00Z' });
    platform.clock.advance(2 * HOUR);
    expect(await platform.service.reapExpired()).toEqual([]);
  });

  it('does not delete a version it did not judge: a concurrent change wins', async () => {
    await create('sue-a');
    platform.clock.advance(25 * HOUR);
    // Another writer replaces the claim while the index still holds the expired version;
    // the reaper's conditional delete must then leave the new version alone.
    const stale = await platform.index.get('sue-a');
    if (!stale) throw new Error('sue-a should be indexed');
    const extended = { ...stale.claim, expiration_date: '2026-01-20T00:00:00Z' };
    await platform.store.putIfMatch(
      'environments',
      'sue-a.json',
      Buffer.from(JSON.stringify(extended)),
      stale.etag,
    );
    await platform.index.upsert(stale);
    expect(await platform.service.reapExpired()).toEqual([]);
    const path = join(platform.bucketsDir, 'environments', 'sue-a.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      expiration_date: '2026-01-20T00:00:00Z',
    });
  });

  it('expires an out-of-band sue claim without a date 24 h after its creation', async () => {
    await writeClaim('environments', 'sue-oob.json', {
      environment_name: 'sue-oob',
      environment_type: 'sue',
      environment_pool: 'team1',
      user: 'carol@example.com',
      creation_date: '2026-01-15T00:00:00Z',
      services: {},
    });
    await platform.sync.reconcileName('sue-oob');
    expect((await platform.index.get('sue-oob'))?.expiresAt?.toISOString()).toBe(
      '2026-01-16T00:00:00.000Z',
    );
    platform.clock.set(new Date('2026-01-16T00:00:00Z'));
    expect(await platform.service.reapExpired()).toEqual(['sue-oob']);
  });

  it('never deletes static environments', async () => {
    await writeClaim('static-environments', 'sue-static.json', {
      environment_name: 'sue-static',
      environment_type: 'sue',
      environment_pool: 'team1',
      user: 'gitlab-ci',
      creation_date: '2026-01-01T00:00:00Z',
    });
    await platform.sync.reconcileName('sue-static');
    expect((await platform.index.get('sue-static'))?.bucket).toBe('static-environments');
    expect(await platform.service.reapExpired()).toEqual([]);
  });
});

describe('claim sync', () => {
  const claim = (name: string, extra: Record<string, unknown> = {}) => ({
    environment_name: name,
    environment_type: 'dev',
    environment_pool: 'team1',
    user: 'carol@example.com',
    creation_date: '2026-01-01T00:00:00Z',
    ...extra,
  });

  it('serves a name from static-environments when both buckets hold it, and rejects the other', async () => {
    await writeClaim('environments', 'both.json', claim('both'));
    await writeClaim('static-environments', 'both.json', claim('both', { user: 'gitlab-ci' }));
    await platform.sync.reconcileName('both');
    expect((await platform.index.get('both'))?.bucket).toBe('static-environments');
    const rejected = await platform.index.listRejected();
    expect(rejected.map((entry) => `${entry.bucket}/${entry.key}`)).toEqual([
      'environments/both.json',
    ]);
  });

  it('rebuilds the index from the buckets at start', async () => {
    await writeClaim('environments', 'a.json', claim('a'));
    await writeClaim('environments', 'b.json', claim('b', { environment_type: 'qa' }));
    await writeClaim('environments', 'notes.txt', 'hello');
    const fresh = await createTestPlatform();
    try {
      await rm(fresh.bucketsDir, { recursive: true, force: true });
      await mkdir(fresh.bucketsDir, { recursive: true });
      const { cp } = await import('node:fs/promises');
      await cp(platform.bucketsDir, fresh.bucketsDir, { recursive: true });
      await fresh.start();
      expect((await fresh.index.get('a'))?.claim.user).toBe('carol@example.com');
      expect(await fresh.index.get('b')).toBeUndefined();
      const keys = (await fresh.index.listRejected()).map((entry) => entry.key);
      expect(keys).toEqual(['b.json', 'notes.txt']);
    } finally {
      await fresh.close();
    }
  });

  it('drops an environment and its rejection once the file is gone', async () => {
    await writeClaim('environments', 'a.json', claim('a'));
    await writeClaim('environments', 'bad.json', '{');
    await platform.sync.fullSync();
    expect(await platform.index.get('a')).toBeDefined();
    expect(await platform.index.listRejected()).toHaveLength(1);
    await rm(join(platform.bucketsDir, 'environments', 'a.json'));
    await rm(join(platform.bucketsDir, 'environments', 'bad.json'));
    await platform.sync.fullSync();
    expect(await platform.index.get('a')).toBeUndefined();
    expect(await platform.index.listRejected()).toEqual([]);
  });
});
