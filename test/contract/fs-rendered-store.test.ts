import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createFsRenderedStore } from '../../src/adapters/fs-rendered-store/fs-rendered-store.js';
import { describeRenderedStoreContract } from './rendered-store-contract.js';

/** Every file's inode and mtime: a temp+rename write changes the inode, whatever the bytes. */
async function inodes(root: string): Promise<string> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const marks = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        const info = await stat(path, { bigint: true });
        return `${path}:${info.ino}:${info.mtimeNs}`;
      }),
  );
  return marks.sort().join('\n');
}

describeRenderedStoreContract('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rendered-contract-'));
  return {
    store: await createFsRenderedStore(root),
    writeMark: () => inodes(root),
    async writeOutOfBand(environment, path, body) {
      const target = join(root, 'rendered', environment, ...path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, body);
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
});
