import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { RenderedStore } from '../../ports/rendered-store.js';
import { isTempName, publishReplacing, writeTemp } from '../fs-store/atomic-write.js';

/** The buckets beside the claim buckets: `<root>/rendered/<env>/…`, `<root>/deployments/<env>.json`. */
export const RENDERED_BUCKET = 'rendered';
export const DEPLOYMENTS_BUCKET = 'deployments';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One path segment the store accepts: no `..`, no hidden or temp names, no separators. */
function assertSegment(segment: string, what: string): void {
  if (!SEGMENT.test(segment) || segment.includes('..')) {
    throw new TypeError(`not a valid ${what}: ${JSON.stringify(segment)}`);
  }
}

function assertPath(path: string): string[] {
  const segments = path.split('/');
  for (const segment of segments) assertSegment(segment, 'rendered path');
  return segments;
}

/**
 * The embedded default: the rendered bucket is a directory tree in the same root as the
 * claim buckets (the claim store lists only its own two buckets, and only top-level files,
 * so it never reads these). Every write is temp file + fsync + rename.
 */
export async function createFsRenderedStore(root: string): Promise<RenderedStore> {
  const rendered = join(root, RENDERED_BUCKET);
  const records = join(root, DEPLOYMENTS_BUCKET);
  await Promise.all([mkdir(rendered, { recursive: true }), mkdir(records, { recursive: true })]);
  const environmentDir = (environment: string): string => {
    assertSegment(environment, 'environment name');
    return join(rendered, environment);
  };
  const recordPath = (environment: string): string => {
    assertSegment(environment, 'environment name');
    return join(records, `${environment}.json`);
  };

  async function write(target: string, body: Uint8Array): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    await publishReplacing(await writeTemp(target, body), target);
  }

  const store: RenderedStore = {
    location: root,

    async hashes(environment) {
      const base = environmentDir(environment);
      const result = new Map<string, string>();
      const files = await readdir(base, { recursive: true, withFileTypes: true }).catch(
        (error: unknown) => {
          if (isNotFound(error)) return [];
          throw error;
        },
      );
      await Promise.all(
        files
          .filter((entry) => entry.isFile() && !isTempName(entry.name))
          .map(async (entry) => {
            const full = join(entry.parentPath, entry.name);
            const relative = full
              .slice(base.length + 1)
              .split(sep)
              .join('/');
            const body = await readFile(full);
            result.set(relative, createHash('sha256').update(body).digest('hex'));
          }),
      );
      return new Map([...result].sort(([a], [b]) => (a < b ? -1 : 1)));
    },

    async writeFile(environment, path, body) {
      await write(join(environmentDir(environment), ...assertPath(path)), body);
    },

    async removeFile(environment, path) {
      const base = environmentDir(environment);
      const target = join(base, ...assertPath(path));
      await unlink(target).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      // Empty folders left behind are removed up to the environment's own folder.
      for (let folder = dirname(target); folder.length > base.length; folder = dirname(folder)) {
        const removed = await rmdir(folder).then(
          () => true,
          () => false,
        );
        if (!removed) break;
      }
    },

    async removeEnvironment(environment) {
      const base = environmentDir(environment);
      const had = (await store.hashes(environment)).size > 0;
      const hadRecord = (await store.readRecord(environment)) !== undefined;
      await rm(base, { recursive: true, force: true });
      await rm(recordPath(environment), { force: true });
      return had || hadRecord;
    },

    async environments() {
      const [folders, files] = await Promise.all([
        readdir(rendered, { withFileTypes: true }),
        readdir(records, { withFileTypes: true }),
      ]);
      const names = new Set<string>();
      for (const entry of folders) if (entry.isDirectory()) names.add(entry.name);
      for (const entry of files) {
        if (entry.isFile() && entry.name.endsWith('.json') && !isTempName(entry.name)) {
          names.add(entry.name.slice(0, -'.json'.length));
        }
      }
      return [...names].filter((name) => SEGMENT.test(name)).sort();
    },

    async readRecord(environment) {
      try {
        return await readFile(recordPath(environment));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async writeRecord(environment, body) {
      await write(recordPath(environment), body);
    },
  };
  return store;
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
