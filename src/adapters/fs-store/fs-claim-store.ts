import { lstatSync, statSync, watch as watchDirectory, type FSWatcher } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConflictError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from '../../domain/errors.js';
import type {
  BucketName,
  ClaimStore,
  ObjectInfo,
  StoreChange,
  StoredObject,
} from '../../ports/claim-store.js';
import { BUCKETS } from '../../ports/claim-store.js';
import { createKeyedLock } from '../../shared/keyed-lock.js';
import { createResyncPoller, type ResyncObserver } from '../change-feed/resync-poller.js';
import {
  candidateNames,
  etagOf,
  isNotFound,
  isNotPlainFile,
  nonObjectKind,
  statBatch,
} from './fs-bucket-scan.js';
import { isTempName, publishIfAbsent, publishReplacing, writeTemp } from './atomic-write.js';
import { guardFs } from './fs-faults.js';
import { DEFAULT_LOAD_THREADS, loadBuckets, type LoadThreads } from './initial-load.js';

export interface FsClaimStoreOptions {
  /** The directory holding one directory per bucket: `<root>/environments/<key>`. */
  readonly root: string;
  /** How often the change feed re-lists the buckets to catch what the watcher missed. */
  readonly resyncIntervalMs: number;
  /**
   * Watch the bucket directories (default true). Off, only the resync sees out-of-band
   * changes: for file systems without inotify (some network mounts) and to measure the resync.
   */
  readonly watchFiles?: boolean;
  /** How soon a watcher lost to an error is recreated (default 1 s). */
  readonly rewatchIntervalMs?: number;
  readonly onWatchError?: (error: unknown) => void;
  /** Threads reading files during the initial load (default: 1, past 2,048 files). */
  readonly loadThreads?: LoadThreads;
  /** Told after each periodic resync (`platform_resync_duration_seconds`). */
  readonly onResynced?: ResyncObserver | undefined;
}

/**
 * The embedded default store: a bucket is a directory, an object a file, with the same key
 * layout an S3 bucket has. Writes are atomic (temp file, fsync, link or rename) so a killed
 * process never leaves a partial object. Conditional replace and delete are atomic against
 * this process's own writers (a per-key lock); another process writing the same file
 * between the check and the rename wins silently, as with any plain directory.
 *
 * A file-system fault (read-only, not permitted, full, I/O error) is an `UnavailableError`
 * naming the operation and `<bucket>/<key>`; a failed write leaves no temp file behind, and
 * nothing is remembered, so the next call works once the directory is writable again.
 */
