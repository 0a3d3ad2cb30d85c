import type { Logger } from 'pino';
import { judgeStoredClaim, findType } from '../domain/claims/claim-rules.js';
import { effectiveExpiry } from '../domain/claims/expiry.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import { PayloadTooLargeError, type FieldError } from '../domain/errors.js';
import { formatTimestamp } from '../domain/shared/timestamp.js';
import type { ClaimIndex, IndexedEnvironment } from '../ports/claim-index.js';
import {
  BUCKETS,
  DYNAMIC_BUCKET,
  STATIC_BUCKET,
  type BucketName,
  type ClaimStore,
  type LoadedObject,
  type StoreChange,
  type StoredObject,
} from '../ports/claim-store.js';
import type { Clock } from '../ports/clock.js';
import { createKeyedLock } from '../shared/keyed-lock.js';
import { createClaimInterner } from './claim-interner.js';

/** A claim is a small document; anything larger in a bucket is refused unread. */
export const MAX_CLAIM_BYTES = 1024 * 1024;
const CLAIM_SUFFIX = '.json';

export const claimKey = (name: string): string => `${name}${CLAIM_SUFFIX}`;

/** The environment name a key stands for, or `undefined` if the key is not a claim file. */
function nameOfKey(key: string): string | undefined {
  return key.endsWith(CLAIM_SUFFIX) && key.length > CLAIM_SUFFIX.length
    ? key.slice(0, -CLAIM_SUFFIX.length)
    : undefined;
}

const MAX_RETRY_MS = 30_000;
/**
 * Change-feed keys reconciled at once. A resync that finds many changes (a restore, a bulk
 * `mc cp`) queues them; a bound keeps reads and memory flat instead of starting all at once.
 */
const FEED_CONCURRENCY = 8;

const NOT_A_CLAIM: readonly FieldError[] = [
  { path: '(key)', message: "not a claim: claims are JSON files named '<environment_name>.json'" },
];

export interface ClaimSync {
  /**
   * Re-reads what the buckets hold for environment `name` and brings the index and the
   * rejected list in line. Serialised per name, so the last call always reflects the
   * latest stored state whatever order reads complete in.
   */
  reconcileName(name: string): Promise<void>;
  /**
   * Same for any key a change feed reports, including keys that are not claims; a key whose
   * object is still the one indexed (same bucket and etag) costs one `head`.
   */
  reconcileKey(bucket: BucketName, key: string): Promise<void>;
  /**
   * Runs `write`, which stores the object of environment `name` in `bucket`, under the
   * name's lock, then indexes what it wrote from the bytes in hand: no re-read unless the
   * name is also in the other bucket or indexed from another object. The change feed's echo
   * of the write waits for the lock and then finds the object indexed (one `head`).
   */
  writeThrough(bucket: BucketName, name: string, write: () => Promise<LoadedObject>): Promise<void>;
  /** Reconciles everything the buckets and the index know of. */
  fullSync(): Promise<void>;
  /**
   * Follows the change feed and loads every claim the buckets hold (each object read
   * once); resolves once the index is loaded. Expects an index that holds nothing the
   * buckets lack (a fresh one); `fullSync` reconciles any other.
   */
  start(signal: AbortSignal): Promise<void>;
  isReady(): boolean;
}

/**
 * Keeps the index a faithful view of the buckets. The buckets are the truth: each change
 * is handled by re-reading both buckets for the name involved, never by trusting an event.
 * A bad document only ever becomes a rejected-claim entry; it cannot stop the loop.
 */
