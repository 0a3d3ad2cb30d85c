import type { Claim } from '../domain/claims/claim-schema.js';
import type { DeploymentPhase } from '../domain/deployments/deployment-record.js';
import type { DeploymentSummary } from '../domain/deployments/deployment-summary.js';
import type { FieldError } from '../domain/errors.js';
import type { EnvironmentFilter } from '../domain/policy/environment-filter.js';
import type { BucketName } from './claim-store.js';

/** An environment as served: its claim, where it is stored, its version and its expiry. */
export interface IndexedEnvironment {
  readonly claim: Claim;
  readonly bucket: BucketName;
  /** The object holding the claim: any top-level `*.json` key, not necessarily `<name>.json`. */
  readonly key: string;
  readonly etag: string;
  /** The effective expiry (the claim's date or the type default); `null`: never. */
  readonly expiresAt: Date | null;
  /**
   * What the deployer last decided (`setDeployment`), kept across claim changes; absent
   * before its first decision or when no deployer runs.
   */
  readonly deployment?: DeploymentSummary;
}

export interface EnvironmentQuery {
  readonly type?: string | undefined;
  readonly pool?: string | undefined;
  readonly user?: string | undefined;
  /**
   * Text search: environments whose name, service names or user contain `q`
   * (case-insensitive substring).
   */
  readonly q?: string | undefined;
  /** Only environments in this deployment phase (`currentPhase`: no summary is `Pending`). */
  readonly phase?: DeploymentPhase | undefined;
  /** Only names strictly after this one (cursor pagination). */
  readonly after?: string | undefined;
  readonly limit: number;
  /**
   * Only environments the filter matches, applied before the limit so pages stay full.
   * The index compiles it into an access path; `static` means the environment is in the
   * static bucket.
   */
  readonly where?: EnvironmentFilter | undefined;
  /**
   * The decision for a `per-item` leaf of `where`, called only for environments that reach
   * one. Required when `where` has such leaves.
   */
  readonly decide?: ((environment: IndexedEnvironment) => boolean) | undefined;
}

/** A document found in a bucket that is not served as an environment, and why. */
export interface RejectedClaim {
  readonly bucket: BucketName;
  readonly key: string;
  readonly reasons: readonly FieldError[];
  readonly observedAt: string;
}

/**
 * A derived, rebuildable view of the buckets for fast lookups and filtered, paginated
 * listings. Never the source of truth: the store is.
 */
export interface ClaimIndex {
  get(name: string): Promise<IndexedEnvironment | undefined>;
  /** Matching environments in name order, at most `limit`, and whether more follow. */
  query(query: EnvironmentQuery): Promise<{ items: IndexedEnvironment[]; hasMore: boolean }>;
  /** Environments whose effective expiry is at or before `instant`. */
  expiredAt(instant: Date): Promise<IndexedEnvironment[]>;
  upsert(environment: IndexedEnvironment): Promise<void>;
  remove(name: string): Promise<void>;
  /**
   * Records the deployer's decision for an indexed environment; later upserts of its claim
   * keep it. Does nothing when `name` is not indexed (removed meanwhile).
   */
  setDeployment(name: string, deployment: DeploymentSummary): Promise<void>;
  setRejected(bucket: BucketName, key: string, rejected: RejectedClaim | undefined): Promise<void>;
  /** The rejected entry of one key, without copying the list. */
  getRejected(bucket: BucketName, key: string): Promise<RejectedClaim | undefined>;
  /** Every rejected entry, sorted by bucket and key as `compareObjectRefs` orders them (a copy). */
  listRejected(): Promise<RejectedClaim[]>;
  /**
   * Records which environment the well-formed claim at `bucket/key` names (`undefined`:
   * none, the object is gone or invalid). Every such key is recorded, the one served and
   * the ones that lost a duplicate name, so a change to any of them finds the others.
   */
  setKeyName(bucket: BucketName, key: string, name: string | undefined): Promise<void>;
  /** The environment the claim at `bucket/key` names, as last recorded. */
  nameOfKey(bucket: BucketName, key: string): Promise<string | undefined>;
  /** Every key recorded as naming `name`, sorted by bucket and key. */
  keysOfName(name: string): Promise<ObjectRef[]>;
}

/** One object of a bucket. */
export interface ObjectRef {
  readonly bucket: BucketName;
  readonly key: string;
}

/** The order of `keysOfName`: by bucket, then key, in code units (as every index sorts it). */
export const compareObjectRefs = (left: ObjectRef, right: ObjectRef): number => {
  const a = `${left.bucket}/${left.key}`;
  const b = `${right.bucket}/${right.key}`;
  return a < b ? -1 : a > b ? 1 : 0;
};
