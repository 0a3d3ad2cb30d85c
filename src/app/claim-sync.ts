import type { Logger } from 'pino';
import { findType } from '../domain/claims/claim-rules.js';
import { effectiveExpiry } from '../domain/claims/expiry.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import { PayloadTooLargeError, type FieldError } from '../domain/errors.js';
import { formatTimestamp } from '../domain/shared/timestamp.js';
import type { ClaimIndex, IndexedEnvironment, ObjectRef } from '../ports/claim-index.js';
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
import { createChangeFollower, FEED_CONCURRENCY } from './change-follower.js';
import { createClaimInterner } from './claim-interner.js';
import { comparePrecedence, lostTo, type ClaimHolder } from './claim-precedence.js';
import {
  claimKey,
  createClaimJudge,
  hasPrefix,
  isClaimKey,
  MAX_CLAIM_BYTES,
  NOT_A_CLAIM,
  stemOf,
  type Reading,
} from './claim-reading.js';

export { claimKey, MAX_CLAIM_BYTES } from './claim-reading.js';

export interface ClaimSync {
  /**
   * Re-reads every object that holds or may hold environment `name` (the keys recorded for
   * it and `<name>.json` in both buckets) and brings the index and the rejected list in
   * line. Serialised per name, so the last call always reflects the latest stored state
   * whatever order reads complete in.
   */
  reconcileName(name: string): Promise<void>;
  /**
   * Same for any key a change feed reports, including keys that are not claims; a key whose
   * object is still the one indexed (same bucket, key and etag) costs one `head`.
   */
  reconcileKey(bucket: BucketName, key: string): Promise<void>;
  /**
   * Runs `write`, which stores the object of environment `name` in `bucket`, under the
   * name's lock, then indexes what it wrote from the bytes in hand: no re-read unless
   * another object also claims the name. The change feed's echo of the write waits for the
   * lock and then finds the object indexed (one `head`).
   */
  writeThrough(bucket: BucketName, name: string, write: () => Promise<LoadedObject>): Promise<void>;
  /**
   * Runs `change`, which writes or removes the object of environment `name` (an update, a
   * delete), then reconciles the name, both under the name's lock — even when `change`
   * throws. The change feed's echo then finds the index current, so a change this process
   * made is never taken for one made behind its back.
   */
  changeThrough<T>(name: string, change: () => Promise<T>): Promise<T>;
  /** Reconciles everything the buckets and the index know of. */
  fullSync(): Promise<void>;
  /**
   * Follows the change feed and loads every claim the buckets hold (each object read
   * once); resolves once the index is loaded. Expects an index that holds nothing the
   * buckets lack (a fresh one); `fullSync` reconciles any other. An index that outlives
   * the process (`loadAtStart: false`) is served as it is at once: the leader's resync
   * (`fullSync`) brings it up to date.
   */
  start(signal: AbortSignal): Promise<void>;
  isReady(): boolean;
}

/**
 * Keeps the index a faithful view of the buckets. The buckets are the truth: each change
 * is handled by re-reading the objects involved, never by trusting an event. Every top-level
 * `*.json` object is a claim of the environment its `environment_name` names, whatever its
 * key; when several claim one name, `comparePrecedence` picks the one served and the others
 * are rejected naming both keys. A bad document only ever becomes a rejected-claim entry;
 * it cannot stop the loop.
 */
/**
 * A change the change feed found that this process did not make: an object created,
 * replaced or removed behind the API's back, or a document rejected as a claim.
 */
export interface ObservedChange {
  readonly change: 'created' | 'replaced' | 'removed' | 'rejected';
  /** The environment concerned, when the object names one (or named one before). */
  readonly environment: string | undefined;
  readonly bucket: BucketName;
  readonly key: string;
  /** The object's ETag now; `null` when it is gone. */
  readonly etag: string | null;
  /** Why it was rejected. */
  readonly reasons?: readonly FieldError[];
}

