import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createFsClaimStore } from '../../src/adapters/fs-store/fs-claim-store.js';
import {
  describePublishScenario,
  describeRefusedWrites,
  type BucketContents,
} from './static-publish-harness.js';

let bucketDir = '';

/** The fs store's bucket directory, read directly: file name → body, and mtime+size as etag. */
async function readBucket(): Promise<BucketContents> {
  const contents = new Map<string, { body: string; etag: string }>();
  for (const name of (await readdir(bucketDir)).sort()) {
    const path = join(bucketDir, name);
    const info = await stat(path);
    // The inode changes when the store replaces a file (temp file, then rename).
    contents.set(name, {
      body: await readFile(path, 'utf8'),
      etag: `${info.ino}-${info.mtimeMs}-${info.size}`,
    });
  }
  return contents;
}

describePublishScenario({
  name: 'the fs store',
  async config(dir) {
    bucketDir = join(dir, 'buckets', 'static-environments');
    const path = join(dir, 'platform.yaml');
    await writeFile(path, 'store:\n  type: fs\n  path: ./buckets\n');
    return path;
  },
  readBucket,
  env: () => ({}),
});

describeRefusedWrites('the fs store', async () => {
  const root = await mkdtemp(join(tmpdir(), 'static-publish-refused-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const open = () => createFsClaimStore({ root, resyncIntervalMs: 0, watchFiles: false });
  return { mine: await open(), theirs: await open() };
});