export function createClaimSync(deps: {
  store: ClaimStore;
  index: ClaimIndex;
  catalogue: EnvironmentTypeCatalogue;
  clock: Clock;
  logger: Logger;
  /** Told after each reconcile of a name (the deployer re-renders or removes it). */
  onReconciled?: (name: string) => void;
}): ClaimSync {
  const { store, index, catalogue, clock, logger } = deps;
  const lock = createKeyedLock();
  const intern = createClaimInterner();
  const queued = new Map<string, StoreChange>();
  let running = 0;
  let ready = false;
  let lifetime: AbortSignal | undefined;

  /**
   * Reconciles a key and, if that fails (an I/O error, say), tries again with back-off
   * until it succeeds or the sync stops: an unchanged file would never be reported again.
   */
  async function follow(bucket: BucketName, key: string, attempt = 0): Promise<void> {
    try {
      await sync.reconcileKey(bucket, key);
    } catch (error) {
      if (lifetime?.aborted) return;
      const retryInMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** attempt);
      logger.error({ err: error, bucket, key, retry_in_ms: retryInMs }, 'reconcile failed');
      setTimeout(() => void follow(bucket, key, attempt + 1), retryInMs).unref();
    }
  }

  /** Queues a change-feed key; a key already waiting is not queued twice (bursts coalesce). */
  function enqueue(change: StoreChange): void {
    const id = `${change.bucket}/${change.key}`;
    if (queued.has(id)) return;
    queued.set(id, change);
    drain();
  }

  function drain(): void {
    while (running < FEED_CONCURRENCY && queued.size > 0) {
      const [id, change] = queued.entries().next().value as [string, StoreChange];
      queued.delete(id);
      running++;
      void follow(change.bucket, change.key).finally(() => {
        running--;
        drain();
      });
    }
  }

  function judge(bucket: BucketName, name: string, object: LoadedObject | StoredObject): Judged {
    if (object.body === undefined) {
      const message = `${bucket}/${object.key} is ${'size' in object ? object.size : '?'} bytes; the limit is ${MAX_CLAIM_BYTES}`;
      return {
        bucket,
        etag: '',
        verdict: { valid: false, reasons: [{ path: '(root)', message }] },
      };
    }
    const { body } = object;
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    return { bucket, etag: object.etag, verdict: judgeStoredClaim(name, text, catalogue) };
  }

  async function read(bucket: BucketName, name: string): Promise<Judged | undefined> {
    let object: StoredObject | undefined;
    try {
      object = await store.get(bucket, claimKey(name), { maxBytes: MAX_CLAIM_BYTES });
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      return {
        bucket,
        etag: '',
        verdict: { valid: false, reasons: [{ path: '(root)', message: error.message }] },
      };
    }
    return object && judge(bucket, name, object);
  }

  function entryOf(judged: Judged & { verdict: { valid: true } }): IndexedEnvironment {
    const claim = intern(judged.verdict.claim);
    const type = findType(catalogue, claim.environment_type);
    return {
      claim,
      bucket: judged.bucket,
      etag: judged.etag,
      expiresAt: type ? effectiveExpiry(claim, type) : null,
    };
  }

  async function reject(
    bucket: BucketName,
    key: string,
    reasons: readonly FieldError[] | undefined,
  ): Promise<void> {
    const previous = await index.getRejected(bucket, key);
    if (!reasons) {
      if (previous) await index.setRejected(bucket, key, undefined);
      return;
    }
    if (previous && JSON.stringify(previous.reasons) === JSON.stringify(reasons)) return;
    logger.warn({ bucket, key, reasons }, 'rejected claim document');
    await index.setRejected(bucket, key, {
      bucket,
      key,
      reasons,
      observedAt: formatTimestamp(clock.now()),
    });
  }

  /** The body of `reconcileName`; the caller holds the name's lock. */
  async function reconcileLocked(name: string): Promise<void> {
    const [staticDoc, dynamicDoc] = await Promise.all([
      read(STATIC_BUCKET, name),
      read(DYNAMIC_BUCKET, name),
    ]);
    // A name lives in one bucket only; if both hold it, the Git-managed one wins.
    const winner = [staticDoc, dynamicDoc].find((doc) => doc?.verdict.valid);
    for (const [bucket, doc] of [
      [STATIC_BUCKET, staticDoc],
      [DYNAMIC_BUCKET, dynamicDoc],
    ] as const) {
      let reasons = doc && !doc.verdict.valid ? doc.verdict.reasons : undefined;
      if (doc && doc !== winner && doc.verdict.valid) {
        reasons = [
          {
            path: 'environment_name',
            message: `'${name}' is also a static environment; the claim in static-environments wins`,
          },
        ];
      }
      await reject(bucket, claimKey(name), reasons);
    }
    if (winner?.verdict.valid) await index.upsert(entryOf({ ...winner, verdict: winner.verdict }));
    else await index.remove(name);
    deps.onReconciled?.(name);
  }

  /**
   * Applies one object read by the initial load or just written by this process, under
   * its name's lock (a change-feed reconcile of the same name, queued later, then runs
   * after it). A name the other bucket also holds, or one already known, takes the full
   * two-bucket reconcile (unless it is this very object, already indexed); the rest (all
   * but a few) are judged from the bytes in hand. Returns the change in indexed names.
   */
  async function applyObject(bucket: BucketName, object: LoadedObject): Promise<number> {
    const name = nameOfKey(object.key);
    if (name === undefined) {
      await reject(bucket, object.key, NOT_A_CLAIM);
      return 0;
    }
    return lock.run(name, () => applyLocked(bucket, name, object));
  }

  /** The body of `applyObject`; the caller holds the name's lock. */
  async function applyLocked(
    bucket: BucketName,
    name: string,
    object: LoadedObject,
  ): Promise<number> {
    const other = bucket === STATIC_BUCKET ? DYNAMIC_BUCKET : STATIC_BUCKET;
    const before = await index.get(name);
    if (before?.bucket === bucket && before.etag === object.etag) return 0;
    if (before !== undefined || (await index.getRejected(other, object.key)) !== undefined) {
      await reconcileLocked(name);
      return ((await index.get(name)) ? 1 : 0) - (before ? 1 : 0);
    }
    const judged = judge(bucket, name, object);
    if (judged.verdict.valid) {
      await index.upsert(entryOf({ ...judged, verdict: judged.verdict }));
    } else {
      await reject(bucket, object.key, judged.verdict.reasons);
    }
    deps.onReconciled?.(name);
    return judged.verdict.valid ? 1 : 0;
  }

  const sync: ClaimSync = {
    reconcileName(name) {
      return lock.run(name, () => reconcileLocked(name));
    },

    async reconcileKey(bucket, key) {
      const name = nameOfKey(key);
      if (name === undefined) {
        await reject(bucket, key, (await store.head(bucket, key)) ? NOT_A_CLAIM : undefined);
        return;
      }
      await lock.run(name, async () => {
        // Most events are the echo of a write already indexed (the API's own create, say):
        // the object is still the one indexed, so nothing changed for this key.
        const indexed = await index.get(name);
        if (indexed?.bucket === bucket && indexed.etag === (await store.head(bucket, key))) return;
        await reconcileLocked(name);
      });
    },

    async writeThrough(bucket, name, write) {
      const object = await lock.run(name, async () => {
        const written = await write();
        await applyLocked(bucket, name, written);
        return written;
      });
      // Another writer may have replaced or removed the object after `write` and before its
      // event: one more look (a `head`) through the feed puts the index right after it.
      enqueue({ bucket, key: object.key });
    },

    async fullSync() {
      const names = new Set<string>();
      const others: [BucketName, string][] = [];
      const note = (bucket: BucketName, key: string): void => {
        const name = nameOfKey(key);
        if (name === undefined) others.push([bucket, key]);
        else names.add(name);
      };
      for (const bucket of BUCKETS) {
        for (const info of await store.list(bucket)) note(bucket, info.key);
      }
      for (const rejected of await index.listRejected()) note(rejected.bucket, rejected.key);
      for await (const item of allIndexed(index)) names.add(item.claim.environment_name);
      // One unreadable document must not keep the rest of the index from loading.
      const work = [
        ...others,
        ...[...names].map((name): [BucketName, string] => [DYNAMIC_BUCKET, claimKey(name)]),
      ];
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let item = work[next++]; item; item = work[next++]) await follow(...item);
      };
      await Promise.all(Array.from({ length: FEED_CONCURRENCY }, worker));
    },

    async start(signal) {
      lifetime = signal;
      let environments = 0;
      await store.watch(enqueue, {
        signal,
        initialLoad: {
          maxBytes: MAX_CLAIM_BYTES,
          onObjects: async (bucket, objects) => {
            const counts = await Promise.all(
              objects.map((object) =>
                applyObject(bucket, object).catch((error: unknown) => {
                  // One bad apply must not stop the load; the feed's retry takes it over.
                  logger.error({ err: error, bucket, key: object.key }, 'load failed');
                  enqueue({ bucket, key: object.key });
                  return 0;
                }),
              ),
            );
            for (const count of counts) environments += count;
          },
        },
      });
      ready = true;
      logger.info({ environments }, 'claim index loaded');
    },

    isReady: () => ready,
  };
  return sync;
}

interface Judged {
  readonly bucket: BucketName;
  readonly etag: string;
  readonly verdict: ReturnType<typeof judgeStoredClaim>;
}

/** Every indexed environment, page by page. */
export async function* allIndexed(index: ClaimIndex): AsyncGenerator<IndexedEnvironment> {
  let after: string | undefined;
  for (;;) {
    const page = await index.query({ after, limit: 1000 });
    yield* page.items;
    if (!page.hasMore) return;
    after = page.items.at(-1)?.claim.environment_name;
  }
}
