import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, UnavailableError } from '../../domain/errors.js';
import { deepFreeze } from '../../domain/shared/deep-freeze.js';
import { toFieldErrors } from '../../domain/shared/zod-errors.js';
import {
  serviceTokenFileSchema,
  type ServiceTokenFile,
  type ServiceTokenRecord,
} from '../../domain/service-tokens/service-token-schema.js';
import type { ServiceTokenStore } from '../../ports/service-token-store.js';
import { createKeyedLock } from '../../shared/keyed-lock.js';
import { publishReplacing } from '../fs-store/atomic-write.js';

export const SERVICE_TOKEN_FILE = 'service-tokens.json';

/** Hashes are not tokens, but they are still nobody else's business: owner only. */
const FILE_MODE = 0o600;

interface Snapshot {
  /** Identifies the file version read: inode, size and mtime (a rename changes the inode). */
  readonly version: string;
  readonly file: ServiceTokenFile;
}

/**
 * Keeps every service token in `<dir>/service-tokens.json`, one JSON document, replaced
 * atomically (temp file with mode 0600, fsync, rename, fsync of the directory) so a killed
 * process leaves the old or the new document, never a partial one. Writes are serialised
 * within this process; a second process writing the same file can lose an update, as with
 * any plain file. Reads are cached and re-read when the file changes, so a revocation made
 * by another process is seen at the next request.
 */
export async function createFsServiceTokenStore(options: {
  dir: string;
}): Promise<ServiceTokenStore> {
  const { dir } = options;
  const path = join(dir, SERVICE_TOKEN_FILE);
  await mkdir(dir, { recursive: true });
  const writes = createKeyedLock();
  let cached: Snapshot | undefined;

  const versionOf = (info: { ino: bigint; size: bigint; mtimeNs: bigint }): string =>
    `${info.ino}:${info.size}:${info.mtimeNs}`;

  async function currentVersion(): Promise<string | undefined> {
    try {
      return versionOf(await stat(path, { bigint: true }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The current document: one stat(2) when unchanged, a re-read when the file changed. */
  async function load(): Promise<ServiceTokenFile> {
    const version = await currentVersion();
    if (version === undefined) return EMPTY;
    if (cached?.version === version) return cached.file;
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isNotFound(error)) return EMPTY;
      throw error;
    }
    let snapshot: Snapshot;
    try {
      // The version of what is read, from the open handle: a rename in between cannot mix them.
      const opened = versionOf(await handle.stat({ bigint: true }));
      snapshot = { version: opened, file: parse(await handle.readFile('utf8')) };
    } finally {
      await handle.close();
    }
    cached = snapshot;
    return snapshot.file;
  }

  async function save(file: ServiceTokenFile): Promise<void> {
    const temp = join(dir, `.${SERVICE_TOKEN_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', FILE_MODE);
    let version: string;
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await handle.sync();
      // rename(2) keeps inode, size and mtime: this is the published file's version, even
      // if another process replaces it right after.
      version = versionOf(await handle.stat({ bigint: true }));
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await publishReplacing(temp, path);
    cached = { version, file: deepFreeze(file) };
  }

  /** Read-modify-write of the whole document, one at a time. */
  function change<T>(
    task: (file: ServiceTokenFile) => { next?: ServiceTokenFile; result: T },
  ): Promise<T> {
    return writes.run(path, async () => {
      const { next, result } = task(await load());
      // Never write a document this store could not read back.
      if (next) await save(serviceTokenFileSchema.parse(next));
      return result;
    });
  }

  const copy = (record: ServiceTokenRecord): ServiceTokenRecord => structuredClone(record);

  return {
    async get(id) {
      const record = (await load()).tokens.find((token) => token.id === id);
      return record && copy(record);
    },

    async list() {
      return (await load()).tokens.map(copy);
    },

    create(record) {
      return change((file) => {
        if (file.tokens.some((token) => token.id === record.id)) {
          throw new ConflictError(`service token '${record.id}' already exists`);
        }
        return { next: { version: 1, tokens: [...file.tokens, copy(record)] }, result: undefined };
      });
    },

    update(id, modify) {
      return change((file) => {
        const index = file.tokens.findIndex((token) => token.id === id);
        const current = file.tokens[index];
        if (!current) return { result: undefined };
        const updated = copy(modify(copy(current)));
        if (updated.id !== id) throw new TypeError('update must not change the id');
        const tokens = file.tokens.map((token, at) => (at === index ? updated : token));
        return { next: { version: 1, tokens }, result: copy(updated) };
      });
    },
  };
}

const EMPTY: ServiceTokenFile = deepFreeze({ version: 1, tokens: [] });

function parse(text: string): ServiceTokenFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Neither the message nor a cause may echo the file: it holds hashes.
    throw new UnavailableError(`${SERVICE_TOKEN_FILE} is not valid JSON`);
  }
  const parsed = serviceTokenFileSchema.safeParse(json);
  if (!parsed.success) {
    const where = toFieldErrors(parsed.error)
      .slice(0, 3)
      .map((field) => `${field.path}: ${field.message}`)
      .join('; ');
    throw new UnavailableError(
      `${SERVICE_TOKEN_FILE} is not a valid service token document (${where})`,
    );
  }
  return deepFreeze(parsed.data);
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
