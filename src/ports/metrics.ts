import type { BucketName } from './claim-store.js';

/** A finished HTTP request, as the request middleware saw it. */
export interface RequestObservation {
  readonly method: string;
  /**
   * The route template (`/api/v1/environments/{name}`), never the raw path: raw paths
   * carry environment names and would give every environment its own series.
   */
  readonly route: string;
  readonly status: number;
  readonly durationSeconds: number;
}

/** What the scrape-time gauges read: the current state, never a second bookkeeping. */
export interface MetricsStateSources {
  /** Every indexed environment's type and bucket (and deployment phase, when known). */
  readonly environments?: () => AsyncIterable<{
    readonly type: string;
    readonly bucket: BucketName;
    readonly phase: string | undefined;
  }>;
  /** Documents in the buckets that are not served, by bucket. */
  readonly rejectedClaims?: () => Promise<readonly { readonly bucket: BucketName }[]>;
  /** Environments waiting in the deployer's queue. */
  readonly deployerQueueDepth?: () => number;
}

/**
 * The platform's own measurements. Domain and app code call these methods and never see
 * the metrics library; the adapter turns them into Prometheus series. Every method is
 * cheap and never throws: measuring must not fail a request or a loop.
 */
export interface PlatformMetrics {
  requestStarted(): void;
  requestFinished(observation: RequestObservation): void;
  /** An error answered as problem+json, by its kind (`ErrorCode` or `INTERNAL`) and HTTP status. */
  problem(type: string, status: number): void;
  authorizationDecision(action: string, result: 'allow' | 'deny'): void;
  /** Environments the expiry reaper deleted in one run. */
  reaperDeleted(count: number): void;
  /** One run of a background loop (`expiry-reaper`, `bucket-resync`, …) and how it ended. */
  loopRun(loop: string, result: 'success' | 'failure', durationSeconds: number): void;
  /**
   * One delivery attempt of a notification (`event`: `expiring`, `expired`, `created`, …)
   * to a sink, and how it ended.
   */
  notificationSent(event: string, sink: string, outcome: 'delivered' | 'retry' | 'given-up'): void;
  /** An expiry warning (an `expiring` event) delivered to a sink. */
  expiryWarningSent(): void;
  /** From an object's change in the store (its mtime / LastModified) to it being indexed. */
  changeFeedLag(seconds: number): void;
  /**
   * One resync of the buckets, how long it took and how many objects it saw: `store`, the
   * store's own periodic re-listing; `full`, the claim sync's full reconcile (the leader's
   * resync with replicas, or after a bucket-event overflow).
   */
  resync(source: 'store' | 'full', durationSeconds: number, objects: number): void;
  /** A failed call to a dependency: `registry`, `store`, `audit`, by operation. */
  dependencyError(dependency: string, operation: string): void;
  /** One audit append, successful or not. */
  auditAppend(durationSeconds: number, result: 'success' | 'failure'): void;
  /** Whether this replica holds the leader term now. */
  setLeader(leader: boolean): void;
  /** Adds scrape-time sources (called once each, by the composition root). */
  observeState(sources: MetricsStateSources): void;
}

/** Measures nothing: the default where no metrics are configured (`metrics.enabled: false`). */
export const noMetrics: PlatformMetrics = {
  requestStarted: () => undefined,
  requestFinished: () => undefined,
  problem: () => undefined,
  authorizationDecision: () => undefined,
  reaperDeleted: () => undefined,
  loopRun: () => undefined,
  notificationSent: () => undefined,
  expiryWarningSent: () => undefined,
  changeFeedLag: () => undefined,
  resync: () => undefined,
  dependencyError: () => undefined,
  auditAppend: () => undefined,
  setLeader: () => undefined,
  observeState: () => undefined,
};
