import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { RenderedStore } from '../../ports/rendered-store.js';
import { isTempName, publishReplacing, writeTemp } from '../fs-store/atomic-write.js';
import { guardFs } from '../fs-store/fs-faults.js';

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
 *
 * A file-system fault (read-only, not permitted, full, I/O error) is an `UnavailableError`
 * naming the operation and the path under the root; a failed write leaves no temp file.
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
    await mkdir(dirname(target), { recursive: true }).catch((error: unknown) => {
      // mkdir -p answers EEXIST when a file stands where a folder must be: the store's
      // layout is broken (a fault, 503), not the request.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw Object.assign(new Error('a file stands where a folder must be'), {
        code: 'ENOTDIR',
        cause: error,
      });
    });
    await publishReplacing(await writeTemp(target, body), target);
  }

  const store: RenderedStore = {
    location: root,

    hashes(environment) {
      return guardFs('read', `${RENDERED_BUCKET}/${environment}`, () =>
        hashesOf(environmentDir(environment)),
      );
    },

    writeFile(environment, path, body) {
      return guardFs('write', `${RENDERED_BUCKET}/${environment}/${path}`, () =>
        write(join(environmentDir(environment), ...assertPath(path)), body),
      );
    },

    removeFile(environment, path) {
      return guardFs('remove', `${RENDERED_BUCKET}/${environment}/${path}`, () => {
        const base = environmentDir(environment);
        return removeFileIn(base, join(base, ...assertPath(path)));
      });
    },

    removeEnvironment(environment) {
      return guardFs('remove', `${RENDERED_BUCKET}/${environment}`, async () => {
        const base = environmentDir(environment);
        const record = recordPath(environment);
        const had = (await hashesOf(base)).size > 0;
        const hadRecord = (await readOptional(record)) !== undefined;
        await rm(base, { recursive: true, force: true });
        await rm(record, { force: true });
        return had || hadRecord;
      });
    },

    environments() {
      return guardFs('list', RENDERED_BUCKET, async () => {
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
      });
    },

    readRecord(environment) {
      return guardFs('read', `${DEPLOYMENTS_BUCKET}/${environment}.json`, () =>
        readOptional(recordPath(environment)),
      );
    },

    writeRecord(environment, body) {
      return guardFs('write', `${DEPLOYMENTS_BUCKET}/${environment}.json`, () =>
        write(recordPath(environment), body),
      );
    },
  };
  return store;
}

async function hashesOf(base: string): Promise<Map<string, string>> {
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
}

async function removeFileIn(base: string, target: string): Promise<void> {
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
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
