// Every bench's scratch directory: made under the system temp, and removed together with the
// children the bench started when it is interrupted, so ^C leaves no servers or files behind.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh `<tmp>/<prefix>…` directory. On SIGINT/SIGTERM `killChildren` runs, the directory
 * goes and the process exits 130. The bench removes the directory itself when it ends.
 */
export async function createRunRoot(prefix, { progress, killChildren }) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      progress(`${signal}: stopping children and removing ${root}`);
      killChildren();
      rmSync(root, { recursive: true, force: true });
      process.exit(130);
    });
  }
  return root;
}
