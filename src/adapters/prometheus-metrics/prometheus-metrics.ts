import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { BUCKETS } from '../../ports/claim-store.js';
import { seriesCounter, seriesHistogram } from './series-metrics.js';
import type { MetricsStateSources, PlatformMetrics } from '../../ports/metrics.js';

/** The metrics, with the registry they live in and its text exposition. */
export interface PrometheusMetrics extends PlatformMetrics {
  /** The Prometheus text exposition format (version 0.0.4) of every series. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** The registry itself, for tests that read a single series. */
  readonly registry: Registry;
}

/** Seconds; from a fast in-memory answer to a slow store or registry call. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Change-feed lag: the watcher delivers within a second, the resync within minutes. */
const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const RESYNC_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const AUDIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** `2xx`, `4xx`, `5xx`: the class keeps the label set small and alerts simple. */
export const statusClass = (status: number): string =>
  STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
// The same string objects every time: the series lookup then hashes nothing new.
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * The platform's metrics on a registry of their own (never prom-client's global one: tests
 * build several platforms in one process), named `platform_…` with base units. Gauges
 * that mirror state (environments, rejected claims, queue depth) are computed when scraped
 * from the sources given to `observeState`, so nothing is counted twice.
 */
export function createPrometheusMetrics(options: {
  version: string;
  /** Node's process metrics (CPU, memory, event loop lag, GC) on the same registry. */
  processMetrics?: boolean;
  logger?: Logger;
}): PrometheusMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'platform_' });
  }
  const registers = [registry];
  const sources: MetricsStateSources[] = [];
  let leader = false;

  new Gauge({
    name: 'platform_build_info',
    help: 'Always 1; the labels say which build runs.',
    labelNames: ['version', 'node_version'],
    registers,
  }).set({ version: options.version, node_version: process.version }, 1);

  // Updated on every request: series metrics (series-metrics.ts), not prom-client's own.
  const requests = seriesCounter({
    name: 'platform_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'],
    registers,
  });
  const requestDuration = seriesHistogram({
    name: 'platform_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: HTTP_BUCKETS,
    registers,
  });
  // A plain count, read at scrape time: two prom-client calls fewer on every request.
  let inFlight = 0;
  new Gauge({
    name: 'platform_http_requests_in_flight',
    help: 'HTTP requests being handled now.',
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  const problems = new Counter({
    name: 'platform_http_problems_total',
    help: 'Errors answered as RFC 9457 problem+json, by kind (error code, or INTERNAL) and status.',
    labelNames: ['type', 'status'],
    registers,
  });
  const decisions = seriesCounter({
    name: 'platform_authorization_decisions_total',
    help: 'Cedar authorization decisions, by action and result (allow or deny).',
    labelNames: ['action', 'result'],
    registers,
  });
  const reaped = new Counter({
    name: 'platform_reaper_deletions_total',
    help: 'Expired environments the expiry reaper deleted.',
    registers,
  });
  const loopRuns = new Counter({
    name: 'platform_loop_runs_total',
    help: 'Runs of the background loops, by loop and result (success or failure).',
    labelNames: ['loop', 'result'],
    registers,
  });
  const loopDuration = new Histogram({
    name: 'platform_loop_run_duration_seconds',
    help: 'Duration of one run of a background loop, by loop.',
    labelNames: ['loop'],
    buckets: RESYNC_BUCKETS,
    registers,
  });
  const notifications = new Counter({
    name: 'platform_notifications_total',
    help: 'Notification delivery attempts, by event, sink and outcome (delivered, retry, given-up).',
    labelNames: ['event', 'sink', 'outcome'],
    registers,
  });
  const expiryWarnings = new Counter({
    name: 'platform_expiry_warnings_sent_total',
    help: 'Expiry warnings (expiring events) delivered, one per sink that received one.',
    registers,
  });
  const lag = new Histogram({
    name: 'platform_change_feed_lag_seconds',
    help: "From an object's change in the store (mtime / LastModified) to the change being indexed.",
    buckets: LAG_BUCKETS,
    registers,
  });
  const resyncDuration = new Histogram({
    name: 'platform_resync_duration_seconds',
    help: "Duration of one resync of the buckets, by source (store: the store's re-listing; full: the full reconcile).",
    labelNames: ['source'],
    buckets: RESYNC_BUCKETS,
    registers,
  });
  const resyncObjects = new Gauge({
    name: 'platform_resync_objects',
    help: 'Objects the last resync saw, by source.',
    labelNames: ['source'],
    registers,
  });
  const dependencyErrors = new Counter({
    name: 'platform_dependency_errors_total',
    help: 'Failed calls to a dependency (store, registry, audit), by operation.',
    labelNames: ['dependency', 'operation'],
    registers,
  });
  const auditDuration = seriesHistogram({
    name: 'platform_audit_append_duration_seconds',
    help: 'Duration of one audit log append, by result (success or failure).',
    labelNames: ['result'],
    buckets: AUDIT_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'platform_leader',
    help: '1 while this replica holds the leader term (runs the reaper, resync and deployer), else 0.',
    registers,
    collect() {
      this.set(leader ? 1 : 0);
    },
  });
  /**
   * One pass over the index per scrape for both environment gauges: their `collect`s run
   * together, so the second joins the pass the first started.
   */
  let counting: Promise<EnvironmentCounts> | undefined;
  const environmentCounts = (): Promise<EnvironmentCounts> =>
    (counting ??= countEnvironments(sources).finally(() => {
      counting = undefined;
    }));
  // A scrape-time read that fails (the database is down) leaves its gauge out of this
  // scrape, counted as a dependency error, instead of failing the whole scrape.
  const scrapeFailed = (what: string, error: unknown): void => {
    options.logger?.warn({ err: error, metric: what }, 'metrics: could not read state');
    dependencyErrors.inc({ dependency: 'index', operation: 'scrape' });
  };
  new Gauge({
    name: 'platform_environments',
    help: 'Indexed environments, by environment type and bucket.',
    labelNames: ['type', 'bucket'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const { type, bucket, n } of (await environmentCounts()).byTypeAndBucket) {
          this.set({ type, bucket }, n);
        }
      } catch (error) {
        scrapeFailed('platform_environments', error);
      }
    },
  });
  new Gauge({
    name: 'platform_environment_deployments',
    help: "Indexed environments by the deployer's phase of their last decision (Pending before one).",
    labelNames: ['phase'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const [phase, n] of (await environmentCounts()).byPhase) this.set({ phase }, n);
      } catch (error) {
        scrapeFailed('platform_environment_deployments', error);
      }
    },
  });
  new Gauge({
    name: 'platform_rejected_claims',
    help: 'Documents in the buckets that are not served as environments, by bucket.',
    labelNames: ['bucket'],
    registers,
    async collect() {
      this.reset();
      try {
        const counts = new Map<string, number>();
        for (const source of sources) {
          for (const { bucket } of (await source.rejectedClaims?.()) ?? []) {
            counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
          }
        }
        // Both buckets always appear, so "none rejected" is a 0, not an absent series.
        for (const bucket of BUCKETS) this.set({ bucket }, counts.get(bucket) ?? 0);
      } catch (error) {
        scrapeFailed('platform_rejected_claims', error);
      }
    },
  });
  new Gauge({
    name: 'platform_deployer_queue_depth',
    help: "Environments waiting in the deployer's queue.",
    registers,
    collect() {
      let depth = 0;
      for (const source of sources) depth += source.deployerQueueDepth?.() ?? 0;
      this.set(depth);
    },
  });

  return {
    registry,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    requestStarted: () => {
      inFlight++;
    },
    requestFinished({ method, route, status, durationSeconds }) {
      inFlight--;
      const labels = [method, route, statusClass(status)];
      requests.inc(labels);
      requestDuration.observe(labels, durationSeconds);
    },
    problem: (type, status) => problems.inc({ type, status: String(status) }),
    authorizationDecision: (action, result) => decisions.inc([action, result]),
    reaperDeleted: (count) => {
      if (count > 0) reaped.inc(count);
    },
    loopRun(loop, result, durationSeconds) {
      loopRuns.inc({ loop, result });
      loopDuration.observe({ loop }, durationSeconds);
    },
    notificationSent: (event, sink, outcome) => notifications.inc({ event, sink, outcome }),
    expiryWarningSent: () => expiryWarnings.inc(),
    // A clock a little behind the store's would give a negative lag: it is at most zero.
    changeFeedLag: (seconds) => lag.observe(Math.max(0, seconds)),
    resync(source, durationSeconds, objects) {
      resyncDuration.observe({ source }, durationSeconds);
      resyncObjects.set({ source }, objects);
    },
    dependencyError: (dependency, operation) => dependencyErrors.inc({ dependency, operation }),
    auditAppend: (durationSeconds, result) => auditDuration.observe([result], durationSeconds),
    setLeader: (value) => {
      leader = value;
    },
    observeState: (added) => {
      sources.push(added);
    },
  };
}

interface EnvironmentCounts {
  readonly byTypeAndBucket: readonly { type: string; bucket: string; n: number }[];
  readonly byPhase: ReadonlyMap<string, number>;
}

async function countEnvironments(
  sources: readonly MetricsStateSources[],
): Promise<EnvironmentCounts> {
  const byTypeAndBucket = new Map<string, { type: string; bucket: string; n: number }>();
  const byPhase = new Map<string, number>();
  for (const source of sources) {
    if (!source.environments) continue;
    for await (const { type, bucket, phase } of source.environments()) {
      const id = `${type}\u0000${bucket}`;
      const entry = byTypeAndBucket.get(id) ?? { type, bucket, n: 0 };
      entry.n++;
      byTypeAndBucket.set(id, entry);
      const shown = phase ?? 'Pending';
      byPhase.set(shown, (byPhase.get(shown) ?? 0) + 1);
    }
  }
  return { byTypeAndBucket: [...byTypeAndBucket.values()], byPhase };
}
