import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsClaimStore } from '../../src/adapters/fs-store/fs-claim-store.js';
import { describeClaimStoreContract } from './claim-store-contract.js';
import { describeClaimsOverStore } from './claims-over-store-contract.js';

async function fsHarness() {
  const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
  const store = await createFsClaimStore({ root, resyncIntervalMs: 100 });
  const write = async (path: string, body: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  };
  return {
    root,
    store,
    writeOutOfBand: (bucket: string, key: string, body: string) =>
      write(join(root, bucket, key), body),
    writeNested: (bucket: string, key: string, body: string) =>
      write(join(root, bucket, key), body),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

describeClaimStoreContract('fs', fsHarness);
describeClaimsOverStore('fs', fsHarness);

describe('fs store specifics', () => {
  it('keeps the S3 key layout: <root>/<bucket>/<key>', async () => {
    const harness = await fsHarness();
    try {
      await harness.store.putIfAbsent('environments', 'sue-a.json', Buffer.from('{}'));
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(harness.root, 'environments', 'sue-a.json'), 'utf8')).toBe('{}');
    } finally {
      await harness.close();
    }
  });

  it('ignores temp files, hidden files, symlinks and FIFOs', async () => {
    const harness = await fsHarness();
    try {
      const { symlink } = await import('node:fs/promises');
      const { execFileSync } = await import('node:child_process');
      const bucket = join(harness.root, 'environments');
      await writeFile(join(bucket, '.sue-a.json.abc123.tmp'), '{"partial":');
      await writeFile(join(bucket, '.hidden.json'), '{}');
      await writeFile(join(bucket, 'back\\slash.json'), '{}');
      await symlink('/etc/hostname', join(bucket, 'link.json'));
      execFileSync('mkfifo', [join(bucket, 'pipe.json')]);
      expect(await harness.store.list('environments')).toEqual([]);
      expect(await harness.store.get('environments', 'link.json')).toBeUndefined();
      expect(await harness.store.get('environments', 'pipe.json')).toBeUndefined();
    } finally {
      await harness.close();
    }
  });

  it('refuses keys that would escape the bucket', async () => {
    const harness = await fsHarness();
    try {
      for (const key of ['../x.json', 'a/b.json', '.hidden', '']) {
        await expect(harness.store.get('environments', key)).rejects.toBeInstanceOf(TypeError);
      }
    } finally {
      await harness.close();
    }
  });

  it('with watchFiles off, sees an out-of-band file only at the next resync', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    const lifetime = new AbortController();
    try {
      const store = await createFsClaimStore({ root, resyncIntervalMs: 1500, watchFiles: false });
      const seen: { key: string; at: number }[] = [];
      // The initial load makes the (empty) baseline before `watch` resolves.
      await store.watch((change) => seen.push({ key: change.key, at: Date.now() }), {
        signal: lifetime.signal,
        initialLoad: { maxBytes: 1024, onObjects: () => Promise.resolve() },
      });
      const written = Date.now();
      await writeFile(join(root, 'environments', 'sue-a.json'), '{}');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual([]);
      await expect
        .poll(() => seen.map((change) => change.key), { timeout: 5000 })
        .toEqual(['sue-a.json']);
      expect(seen[0]!.at - written).toBeGreaterThanOrEqual(300);
    } finally {
      lifetime.abort();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reports its feed live only while a watcher follows each bucket', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    const lifetime = new AbortController();
    try {
      const store = await createFsClaimStore({ root, resyncIntervalMs: 60_000 });
      const unwatched = await createFsClaimStore({
        root,
        resyncIntervalMs: 60_000,
        watchFiles: false,
      });
      expect(store.reportsChangesLive?.('environments')).toBe(false);
      await store.watch(() => undefined, { signal: lifetime.signal });
      await unwatched.watch(() => undefined, { signal: lifetime.signal });
      expect(store.reportsChangesLive?.('environments')).toBe(true);
      expect(store.reportsChangesLive?.('static-environments')).toBe(true);
      // Without a watcher only the resync reports changes: writers must look again.
      expect(unwatched.reportsChangesLive?.('environments')).toBe(false);
      lifetime.abort();
      expect(store.reportsChangesLive?.('environments')).toBe(false);
    } finally {
      lifetime.abort();
      await rm(root, { recursive: true, force: true });
    }
  });
});