export async function createFsClaimStore(options: FsClaimStoreOptions): Promise<ClaimStore> {
  const { root } = options;
  await Promise.all(BUCKETS.map((bucket) => mkdir(join(root, bucket), { recursive: true })));
  const lock = createKeyedLock();
  /** The watchers of the feed now following (one per bucket while it is up). */
  let liveWatchers: ReadonlyMap<BucketName, FSWatcher> | undefined;
  const pathOf = (bucket: BucketName, key: string): string => {
    assertKey(key);
    return join(root, bucket, key);
  };

  /**
   * Synchronous, as `head` is: a stat of a cached entry takes microseconds, less than the
   * thread-pool round trip of an async one, which on a busy 2-core host also costs the
   * event loop a context switch (bench/scale.js, creates). Every create makes three.
   */
  function currentEtag(path: string): string | undefined {
    const info = statSync(path, { throwIfNoEntry: false });
    return info ? etagOf(info) : undefined;
  }

  async function* listBatches(
    bucket: BucketName,
    signal?: AbortSignal,
  ): AsyncGenerator<ObjectInfo[]> {
    const directory = join(root, bucket);
    for await (const names of candidateNames(directory, isObjectName, signal)) {
      yield statBatch(directory, names);
    }
  }

  /**
   * The change feed's listing: the objects, and the entries that cannot be objects (a
   * directory named like a claim, say), so the resync reports them appearing and going.
   */
  async function* feedBatches(
    bucket: BucketName,
    signal?: AbortSignal,
  ): AsyncGenerator<ObjectInfo[]> {
    const directory = join(root, bucket);
    let others: string[] = [];
    const onOther = (name: string): void => void others.push(name);
    for await (const names of candidateNames(directory, isObjectName, signal, onOther)) {
      yield [...statBatch(directory, names), ...others.map(nonObjectInfo)];
      others = [];
    }
    if (others.length > 0) yield others.map(nonObjectInfo);
  }

  async function getObject(
    bucket: BucketName,
    key: string,
    getOptions: { maxBytes?: number },
  ): Promise<StoredObject | undefined> {
    let handle;
    try {
      // O_NONBLOCK: a FIFO dropped into a bucket must not block the reader forever.
      // O_NOFOLLOW: a symlink must not make the store read (and echo) a file outside it.
      handle = await open(
        pathOf(bucket, key),
        constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW,
      );
    } catch (error) {
      if (isNotFound(error) || isNotPlainFile(error)) return undefined;
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (getOptions.maxBytes !== undefined && info.size > getOptions.maxBytes) {
        throw new PayloadTooLargeError(
          `${bucket}/${key} is ${info.size} bytes; the limit is ${getOptions.maxBytes}`,
        );
      }
      return { key, body: await handle.readFile(), etag: etagOf(info), modifiedAt: info.mtime };
    } finally {
      await handle.close();
    }
  }

  const store: ClaimStore = {
    get(bucket, key, getOptions = {}) {
      return guardFs('read', `${bucket}/${key}`, () => getObject(bucket, key, getOptions));
    },

    head(bucket, key) {
      // Synchronous, for the reason given at `currentEtag`; a fault still rejects. lstat: a
      // symlink is not an object here, as `get` (O_NOFOLLOW) treats it.
      return guardFs('stat', `${bucket}/${key}`, () => {
        const info = lstatSync(pathOf(bucket, key), { throwIfNoEntry: false });
        return Promise.resolve(info?.isFile() ? etagOf(info) : undefined);
      });
    },

    describeNonObject(bucket, key) {
      return guardFs('stat', `${bucket}/${key}`, async () => {
        try {
          return nonObjectKind(await lstat(pathOf(bucket, key)));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
    },

    list(bucket) {
      return guardFs('list', bucket, async () => {
        const infos: ObjectInfo[] = [];
        for await (const batch of listBatches(bucket)) infos.push(...batch);
        return infos.sort((a, b) => (a.key < b.key ? -1 : 1));
      });
    },

    async putIfAbsent(bucket, key, body, options) {
      const where = `${bucket}/${key}`;
      const target = pathOf(bucket, key);
      // Awaited below once the temp file is written; a rejection until then is not unhandled.
      options?.after?.catch(() => undefined);
      const temp = await guardFs('create', where, () => writeTemp(target, body));
      if (options?.after) {
        // Not the store's fault if this rejects: its error goes out unchanged.
        await options.after.catch(async (error: unknown) => {
          await unlink(temp).catch(() => undefined);
          throw error;
        });
      }
      return guardFs('create', where, async () => {
        if (!(await publishIfAbsent(temp, target))) {
          throw new ConflictError(`${where} already exists`);
        }
        return currentEtag(target) ?? '';
      });
    },

    putIfMatch(bucket, key, body, etag) {
      const target = pathOf(bucket, key);
      return lock.run(`${bucket}/${key}`, () =>
        guardFs('replace', `${bucket}/${key}`, async () => {
          if (currentEtag(target) !== etag) {
            throw new PreconditionFailedError(`${bucket}/${key} changed since it was read`);
          }
          const temp = await writeTemp(target, body);
          await publishReplacing(temp, target);
          return currentEtag(target) ?? '';
        }),
      );
    },

    delete(bucket, key, deleteOptions = {}) {
      const target = pathOf(bucket, key);
      return lock.run(`${bucket}/${key}`, () =>
        guardFs('delete', `${bucket}/${key}`, async () => {
          const etag = currentEtag(target);
          if (etag === undefined) {
            if (deleteOptions.ifMatch !== undefined) {
              throw new PreconditionFailedError(`${bucket}/${key} no longer exists`);
            }
            return false;
          }
          if (deleteOptions.ifMatch !== undefined && deleteOptions.ifMatch !== etag) {
            throw new PreconditionFailedError(`${bucket}/${key} changed since it was read`);
          }
          try {
            await unlink(target);
            return true;
          } catch (error) {
            if (isNotFound(error)) return false;
            throw error;
          }
        }),
      );
    },

    reportsChangesLive: (bucket) => liveWatchers?.has(bucket) ?? false,

    async watch(listener, { signal, initialLoad }) {
      const report = options.onWatchError ?? (() => undefined);
      const emit = (change: StoreChange): void => {
        try {
          listener(change);
        } catch (error) {
          report(error);
        }
      };
      const watchers = new Map<BucketName, FSWatcher>();
      liveWatchers = watchers;
      let rewatch: NodeJS.Timeout | undefined;
      // (Re)creates missing watchers: a watcher lost to an error (or to its directory being
      // replaced) is retried soon, not at the next resync, which may be minutes away.
      const ensureWatchers = (): void => {
        clearTimeout(rewatch);
        for (const bucket of BUCKETS) {
          if (watchers.has(bucket) || signal.aborted || options.watchFiles === false) continue;
          try {
            const watcher = watchDirectory(join(root, bucket), { persistent: false, signal });
            watcher.on('change', (_event, name) => {
              const key = typeof name === 'string' ? name : name?.toString();
              if (key !== undefined && isObjectName(key)) emit({ bucket, key });
            });
            watcher.on('error', (error) => {
              watchers.delete(bucket);
              watcher.close();
              report(error);
              ensureWatchersSoon();
            });
            watchers.set(bucket, watcher);
          } catch (error) {
            report(error);
          }
        }
        if (watchers.size < BUCKETS.length && options.watchFiles !== false) ensureWatchersSoon();
      };
      const ensureWatchersSoon = (): void => {
        if (signal.aborted) return;
        clearTimeout(rewatch);
        rewatch = setTimeout(() => {
          // A bucket directory removed from under us comes back empty, as S3 buckets persist.
          void Promise.all(BUCKETS.map((bucket) => mkdir(join(root, bucket), { recursive: true })))
            .catch(report)
            .finally(ensureWatchers);
        }, options.rewatchIntervalMs ?? 1000);
        rewatch.unref();
      };
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(rewatch);
          if (liveWatchers === watchers) liveWatchers = undefined;
        },
        { once: true },
      );
      ensureWatchers();
      const poller = createResyncPoller({
        buckets: BUCKETS,
        list: (bucket, listSignal) => feedBatches(bucket, listSignal),
        intervalMs: options.resyncIntervalMs,
        onChange: emit,
        onError: report,
        beforeTick: ensureWatchers,
        onResynced: options.onResynced,
        signal,
      });
      if (initialLoad) {
        await loadBuckets({
          root,
          initialLoad,
          signal,
          threads: options.loadThreads ?? DEFAULT_LOAD_THREADS,
          isObjectName,
          remember: (bucket, key, etag) => poller.remember(bucket, key, etag ?? NON_OBJECT_ETAG),
          emit,
          report,
        });
      }
      poller.start(initialLoad !== undefined);
    },
  };
  await removeStaleTempFiles(root);
  return store;
}

/** The resync's version of an entry that cannot be an object: only its coming and going matter. */
const NON_OBJECT_ETAG = 'not-an-object';
const nonObjectInfo = (key: string): ObjectInfo => ({ key, etag: NON_OBJECT_ETAG });

/** A key the store serves: a plain file name (no separators or NUL), not hidden, not a temp file. */
function isObjectName(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !/[/\\\0]/.test(name) && !isTempName(name);
}

function assertKey(key: string): void {
  if (!isObjectName(key)) throw new TypeError(`not a valid object key: ${JSON.stringify(key)}`);
}

const STALE_TEMP_MS = 10 * 60_000;

/** Temp files left by killed writers are garbage once nobody can still be writing them. */
async function removeStaleTempFiles(root: string): Promise<void> {
  const now = Date.now();
  for (const bucket of BUCKETS) {
    const directory = join(root, bucket);
    for (const name of await readdir(directory).catch(() => [])) {
      if (!isTempName(name)) continue;
      const path = join(directory, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }
}
