import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { BadGatewayError } from '../../domain/errors.js';
import type { RenderedStore } from '../../ports/rendered-store.js';
import { createS3Clients, type S3Clients, type S3ConnectionOptions } from './s3-client.js';
import { isNotFound, toStoreError } from './s3-errors.js';

import { RECORDS_KEY_PREFIX, RENDERED_KEY_PREFIX } from './s3-rendered-layout.js';

export { RECORDS_KEY_PREFIX, RENDERED_KEY_PREFIX } from './s3-rendered-layout.js';

export interface S3RenderedStoreOptions {
  readonly connection: S3ConnectionOptions;
  /** The one bucket holding both prefixes (`store.s3.buckets.rendered`). */
  readonly bucket: string;
  /** For tests: clients to use instead of building them from `connection`. */
  readonly clients?: S3Clients;
  /** How many environments' file hashes are remembered between renders (default 4096). */
  readonly cachedEnvironments?: number;
}

/** The same rule as the fs adapter, so a path one adapter takes the other takes too. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;
/** HEADs in flight at once when hashes are not cached (a cold start, out-of-band writes). */
const HEAD_CONCURRENCY = 16;

function assertSegment(segment: string, what: string): void {
  if (!SEGMENT.test(segment) || segment.includes('..')) {
    throw new TypeError(`not a valid ${what}: ${JSON.stringify(segment)}`);
  }
}

/** S3 answers etags quoted in some calls and not in others; compare them bare. */
const bare = (etag: string | undefined): string => (etag ?? '').replaceAll('"', '');
const sha256Hex = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

interface Known {
  readonly etag: string;
  readonly sha256: string;
}

/**
 * The `RenderedStore` port on any S3 API, in one bucket: files under
 * `rendered/<env>/<path>`, records under `deployments/<env>.json` (Flux's `Bucket` source
 * reads the first prefix; the platform alone reads the second).
 *
 * Each file's SHA-256 travels with it as user metadata (`x-amz-meta-sha256`), because the
 * etag is not a content hash we can compare with (MD5 at best; opaque under SSE-KMS or
 * multipart). Listings do not carry metadata, so `hashes` lists the prefix and reuses the
 * hash it saw for an unchanged etag: a steady re-render costs one LIST, and a HEAD is paid
 * only for a key whose etag is new to this process (a restart, an out-of-band write). A key
 * without the metadata is read and hashed once, so a foreign copy is still compared truly.
 *
 * Faults map through `toStoreError` (503 with `Retry-After`, or 502 on a refusal).
 */
