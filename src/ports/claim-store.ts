/** The two buckets of the seed ("Bucket Separation"). */
export const BUCKETS = ['environments', 'static-environments'] as const;
export type BucketName = (typeof BUCKETS)[number];

/** The bucket the API writes; `static-environments` is written only by the Git/CI path. */
export const DYNAMIC_BUCKET: BucketName = 'environments';
export const STATIC_BUCKET: BucketName = 'static-environments';

export interface StoredObject {
  readonly key: string;
  readonly body: Uint8Array;
  /** Opaque version token; changes whenever the object is replaced. */
  readonly etag: string;
  /**
   * When the object was last written (mtime, `Last-Modified`), where the store says:
   * the start of the change-feed lag (`platform_change_feed_lag_seconds`).
   */
  readonly modifiedAt?: Date;
}

export interface ObjectInfo {
  readonly key: string;
  readonly etag: string;
}

/** A hint that the object at `key` may have changed or gone; consumers re-read it. */
export interface StoreChange {
  readonly bucket: BucketName;
  readonly key: string;
}

/**
 * Object storage with S3 bucket semantics: the source of truth for claims. Keys are flat
 * names (any `*.json` key holds a claim; the API writes `<environment_name>.json`); objects
 * under a prefix (`rendered/…`) are not listed.
 * Conditional writes make races explicit: the loser gets `ConflictError` or
 * `PreconditionFailedError`, never a silently lost update.
 */
export interface ClaimStore {
  /**
   * The object, or `undefined` if absent (or not a plain object, such as a symlink).
   * With `maxBytes`, a larger object throws `PayloadTooLargeError` without being read.
   */
  get(
    bucket: BucketName,
    key: string,
    options?: { maxBytes?: number },
  ): Promise<StoredObject | undefined>;
  /**
   * The object's etag without its body (`HEAD`), or `undefined` where `get` finds nothing:
   * enough to tell whether an object exists or changed since it was read.
   */
  head(bucket: BucketName, key: string): Promise<string | undefined>;
  /**
   * What stands at `key` although it cannot be an object ('a directory', 'a symbolic link',
   * 'a FIFO'), or `undefined` if nothing or an object does. Only stores whose buckets can
   * hold such entries (a directory) implement it; their change feed reports those keys too.
   */
  describeNonObject?(bucket: BucketName, key: string): Promise<string | undefined>;
  /** The top-level objects of the bucket, in key order. */
  list(bucket: BucketName): Promise<ObjectInfo[]>;
  /**
   * Creates the object; `ConflictError` if it exists. Returns the new etag.
   *
   * With `after`, the object becomes visible only once `after` resolves; if it rejects,
   * nothing is written and its error is thrown. Meanwhile a store may prepare the write
   * (the fs store writes and fsyncs its temp file), so a create waits for its audit record
   * and its own data at the same time rather than one after the other.
   */
  putIfAbsent(
    bucket: BucketName,
    key: string,
    body: Uint8Array,
    options?: { after?: Promise<unknown> },
  ): Promise<string>;
  /** Replaces the object if its etag is still `etag`; else `PreconditionFailedError`. */
  putIfMatch(bucket: BucketName, key: string, body: Uint8Array, etag: string): Promise<string>;
  /**
   * Deletes the object; `false` if it was absent. With `ifMatch`, only while its etag is
   * still that (else `PreconditionFailedError`).
   */
  delete(
    bucket: BucketName,
    key: string,
    options?: { ifMatch?: string | undefined },
  ): Promise<boolean>;
  /**
   * The change feed: calls `listener` for every change made by anyone, this process or
   * another, until `signal` aborts. Delivery is at least once; a missed event is caught up
   * by the periodic resync, which compares cheap identities (etags) and re-lists in batches
   * that yield to the event loop. Resolves once the feed is following and, with
   * `initialLoad`, once every object has been handed over.
   *
   * `initialLoad` reads every top-level object of every bucket once, after the feed started
   * following (so nothing written meanwhile is missed), and hands them over in batches; what
   * it read is the baseline the resync compares against, so nothing is listed twice. An
   * object it could not read is reported to `listener` instead, as a change.
   */
  watch(
    listener: (change: StoreChange) => void,
    options: { signal: AbortSignal; initialLoad?: InitialLoad },
  ): Promise<void>;
  /**
   * Whether the change feed is reporting each change of `bucket` as it happens right now
   * (a live directory watcher), rather than only at the next resync. A writer then needs no
   * extra look after its own write: a later write by anyone comes with its own event.
   * Absent: never (S3, whose notifications arrive through another door).
   */
  reportsChangesLive?(bucket: BucketName): boolean;
}

/** How a change feed hands over what the buckets hold when it starts. */
export interface InitialLoad {
  /** Objects larger than this are handed over without a body (`body: undefined`). */
  readonly maxBytes: number;
  /** Called once per batch, in turn (the next batch waits for the returned promise). */
  onObjects(bucket: BucketName, objects: readonly LoadedObject[]): Promise<void>;
}

/** An object as read by the initial load: `body` is `undefined` when it exceeds `maxBytes`. */
export interface LoadedObject {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  readonly body: Uint8Array | undefined;
}
