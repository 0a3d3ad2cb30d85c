import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsServiceTokenStore } from '../../src/adapters/fs-service-token-store/fs-service-token-store.js';
import { describeServiceTokenStoreContract } from './service-token-store-contract.js';

// One file written by whole-document replace: two processes can lose each other's update,
// so only updates through one store are promised to be atomic.
describeServiceTokenStoreContract(
  'fs',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'service-token-contract-'));
    return {
      store: await createFsServiceTokenStore({ dir }),
      openReplica: () => createFsServiceTokenStore({ dir }),
      async rawContent() {
        const names = await readdir(dir);
        const bodies = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
        return bodies.join('\n');
      },
      close: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { atomicAcrossReplicas: false },
);