export async function createS3RenderedStore(
  options: S3RenderedStoreOptions,
): Promise<RenderedStore> {
  const { read, write } = options.clients ?? createS3Clients(options.connection);
  const Bucket = options.bucket;
  const limit = options.cachedEnvironments ?? 4096;
  // Least recently used first (Map keeps insertion order): bounded memory at any scale.
  const cache = new Map<string, Map<string, Known>>();
  const remember = (environment: string, known: Map<string, Known>): void => {
    cache.delete(environment);
    cache.set(environment, known);
    for (const oldest of cache.keys()) {
      if (cache.size <= limit) break;
      cache.delete(oldest);
    }
  };

  const guard = async <T>(operation: string, key: string, work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, operation, `${Bucket}/${key}`);
    }
  };
  const prefixOf = (environment: string): string => {
    assertSegment(environment, 'environment name');
    return `${RENDERED_KEY_PREFIX}${environment}/`;
  };
  const fileKey = (environment: string, path: string): string => {
    for (const segment of path.split('/')) assertSegment(segment, 'rendered path');
    return `${prefixOf(environment)}${path}`;
  };
  const recordKey = (environment: string): string => {
    assertSegment(environment, 'environment name');
    return `${RECORDS_KEY_PREFIX}${environment}.json`;
  };

  async function* pages(prefix: string, delimiter?: string) {
    let ContinuationToken: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await read.send(
        new ListObjectsV2Command({
          Bucket,
          Prefix: prefix,
          ...(delimiter === undefined ? {} : { Delimiter: delimiter }),
          ...(ContinuationToken === undefined ? {} : { ContinuationToken }),
        }),
      );
      yield page;
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async function listKeys(prefix: string): Promise<{ key: string; etag: string }[]> {
    const keys: { key: string; etag: string }[] = [];
    for await (const page of pages(prefix)) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push({ key: object.Key, etag: bare(object.ETag) });
      }
    }
    return keys;
  }

  /** The hash of one object whose etag we have not seen: its metadata, else its bytes. */
  async function hashOf(key: string): Promise<Known> {
    const head = await read.send(new HeadObjectCommand({ Bucket, Key: key }));
    const stated = head.Metadata?.sha256;
    if (stated !== undefined && SHA256_HEX.test(stated)) {
      return { etag: bare(head.ETag), sha256: stated };
    }
    const object = await read.send(new GetObjectCommand({ Bucket, Key: key }));
    const body = await object.Body?.transformToByteArray();
    return { etag: bare(object.ETag), sha256: sha256Hex(body ?? new Uint8Array()) };
  }

  async function put(key: string, body: Uint8Array, sha256: string): Promise<string> {
    const answer = await write.send(
      new PutObjectCommand({ Bucket, Key: key, Body: body, Metadata: { sha256 } }),
    );
    return bare(answer.ETag);
  }

  await guard('open', '', async () => {
    try {
      await read.send(new HeadBucketCommand({ Bucket }));
    } catch (error) {
      // HEAD has no body, so a missing bucket is a bare 404 rather than `NoSuchBucket`.
      if (!isNotFound(error)) throw error;
      throw new BadGatewayError(`the rendered bucket ${Bucket} does not exist`, { cause: error });
    }
  });

  // Async methods: a bad name rejects like any other failure instead of throwing.
  return {
    location: `s3://${Bucket}`,

    async hashes(environment) {
      const prefix = prefixOf(environment);
      return guard('list', prefix, async () => {
        const previous = cache.get(environment) ?? new Map<string, Known>();
        const known = new Map<string, Known>();
        const listed = await listKeys(prefix);
        const unknown = listed.filter(({ key, etag }) => {
          const path = key.slice(prefix.length);
          const seen = previous.get(path);
          if (seen === undefined || seen.etag !== etag) return true;
          known.set(path, seen);
          return false;
        });
        for (let i = 0; i < unknown.length; i += HEAD_CONCURRENCY) {
          const batch = unknown.slice(i, i + HEAD_CONCURRENCY);
          const found = await Promise.all(
            batch.map(({ key }) =>
              hashOf(key).catch((error: unknown) => {
                // Deleted between the listing and the HEAD: it is simply not there.
                if (isNotFound(error)) return undefined;
                throw error;
              }),
            ),
          );
          batch.forEach(({ key }, j) => {
            const hash = found[j];
            if (hash !== undefined) known.set(key.slice(prefix.length), hash);
          });
        }
        remember(environment, known);
        const sorted = [...known].sort(([a], [b]) => (a < b ? -1 : 1));
        return new Map(sorted.map(([path, { sha256 }]) => [path, sha256]));
      });
    },

    async writeFile(environment, path, body) {
      const key = fileKey(environment, path);
      return guard('write', key, async () => {
        const sha256 = sha256Hex(body);
        const etag = await put(key, body, sha256);
        // Remembered only if the environment is: a partial entry would hide other files.
        cache.get(environment)?.set(path, { etag, sha256 });
      });
    },

    async removeFile(environment, path) {
      const key = fileKey(environment, path);
      return guard('remove', key, async () => {
        await write.send(new DeleteObjectCommand({ Bucket, Key: key }));
        cache.get(environment)?.delete(path);
      });
    },

    async removeEnvironment(environment) {
      const prefix = prefixOf(environment);
      const record = recordKey(environment);
      return guard('remove', prefix, async () => {
        cache.delete(environment);
        const keys = (await listKeys(prefix)).map(({ key }) => key);
        // DELETE answers 204 whether or not the key was there; only a HEAD can say.
        const hadRecord = await read.send(new HeadObjectCommand({ Bucket, Key: record })).then(
          () => true,
          (error: unknown) => {
            if (isNotFound(error)) return false;
            throw error;
          },
        );
        if (hadRecord) keys.push(record);
        for (let i = 0; i < keys.length; i += DELETE_BATCH) {
          const Objects = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
          // DeleteObjects requires a body checksum. Under `requestChecksumCalculation:
          // 'WHEN_REQUIRED'` SDK 3.11xx sends `x-amz-checksum-crc32`, not `Content-MD5`; Ceph
          // RGW takes it (the contract test deletes 1,005 keys there). A store that insists
          // on Content-MD5 would answer 400 here, which surfaces as the SDK's error.
          const answer = await write.send(
            new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }),
          );
          const failed = answer.Errors?.[0];
          if (failed !== undefined) {
            throw Object.assign(new Error(`could not delete ${failed.Key}: ${failed.Code}`), {
              name: failed.Code,
              // A per-key failure arrives inside a 200; treat it as the store's fault.
              $metadata: { httpStatusCode: failed.Code === 'AccessDenied' ? 403 : 500 },
            });
          }
        }
        return keys.length > 0;
      });
    },

    environments() {
      return guard('list', RENDERED_KEY_PREFIX, async () => {
        const names = new Set<string>();
        for await (const page of pages(RENDERED_KEY_PREFIX, '/')) {
          for (const { Prefix } of page.CommonPrefixes ?? []) {
            if (Prefix !== undefined) names.add(Prefix.slice(RENDERED_KEY_PREFIX.length, -1));
          }
        }
        for await (const page of pages(RECORDS_KEY_PREFIX, '/')) {
          for (const { Key } of page.Contents ?? []) {
            if (Key?.endsWith('.json') === true) {
              names.add(Key.slice(RECORDS_KEY_PREFIX.length, -'.json'.length));
            }
          }
        }
        return [...names].filter((name) => SEGMENT.test(name) && !name.includes('..')).sort();
      });
    },

    async readRecord(environment) {
      const key = recordKey(environment);
      return guard('read', key, async () => {
        try {
          const object = await read.send(new GetObjectCommand({ Bucket, Key: key }));
          return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
    },

    async writeRecord(environment, body) {
      const key = recordKey(environment);
      return guard('write', key, async () => {
        await put(key, body, sha256Hex(body));
      });
    },
  };
}
