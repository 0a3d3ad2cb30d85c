import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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

  it('loads the same objects on reader threads as on the main thread', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    const environments = join(root, 'environments');
    try {
      await mkdir(environments, { recursive: true });
      await mkdir(join(root, 'static-environments'), { recursive: true });
      // Enough files for several batches (128 each), and each kind of odd entry.
      for (let i = 0; i < 300; i++) {
        await writeFile(join(environments, `env-${i}.json`), `{"n":${i},"pad":"${'x'.repeat(i)}"}`);
      }
      await writeFile(join(environments, 'empty.json'), '');
      await writeFile(join(environments, 'big.json'), 'y'.repeat(2048));
      await writeFile(join(root, 'static-environments', 'static.json'), '{"s":1}');
      await mkdir(join(environments, 'folder.json'));
      await symlink(join(environments, 'env-1.json'), join(environments, 'link.json'));
      execFileSync('mkfifo', [join(environments, 'pipe.json')]);

      const load = async (loadThreads: { count: number; afterNames: number }) => {
        const lifetime = new AbortController();
        const store = await createFsClaimStore({
          root,
          resyncIntervalMs: 60_000,
          loadThreads,
          // A reader thread that failed would be reported here (and its files read anyway).
          onWatchError: (error) => errors.push(error),
        });
        const objects: string[] = [];
        const changes: string[] = [];
        await store.watch((change) => changes.push(`${change.bucket}/${change.key}`), {
          signal: lifetime.signal,
          initialLoad: {
            maxBytes: 1024,
            onObjects: (bucket, batch) => {
              for (const o of batch) {
                const body = o.body === undefined ? '(unread)' : Buffer.from(o.body).toString();
                objects.push(`${bucket}/${o.key} ${o.etag} ${o.size} ${body}`);
              }
              return Promise.resolve();
            },
          },
        });
        lifetime.abort();
        return { objects: objects.sort(), changes: changes.sort() };
      };
      const errors: unknown[] = [];
      const here = await load({ count: 0, afterNames: 0 });
      const threaded = await load({ count: 2, afterNames: 0 });
      expect(here.objects).toHaveLength(303);
      expect(here.objects.find((o) => o.startsWith('environments/big.json '))).toMatch(
        / 2048 \(unread\)$/,
      );
      expect(here.changes).toEqual([
        'environments/folder.json',
        'environments/link.json',
        'environments/pipe.json',
      ]);
      expect(threaded).toEqual(here);
      expect(errors).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
