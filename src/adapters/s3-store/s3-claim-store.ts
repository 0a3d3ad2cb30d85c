import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  ConflictError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from '../../domain/errors.js';
import type {
  BucketName,
  ClaimStore,
  LoadedObject,
  ObjectInfo,
  StoreChange,
} from '../../ports/claim-store.js';
import { BUCKETS } from '../../ports/claim-store.js';
import type { KeyedLock } from '../../shared/keyed-lock.js';
import { createResyncPoller, type ResyncObserver } from '../change-feed/resync-poller.js';
import { createS3Clients, type S3Clients, type S3ConnectionOptions } from './s3-client.js';
import { isNotFound, statusOf, toStoreError } from './s3-errors.js';
import { probeConditionalWrites } from './s3-probe.js';

export interface S3ClaimStoreOptions {
  readonly connection: S3ConnectionOptions;
  /** The S3 bucket behind each logical bucket of the port. */
  readonly buckets: Readonly<Record<BucketName, string>>;
  /** How often the change feed re-lists the buckets (the safety net under notifications). */
  readonly resyncIntervalMs: number;
  /** Start even if the store ignores conditional writes (races then lose updates). */
  readonly unsafeWithoutConditionalWrites?: boolean;
  /**
   * Where the store ignores conditional writes: a lock every writer shares (PostgreSQL's,
   * across replicas), under which a HEAD decides what the condition would have. Creates,
   * replaces and deletes of one object then never interleave, and the unsafe flag is not
   * needed. Writers that bypass the platform still race; a store that honours conditional
   * writes does not use the lock.
   */
  readonly writeLock?: KeyedLock;
  /** For tests: skip the probe and treat the store as one that ignores conditional writes. */
  readonly assumeNoConditionalWrites?: boolean;
  readonly logger?: { warn(details: object, message: string): void };
  readonly onWatchError?: (error: unknown) => void;
  /** GETs in flight during the initial load (default 16). */
  readonly loadConcurrency?: number;
  /** For tests: clients built elsewhere. */
  readonly clients?: S3Clients;
  /** Told after each periodic resync (`platform_resync_duration_seconds`). */
  readonly onResynced?: ResyncObserver | undefined;
}

/**
 * The `ClaimStore` port on any S3 API. Etags are kept without quotes, as Ceph RGW 16
 * compares `If-Match` against the bare etag (a quoted one never matches there).
 * Only top-level keys (no `/`) are objects. Creation probes the store's conditional writes
 * and refuses a store that ignores them, unless `unsafeWithoutConditionalWrites` is set.
 */