export function createClaimSync(deps: {
  store: ClaimStore;
  index: ClaimIndex;
  catalogue: EnvironmentTypeCatalogue;
  clock: Clock;
  logger: Logger;
  /** Told after each reconcile of a name (the deployer re-renders or removes it). */
  onReconciled?: (name: string) => void;
  /**
   * Whether `start` loads the buckets into the index (default). `false` for an index that
   * outlives the process and is shared (PostgreSQL): replicas must not each reload it.
   */
  loadAtStart?: boolean;
  /** Told of each change the feed brings that this process did not make (for the audit). */
  onObserved?: (change: ObservedChange) => void;
  /**
   * Told when a change read from the store is indexed, with the time the store wrote the
   * object: the change-feed lag. Not told for the initial load nor for this process's own
   * writes, whose objects are in hand.
   */
  onChangeIndexed?: (modifiedAt: Date) => void;
  /** Told after each `fullSync`: its duration and the objects it looked at. */
  onFullSync?: (durationSeconds: number, objects: number) => void;
}): ClaimSync {
  const { store, index, catalogue, clock, logger } = deps;
  const judge = createClaimJudge(catalogue);
  const lock = createKeyedLock();
  const intern = createClaimInterner();
  let ready = false;
  let lifetime: AbortSignal | undefined;

  const follower = createChangeFollower({
    reconcile: ({ bucket, key }) => sync.reconcileKey(bucket, key),
    stopped: () => lifetime?.aborted === true,
    logger,
  });
  const enqueue = (change: StoreChange): void => follower.enqueue(change);

  /** The object at `bucket/key` judged, or `undefined` if there is none. */
  async function read(bucket: BucketName, key: string): Promise<Reading | undefined> {
    let object: StoredObject | undefined;
    try {
      object = await store.get(bucket, key, { maxBytes: MAX_CLAIM_BYTES });
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      return { valid: false, reasons: [{ path: '(root)', message: error.message }] };
    }
    if (object) return judge(bucket, object);
    // Something that cannot be an object (a directory named like a claim, on fs) blocks
    // `<name>.json` for the API: listed, so that is never a mystery.
    const what = await store.describeNonObject?.(bucket, key);
    if (what === undefined) return undefined;
    const message = `${bucket}/${key} is ${what}, not an object: it cannot be a claim`;
    return { valid: false, reasons: [{ path: '(key)', message }] };
  }

  function entryOf(holder: ClaimHolder): IndexedEnvironment {
    const claim = intern(holder.claim);
    const type = findType(catalogue, claim.environment_type);
    return {
      claim,
      bucket: holder.bucket,
      key: holder.key,
      etag: holder.etag,
      expiresAt: type ? effectiveExpiry(claim, type) : null,
    };
  }

  async function reject(
    bucket: BucketName,
    key: string,
    reasons: readonly FieldError[] | undefined,
    observe = false,
  ): Promise<void> {
    const previous = await index.getRejected(bucket, key);
    if (!reasons) {
      if (previous) await index.setRejected(bucket, key, undefined);
      return;
    }
    if (previous && JSON.stringify(previous.reasons) === JSON.stringify(reasons)) return;
    if (observe && deps.onObserved) {
      const etag = (await store.head(bucket, key)) ?? null;
      deps.onObserved({ change: 'rejected', environment: undefined, bucket, key, etag, reasons });
    }
    // During the load one line per document would be thousands of lines on a restart with
    // many rejected ones; the load's summary counts them and the API lists each.
    if (ready) logger.warn({ bucket, key, reasons }, 'rejected claim document');
    await index.setRejected(bucket, key, {
      bucket,
      key,
      reasons,
      observedAt: formatTimestamp(clock.now()),
    });
  }

  /**
   * Re-reads every object that may claim `name` (its recorded keys, `<name>.json` in both
   * buckets and `extra`), records what each now claims, and serves the one with precedence.
   * The caller holds the name's lock. Returns the other names some of those objects now
   * claim: their owners reconcile them under their own locks. `observe`: the change came
   * from the feed, not from this process, so what it changed is told to `onObserved`.
   */
  async function settleLocked(
    name: string,
    extra: readonly ObjectRef[] = [],
    observe = false,
  ): Promise<string[]> {
    const watched = observe && deps.onObserved !== undefined;
    const before = watched ? await index.get(name) : undefined;
    const refs = new Map<string, ObjectRef>();
    for (const ref of [
      { bucket: DYNAMIC_BUCKET, key: claimKey(name) },
      { bucket: STATIC_BUCKET, key: claimKey(name) },
      ...(await index.keysOfName(name)),
      ...extra,
    ]) {
      refs.set(`${ref.bucket}/${ref.key}`, ref);
    }
    const readings = await Promise.all(
      [...refs.values()].map(async (ref) => ({ ref, reading: await read(ref.bucket, ref.key) })),
    );
    const holders: ClaimHolder[] = [];
    const moved: string[] = [];
    for (const { ref, reading } of readings) {
      const claimed = reading?.valid ? reading.holder.claim.environment_name : undefined;
      await index.setKeyName(ref.bucket, ref.key, claimed);
      if (reading?.valid && claimed === name) holders.push(reading.holder);
      else if (claimed !== undefined) moved.push(claimed);
      else {
        const reasons = reading?.valid === false ? reading.reasons : undefined;
        await reject(ref.bucket, ref.key, reasons, watched);
      }
    }
    holders.sort(comparePrecedence);
    const [winner, ...losers] = holders;
    for (const loser of losers) await reject(loser.bucket, loser.key, lostTo(loser, winner!));
    if (winner) {
      await reject(winner.bucket, winner.key, undefined);
      // Only a new version is a change that travelled the feed; re-settling an unchanged
      // winner (a loser's key changed) would report its age, not a lag.
      const { modifiedAt } = winner;
      const fresh =
        modifiedAt !== undefined && deps.onChangeIndexed !== undefined
          ? (await index.get(name))?.etag !== winner.etag
          : false;
      await index.upsert(entryOf(winner));
      if (fresh && modifiedAt) deps.onChangeIndexed?.(modifiedAt);
    } else {
      await index.remove(name);
    }
    if (watched) observeServed(name, before, winner);
    deps.onReconciled?.(name);
    return moved;
  }

  /** Tells `onObserved` how the object served for `name` changed, if it did. */
  function observeServed(
    name: string,
    before: IndexedEnvironment | undefined,
    after: ClaimHolder | undefined,
  ): void {
    const tell = deps.onObserved;
    if (!tell) return;
    if (after === undefined) {
      if (before === undefined) return;
      const { bucket, key } = before;
      tell({ change: 'removed', environment: name, bucket, key, etag: null });
      return;
    }
    const same =
      before?.bucket === after.bucket && before.key === after.key && before.etag === after.etag;
    if (same) return;
    const change = before === undefined ? 'created' : 'replaced';
    tell({ change, environment: name, bucket: after.bucket, key: after.key, etag: after.etag });
  }

  /** Settles each name under its own lock, and the names their objects turn out to claim. */
  async function settleAll(names: readonly string[], extra: readonly ObjectRef[]): Promise<void> {
    const pending = [...names];
    const done = new Set<string>();
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (done.has(name)) continue;
      done.add(name);
      const current = name;
      pending.push(...(await lock.run(current, () => settleLocked(current, extra))));
    }
  }

  /**
   * Applies one object read by the initial load or just written by this process, under the
   * lock of the name it claims (a change-feed reconcile of the same name, queued later, then
   * runs after it). The first claim of a name not otherwise known (all but a few) is judged
   * from the bytes in hand; anything else takes the full settle. Returns the change in
   * indexed names.
   */
  async function applyObject(bucket: BucketName, object: LoadedObject): Promise<number> {
    if (!isClaimKey(object.key)) {
      await reject(bucket, object.key, NOT_A_CLAIM);
      return 0;
    }
    const reading = judge(bucket, object);
    const name = reading.valid ? reading.holder.claim.environment_name : stemOf(object.key);
    const { delta, later } = await lock.run(name, () => applyLocked(bucket, object, reading, name));
    if (later.length > 0) await settleAll(later, [{ bucket, key: object.key }]);
    return delta;
  }

  /**
   * The body of `applyObject`; the caller holds the lock of `name`. `later`: names to settle
   * once that lock is released.
   */
  async function applyLocked(
    bucket: BucketName,
    object: LoadedObject,
    reading: Reading,
    name: string,
  ): Promise<{ delta: number; later: string[] }> {
    const { key } = object;
    const before = await index.get(name);
    if (before?.bucket === bucket && before.key === key && before.etag === object.etag) {
      return { delta: 0, later: [] };
    }
    const previous = await index.nameOfKey(bucket, key);
    if (!reading.valid && previous === undefined) {
      await reject(bucket, key, reading.reasons);
      return { delta: 0, later: [] };
    }
    if (reading.valid && before === undefined && previous === undefined) {
      const others = await index.keysOfName(name);
      if (others.length === 0) {
        await index.setKeyName(bucket, key, name);
        await reject(bucket, key, undefined);
        await index.upsert(entryOf(reading.holder));
        deps.onReconciled?.(name);
        return { delta: 1, later: [] };
      }
    }
    const moved = await settleLocked(name, [{ bucket, key }]);
    const later = [...moved, ...(previous !== undefined && previous !== name ? [previous] : [])];
    return { delta: ((await index.get(name)) ? 1 : 0) - (before ? 1 : 0), later };
  }

  const sync: ClaimSync = {
    reconcileName(name) {
      return settleAll([name], []);
    },

    async reconcileKey(bucket, key) {
      if (hasPrefix(key)) return;
      if (!isClaimKey(key)) {
        await reject(bucket, key, (await store.head(bucket, key)) ? NOT_A_CLAIM : undefined);
        return;
      }
      const ref = { bucket, key };
      const name = (await index.nameOfKey(bucket, key)) ?? stemOf(key);
      const later = await lock.run(name, async () => {
        // Most events are the echo of a write already indexed (the API's own create, say):
        // the object is still the one indexed, so nothing changed for this key.
        const indexed = await index.get(name);
        if (
          indexed?.bucket === bucket &&
          indexed.key === key &&
          indexed.etag === (await store.head(bucket, key))
        ) {
          return [];
        }
        return settleLocked(name, [ref], true);
      });
      if (later.length > 0) await settleAll(later, [ref]);
    },

    async changeThrough(name, change) {
      let later: string[] = [];
      const result = await lock.run(name, async () => {
        try {
          return await change();
        } finally {
          later = await settleLocked(name);
        }
      });
      if (later.length > 0) await settleAll(later, []);
      return result;
    },

    async writeThrough(bucket, name, write) {
      const { written, later } = await lock.run(name, async () => {
        const object = await write();
        const reading = judge(bucket, object);
        if (reading.valid && reading.holder.claim.environment_name !== name) {
          throw new TypeError(`writeThrough of '${name}' wrote a claim of another name`);
        }
        return { written: object, ...(await applyLocked(bucket, object, reading, name)) };
      });
      if (later.length > 0) await settleAll(later, [{ bucket, key: written.key }]);
      // Another writer may have replaced or removed the object after `write` and before its
      // event: one more look (a `head`) through the feed puts the index right after it. A
      // live feed reports that write itself (and echoes this one), so it needs no extra look.
      if (!store.reportsChangesLive?.(bucket)) enqueue({ bucket, key: written.key });
    },

    async fullSync() {
      const started = performance.now();
      const refs = new Map<string, ObjectRef>();
      const note = (ref: ObjectRef): void => {
        refs.set(`${ref.bucket}/${ref.key}`, { bucket: ref.bucket, key: ref.key });
      };
      for (const bucket of BUCKETS) {
        for (const info of await store.list(bucket)) note({ bucket, key: info.key });
      }
      // Losers of a duplicate name are rejected entries; winners are indexed.
      for (const rejected of await index.listRejected()) note(rejected);
      for await (const item of allIndexed(index)) note(item);
      // One unreadable document must not keep the rest of the index from loading.
      const work = [...refs.values()];
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let item = work[next++]; item; item = work[next++]) {
          await follower.follow(item);
        }
      };
      await Promise.all(Array.from({ length: FEED_CONCURRENCY }, worker));
      deps.onFullSync?.((performance.now() - started) / 1000, work.length);
    },

    async start(signal) {
      lifetime = signal;
      if (deps.loadAtStart === false) {
        await store.watch(enqueue, { signal });
        ready = true;
        logger.info('claim index kept from before (shared); the leader resyncs it');
        return;
      }
      let environments = 0;
      await store.watch(enqueue, {
        signal,
        initialLoad: {
          maxBytes: MAX_CLAIM_BYTES,
          // One object after another: each one's parse is garbage before the next starts.
          // Applied all at once, a batch's parses stayed alive together, and the collections
          // in between moved them to the old generation, where they stayed after the load
          // (100k claims, two starts each: 149 and 152 MB of heap in use at ready against
          // 156 and 167 MB).
          onObjects: async (bucket, objects) => {
            for (const object of objects) {
              try {
                environments += await applyObject(bucket, object);
              } catch (error) {
                // One bad apply must not stop the load; the feed's retry takes it over.
                logger.error({ err: error, bucket, key: object.key }, 'load failed');
                enqueue({ bucket, key: object.key });
              }
            }
          },
        },
      });
      ready = true;
      logger.info({ environments }, 'claim index loaded');
      const rejected = (await index.listRejected()).length;
      if (rejected > 0) {
        logger.warn(
          { rejected },
          'claim documents rejected at load; GET /api/v1/rejected-claims lists each with its reasons',
        );
      }
    },

    isReady: () => ready,
  };
  return sync;
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
