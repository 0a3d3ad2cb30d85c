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
  type StoredObject,
} from '../ports/claim-store.js';
import type { Clock } from '../ports/clock.js';
import { createKeyedLock } from '../shared/keyed-lock.js';

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

export interface ClaimSync {
  /**
   * Re-reads what the buckets hold for environment `name` and brings the index and the
   * rejected list in line. Serialised per name, so the last call always reflects the
   * latest stored state whatever order reads complete in.
   */
  reconcileName(name: string): Promise<void>;
  /** Same for any key a change feed reports, including keys that are not claims. */
  reconcileKey(bucket: BucketName, key: string): Promise<void>;
  /** Reconciles everything the buckets and the index know of. */
  fullSync(): Promise<void>;
  /** Follows the change feed, then loads everything; resolves once the index is loaded. */
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
  const queued = new Set<string>();
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
    if (!object) return undefined;
    const verdict = judgeStoredClaim(name, Buffer.from(object.body).toString('utf8'), catalogue);
    return { bucket, etag: object.etag, verdict };
  }

  async function reject(
    bucket: BucketName,
    key: string,
    reasons: readonly FieldError[] | undefined,
  ): Promise<void> {
    if (!reasons) return index.setRejected(bucket, key, undefined);
    const previous = (await index.listRejected()).find(
      (entry) => entry.bucket === bucket && entry.key === key,
    );
    if (previous && JSON.stringify(previous.reasons) === JSON.stringify(reasons)) return;
    logger.warn({ bucket, key, reasons }, 'rejected claim document');
    await index.setRejected(bucket, key, {
      bucket,
      key,
      reasons,
      observedAt: formatTimestamp(clock.now()),
    });
  }

  const sync: ClaimSync = {
    reconcileName(name) {
      return lock.run(name, async () => {
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
        if (winner?.verdict.valid) {
          const { claim } = winner.verdict;
          const type = findType(catalogue, claim.environment_type);
          const entry: IndexedEnvironment = {
            claim,
            bucket: winner.bucket,
            etag: winner.etag,
            expiresAt: type ? effectiveExpiry(claim, type) : null,
          };
          await index.upsert(entry);
        } else {
          await index.remove(name);
        }
        deps.onReconciled?.(name);
      });
    },

    async reconcileKey(bucket, key) {
      const name = nameOfKey(key);
      if (name !== undefined) return sync.reconcileName(name);
      const present = (await store.list(bucket)).some((info) => info.key === key);
      const reasons: FieldError[] = [
        {
          path: '(key)',
          message: "not a claim: claims are JSON files named '<environment_name>.json'",
        },
      ];
      await reject(bucket, key, present ? reasons : undefined);
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
      for (const [bucket, key] of others) await follow(bucket, key);
      for (const name of names) await follow(DYNAMIC_BUCKET, claimKey(name));
    },

    async start(signal) {
      lifetime = signal;
      store.watch(
        (change) => {
          const id = `${change.bucket}/${change.key}`;
          // Coalesce bursts (a write fires several watch events): one queued re-read suffices.
          if (queued.has(id)) return;
          queued.add(id);
          queueMicrotask(() => {
            queued.delete(id);
            void follow(change.bucket, change.key);
          });
        },
        { signal },
      );
      await sync.fullSync();
      ready = true;
      let environments = 0;
      for await (const _ of allIndexed(index)) environments++;
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