export async function createS3ClaimStore(options: S3ClaimStoreOptions): Promise<ClaimStore> {
  const clients = options.clients ?? createS3Clients(options.connection);
  const { read, write } = clients;
  const names = options.buckets;
  const where = (bucket: BucketName, key: string) => `${names[bucket]}/${key}`;
  const listeners = new Set<(change: StoreChange) => void>();
  const report = options.onWatchError ?? (() => undefined);
  const emit = (change: StoreChange): void => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        report(error);
      }
    }
  };
  const guard = async <T>(operation: string, resource: string, work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, operation, resource);
    }
  };

  const honoured =
    options.assumeNoConditionalWrites !== true &&
    (await probeConditionalWrites(write, names[BUCKETS[0]]));
  // Conditions checked under the shared lock instead of by the store.
  const emulatedBy = honoured ? undefined : options.writeLock;
  if (!honoured && emulatedBy) {
    options.logger?.warn(
      { store: 's3' },
      `the S3 store at ${options.connection.endpoint ?? 'AWS'} ignores conditional writes; creates, replaces and deletes are serialized through the database's lock per object instead`,
    );
  } else if (!honoured) {
    const message =
      `the S3 store at ${options.connection.endpoint ?? 'AWS'} ignores conditional writes ` +
      '(If-None-Match / If-Match): concurrent creates and updates could silently overwrite each other';
    if (options.unsafeWithoutConditionalWrites !== true) {
      throw new Error(
        `${message}. Configure index.type: postgres (writes are then serialized through its locks) or set store.s3.unsafeWithoutConditionalWrites: true to start anyway`,
      );
    }
    options.logger?.warn(
      { store: 's3' },
      `UNSAFE: ${message}; starting because unsafeWithoutConditionalWrites is set`,
    );
  }

  async function* listBatches(bucket: BucketName, signal?: AbortSignal) {
    let token: string | undefined;
    do {
      const page = await guard('list', names[bucket], () =>
        read.send(
          new ListObjectsV2Command({
            Bucket: names[bucket],
            // With a delimiter, keys under a prefix come back as CommonPrefixes, not objects.
            Delimiter: '/',
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
          signal === undefined ? {} : { abortSignal: signal },
        ),
      );
      const batch: (ObjectInfo & { size: number })[] = [];
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !isObjectKey(object.Key)) continue;
        batch.push({ key: object.Key, etag: bare(object.ETag), size: object.Size ?? 0 });
      }
      yield batch;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined && signal?.aborted !== true);
  }

  /** Runs `work` under the shared write lock when conditions are emulated; else at once. */
  function serialized<T>(bucket: BucketName, key: string, work: () => Promise<T>): Promise<T> {
    return emulatedBy ? emulatedBy.run(`${bucket}/${key}`, work) : work();
  }

  async function deleteObject(
    bucket: BucketName,
    key: string,
    { ifMatch }: { ifMatch?: string | undefined },
  ): Promise<boolean> {
    // S3's DELETE answers 204 whether or not the key existed: a HEAD tells absence. Ceph
    // RGW 16 ignores If-Match on DELETE (measured: 204 with a wrong etag), so the etag is
    // compared here too; between this HEAD and the DELETE a replace can still slip in on
    // RGW, unless writes are serialized under `writeLock`. Stores that honour it (AWS since 2025)
    // refuse that race with the header we send.
    const current = await store.head(bucket, key);
    if (current === undefined) {
      if (ifMatch !== undefined) {
        throw new PreconditionFailedError(`${where(bucket, key)} no longer exists`);
      }
      return false;
    }
    if (ifMatch !== undefined && ifMatch !== current) {
      throw new PreconditionFailedError(`${where(bucket, key)} changed since it was read`);
    }
    await guard('delete', where(bucket, key), async () => {
      try {
        await write.send(
          new DeleteObjectCommand({
            Bucket: names[bucket],
            Key: key,
            ...(ifMatch === undefined ? {} : { IfMatch: ifMatch }),
          }),
        );
      } catch (error) {
        if (statusOf(error) === 412) {
          throw new PreconditionFailedError(`${where(bucket, key)} changed since it was read`, {
            cause: error,
          });
        }
        throw error;
      }
    });
    return true;
  }

  const store: ClaimStore = {
    get(bucket, key, getOptions = {}) {
      assertKey(key);
      return guard('read', where(bucket, key), async () => {
        let response;
        try {
          response = await read.send(new GetObjectCommand({ Bucket: names[bucket], Key: key }));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
        const size = response.ContentLength ?? 0;
        if (getOptions.maxBytes !== undefined && size > getOptions.maxBytes) {
          // Not read: the body is dropped unconsumed.
          (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
          throw new PayloadTooLargeError(
            `${where(bucket, key)} is ${size} bytes; the limit is ${getOptions.maxBytes}`,
          );
        }
        const body = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
        const modifiedAt = response.LastModified;
        return { key, body, etag: bare(response.ETag), ...(modifiedAt ? { modifiedAt } : {}) };
      });
    },

    head(bucket, key) {
      assertKey(key);
      return guard('head', where(bucket, key), async () => {
        try {
          const response = await read.send(
            new HeadObjectCommand({ Bucket: names[bucket], Key: key }),
          );
          return bare(response.ETag);
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
    },

    list(bucket) {
      return guard('list', names[bucket], async () => {
        const infos: ObjectInfo[] = [];
        for await (const batch of listBatches(bucket)) {
          for (const { key, etag } of batch) infos.push({ key, etag });
        }
        return infos.sort((a, b) => (a.key < b.key ? -1 : 1));
      });
    },

    async putIfAbsent(bucket, key, body, options) {
      assertKey(key);
      // A PUT has no prepared state to build meanwhile: it starts once `after` resolves.
      await options?.after;
      const etag = await serialized(bucket, key, () =>
        guard('create', where(bucket, key), async () => {
          if (emulatedBy && (await store.head(bucket, key)) !== undefined) {
            throw new ConflictError(`${where(bucket, key)} already exists`);
          }
          try {
            const condition = emulatedBy ? {} : { IfNoneMatch: '*' };
            const response = await write.send(
              new PutObjectCommand({ Bucket: names[bucket], Key: key, Body: body, ...condition }),
            );
            return bare(response.ETag);
          } catch (error) {
            // 412 on RGW and AWS; 409 when AWS sees a concurrent conditional write.
            const status = statusOf(error);
            if (status === 412 || status === 409) {
              throw new ConflictError(`${where(bucket, key)} already exists`, { cause: error });
            }
            throw error;
          }
        }),
      );
      emit({ bucket, key });
      return etag;
    },

    async putIfMatch(bucket, key, body, etag) {
      assertKey(key);
      const next = await serialized(bucket, key, () =>
        guard('replace', where(bucket, key), async () => {
          if (emulatedBy && (await store.head(bucket, key)) !== etag) {
            throw new PreconditionFailedError(`${where(bucket, key)} changed since it was read`);
          }
          try {
            const condition = emulatedBy ? {} : { IfMatch: etag };
            const response = await write.send(
              new PutObjectCommand({ Bucket: names[bucket], Key: key, Body: body, ...condition }),
            );
            return bare(response.ETag);
          } catch (error) {
            const status = statusOf(error);
            if (status === 412 || status === 409 || isNotFound(error)) {
              throw new PreconditionFailedError(`${where(bucket, key)} changed since it was read`, {
                cause: error,
              });
            }
            throw error;
          }
        }),
      );
      emit({ bucket, key });
      return next;
    },

    async delete(bucket, key, deleteOptions = {}) {
      assertKey(key);
      const deleted = await serialized(bucket, key, () => deleteObject(bucket, key, deleteOptions));
      if (deleted) emit({ bucket, key });
      return deleted;
    },

    async watch(listener, { signal, initialLoad }) {
      listeners.add(listener);
      signal.addEventListener('abort', () => listeners.delete(listener), { once: true });
      const poller = createResyncPoller({
        buckets: BUCKETS,
        list: (bucket, listSignal) => listBatches(bucket, listSignal),
        intervalMs: options.resyncIntervalMs,
        onChange: emit,
        onError: report,
        onResynced: options.onResynced,
        signal,
      });
      if (initialLoad) {
        const concurrency = options.loadConcurrency ?? 16;
        for (const bucket of BUCKETS) {
          for await (const page of listBatches(bucket, signal)) {
            for (let i = 0; i < page.length && !signal.aborted; i += concurrency) {
              const chunk = page.slice(i, i + concurrency);
              const settled = await Promise.allSettled(
                chunk.map((info) => loadOne(bucket, info, initialLoad.maxBytes)),
              );
              const objects: LoadedObject[] = [];
              settled.forEach((result, n) => {
                if (result.status === 'fulfilled') {
                  if (result.value) objects.push(result.value);
                } else {
                  // Not remembered: the next resync reports it again if it is still there.
                  report(result.reason);
                  emit({ bucket, key: chunk[n]!.key });
                }
              });
              for (const object of objects) poller.remember(bucket, object.key, object.etag);
              await initialLoad.onObjects(bucket, objects);
            }
          }
        }
      }
      if (initialLoad) {
        poller.start(true);
        return;
      }
      // The baseline is listed before `watch` resolves: a write right after it must be a
      // change against the baseline, not part of it (S3 has no watcher to catch it).
      try {
        for (const bucket of BUCKETS) {
          for await (const batch of listBatches(bucket, signal)) {
            for (const { key, etag } of batch) poller.remember(bucket, key, etag);
          }
        }
        poller.start(true);
      } catch (error) {
        report(error);
        poller.start(false);
      }
    },
  };

  /** One object of the initial load; an over-size one (by its listed size) is not read. */
  async function loadOne(
    bucket: BucketName,
    info: ObjectInfo & { size: number },
    maxBytes: number,
  ): Promise<LoadedObject | undefined> {
    if (info.size > maxBytes) return { ...info, body: undefined };
    try {
      const object = await store.get(bucket, info.key, { maxBytes });
      return (
        object && { key: info.key, etag: object.etag, size: object.body.length, body: object.body }
      );
    } catch (error) {
      // Grown past the limit since it was listed.
      if (error instanceof PayloadTooLargeError) return { ...info, body: undefined };
      throw error;
    }
  }

  return store;
}

/** S3 quotes etags (`"abc"`); the port keeps them bare, as RGW's If-Match wants them. */
function bare(etag: string | undefined): string {
  return (etag ?? '').replace(/^(W\/)?"|"$/g, '');
}

function isObjectKey(key: string): boolean {
  return key !== '' && !key.includes('/');
}

function assertKey(key: string): void {
  if (!isObjectKey(key)) throw new TypeError(`not a valid object key: ${JSON.stringify(key)}`);
}
