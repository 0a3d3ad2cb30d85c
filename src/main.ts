import { packageVersion } from './shared/package-version.js';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { createAccessModel, type AccessModel } from './adapters/cedar-authorizer/access-model.js';
import { createCedarAuthorizer } from './adapters/cedar-authorizer/cedar-authorizer.js';
import { newPolicySetId } from './adapters/cedar-authorizer/policy-bundle.js';
import { createFsAuditLog } from './adapters/fs-audit-log/fs-audit-log.js';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
} from './adapters/prometheus-metrics/prometheus-metrics.js';
import {
  meteredAuditLog,
  meteredAuthorizer,
  meteredClaimStore,
} from './adapters/metered/metered-ports.js';
import { noMetrics, type PlatformMetrics } from './ports/metrics.js';

import { openDatabase } from './adapters/postgres/open-database.js';
import { createPgAuditLog } from './adapters/postgres/pg-audit-log.js';
import { createPgClaimIndex } from './adapters/postgres/pg-claim-index.js';
import { createPgKeyedLock } from './adapters/postgres/pg-keyed-lock.js';
import { createPgServiceTokenStore } from './adapters/postgres/pg-service-token-store.js';

import {
  listenEnvironmentChanges,
  notifyEnvironmentChanged,
} from './adapters/postgres/pg-environment-changes.js';
import { createPgLeaderLock } from './adapters/postgres/pg-leader-lock.js';

import { createFsAccessSource } from './adapters/fs-access-source/fs-access-source.js';
import { createFsServiceTokenStore } from './adapters/fs-service-token-store/fs-service-token-store.js';
import { createServiceTokenAuthenticator } from './adapters/token-authenticator/service-token-authenticator.js';
import { createServiceTokenService } from './app/service-token-service.js';
import { createOidcAuthenticator } from './adapters/oidc-authenticator/oidc-authenticator.js';
import { chainAuthenticators } from './adapters/token-authenticator/chain-authenticator.js';
import { createAccessGuard } from './app/access-guard.js';
import { createRequestOutcomes } from './app/request-outcomes.js';
import { createBucketWatcherAudit } from './app/bucket-watcher-audit.js';
import { createAccessService } from './app/access-service.js';
import { createAccessCompilerApi } from './app/access-compiler-api.js';
import { createAccessCompilerService } from './app/access-compiler-service.js';
import { createFsAccessOutputDirectory } from './adapters/fs-access-output/fs-access-output-directory.js';
import { createWorkerAccessRenderer } from './adapters/worker-access-renderer/worker-access-renderer.js';
import { createAuditService } from './app/audit-service.js';
import { startAccessModelReloader } from './controllers/access-model-reloader.js';
import { startBucketResync } from './controllers/bucket-resync.js';
import { startDeployerQueue } from './controllers/deployer-queue.js';
import {
  afterReady,
  startLeaderControllers,
  type TermController,
} from './controllers/leader-controllers.js';
import { createLocalLeaderLock } from './adapters/local-leader-lock/local-leader-lock.js';
import type { LeaderLock } from './ports/leader-lock.js';
import { createFsClaimStore } from './adapters/fs-store/fs-claim-store.js';
import { createMemoryClaimIndex } from './adapters/memory-index/memory-claim-index.js';
import { createStaticTokenAuthenticator } from './adapters/token-authenticator/static-token-authenticator.js';
import { allIndexed, createClaimSync } from './app/claim-sync.js';
import { createEnvironmentService } from './app/environment-service.js';
import type { PlatformConfig } from './config/load-config.js';
import { startExpiryReaper } from './controllers/expiry-reaper.js';
import { startExpiryWarner } from './controllers/expiry-warner.js';
import { startNotificationSender } from './controllers/notification-sender.js';

import { type DeliveryOutcome } from './app/notification-sender.js';
import type { OutboxDelivery } from './ports/notification-outbox.js';
import { createHttpApp } from './http/app.js';
import {
  createDeployment,
  createUserRepositoryRetention,
  readServiceCatalogue,
} from './composition/deployment.js';
import { listenForMetrics } from './composition/metrics-listener.js';
import { loadConsoleSite } from './composition/console-site.js';
import { loginConfigOf } from './composition/login-config.js';
import { createNotifications, type Notifications } from './composition/notifications.js';
import { buildOpenApiDocument } from './api/openapi-document.js';
import { systemClock, type Clock } from './ports/clock.js';

import type { Hono } from 'hono';
import type { HttpEnv } from './http/http-env.js';
import type { ClaimStore } from './ports/claim-store.js';
import type { ClaimIndex } from './ports/claim-index.js';
import type { ClaimSync, ObservedChange } from './app/claim-sync.js';
import type { EnvironmentService } from './app/environment-service.js';

import { type RegistryRetention } from './app/registry-retention.js';
import { startRegistryRetention } from './controllers/registry-retention.js';

import { type Deployer } from './app/deployer.js';

import { startVersionReresolver } from './controllers/version-reresolver.js';
import type { Claim } from './domain/claims/claim-schema.js';

import { selectServices } from './domain/services/deploy-selection.js';

import { checkServiceVersions } from './domain/versions/version-policy.js';

import { createBoundedChangeInbox } from './adapters/change-inbox/bounded-change-inbox.js';
import {
  createBucketEventsService,
  FS_BUCKET_NAMES,
  logicalBucketsByName,
} from './app/bucket-events.js';

export interface RunningPlatform {
  readonly url: string;
  readonly port: number;
  /** The separate metrics listener (`metrics.port`), when configured. */
  readonly metricsUrl?: string | undefined;
  /** Resolves once the claim index is loaded (the leader loops start then, on the leader). */
  readonly ready: Promise<void>;
  /** Stops accepting, finishes in-flight requests, stops the loops. Idempotent. */
  stop(): Promise<void>;
}

export function createLogger(config: PlatformConfig): Logger {
  return pino({ level: config.log.level, base: { service: 'platform-service' } });
}

/** Everything the platform is made of, wired but not yet running. */
export interface Platform {
  readonly app: Hono<HttpEnv>;
  readonly store: ClaimStore;
  readonly index: ClaimIndex;
  readonly sync: ClaimSync;
  readonly service: EnvironmentService;
  readonly accessModel: AccessModel;
  /** The environment deployer, when `deploy` is configured. */
  readonly deployer: Deployer | undefined;
  readonly logger: Logger;
  /** Elects the replica that runs the loops that must run once; a local lock by default. */
  readonly leaderLock: LeaderLock;
  /**
   * Set when the store's own periodic resync is off (replicas on one bucket): the leader
   * alone then runs the full resync (`sync.fullSync`) this often.
   */
  readonly leaderResyncIntervalMs?: number | undefined;
  /**
   * With replicas: hears every environment change any replica indexed, until `signal`
   * aborts (the leader schedules the deployer with it). Absent: changes are local.
   */
  readonly listenForChanges:
    ((onChange: (name: string) => void, signal: AbortSignal) => Promise<void>) | undefined;
  /** The user-repository retention, when `deploy` is configured and it is enabled. */
  readonly registryRetention: RegistryRetention | undefined;
  /** Webhook notifications (issue 15), when `notifications.sinks` names any. */
  readonly notifications: Notifications | undefined;
  /** The Prometheus metrics; `undefined` with `metrics.enabled: false`. */
  readonly metrics: PrometheusMetrics | undefined;
  /** Whether the web console is served at `/` (false: the build has none). */
  readonly consoleServed: boolean;
  /** Releases what the platform holds open (the audit log). */
  readonly close: () => Promise<void>;
}

/**
 * The composition root: the one place where adapters are chosen and wired. Tests build
 * the same platform and drive `app` through `app.request()`.
 */
export async function createPlatform(
  config: PlatformConfig,
  options: {
    logger?: Logger;
    clock?: Clock;
    /** Hears every notification delivery attempt (issue 15), e.g. for a metrics counter. */
    onNotificationDelivered?: (delivery: OutboxDelivery, outcome: DeliveryOutcome) => void;
    /** The built web console served at `/`; default `dist/console` beside the server. */
    consoleDirectory?: string;
  } = {},
): Promise<Platform> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const prometheus = config.metrics.enabled
    ? createPrometheusMetrics({ version: packageVersion(), logger })
    : undefined;
  const metrics: PlatformMetrics = prometheus ?? noMetrics;
  const onResynced = (seconds: number, objects: number): void =>
    metrics.resync('store', seconds, objects);
  // With `index.type: postgres`, everything derived lives in one database the replicas share.
  const postgres = config.index.type === 'postgres' ? config.index.postgres : undefined;
  const databaseUrl = postgres?.url;
  const database = postgres ? await openDatabase({ ...postgres, logger }) : undefined;
  const onWatchError = (error: unknown): void =>
    logger.warn({ err: error }, 'bucket watch error; the resync covers it');
  const { s3 } = config.store;
  // Replicas on one database: the leader alone resyncs (`startBucketResync`), not each store.
  const ownResyncMs = database ? 0 : config.store.resyncIntervalMs;
  // The AWS SDK is loaded only for an S3 store: it adds a fifth to the start of the default.
  const unmeteredStore =
    config.store.type === 's3'
      ? await (
          await import('./adapters/s3-store/s3-claim-store.js')
        ).createS3ClaimStore({
          // Credentials: the SDK's standard chain (env, profile, web identity), never config.
          connection: {
            endpoint: s3.endpoint,
            region: s3.region,
            forcePathStyle: s3.forcePathStyle,
          },
          buckets: {
            environments: s3.buckets.environments,
            'static-environments': s3.buckets.staticEnvironments,
          },
          resyncIntervalMs: ownResyncMs,
          onResynced,
          unsafeWithoutConditionalWrites: s3.unsafeWithoutConditionalWrites,
          // Used only if the store ignores conditional writes: the replicas' shared lock.
          ...(database ? { writeLock: createPgKeyedLock(database) } : {}),
          logger,
          onWatchError,
        })
      : await createFsClaimStore({
          root: config.store.path,
          resyncIntervalMs: ownResyncMs,
          onResynced,
          watchFiles: config.store.watch,
          onWatchError,
        });
  const store = meteredClaimStore(unmeteredStore, metrics);
  const index = database
    ? createPgClaimIndex({ pool: database, logger })
    : createMemoryClaimIndex();
  const { catalogue } = config;
  // The deployer is built after the sync; claim changes reach it through this late binding.
  const late: {
    onReconciled?: (name: string) => void;
    onObserved?: (change: ObservedChange) => void;
  } = {};
  const sync = createClaimSync({
    store,
    index,
    catalogue,
    clock,
    logger,
    onReconciled: (name) => late.onReconciled?.(name),
    onObserved: (change) => late.onObserved?.(change),
    // A shared index is kept, not reloaded by each replica that starts.
    loadAtStart: database === undefined,
    onChangeIndexed: (modifiedAt) =>
      metrics.changeFeedLag((clock.now().getTime() - modifiedAt.getTime()) / 1000),
    onFullSync: (seconds, objects) => metrics.resync('full', seconds, objects),
  });
  const accessModel = await createAccessModel({
    source: createFsAccessSource({
      tenancyPath: config.tenancy.path,
      policyDirectory: config.tenancy.policyDirectory,
    }),
    policySetId: newPolicySetId(),
    knownEnvironmentTypes: Object.keys(catalogue),
    clock,
    logger,
  });
  const cedar = createCedarAuthorizer({ bundle: accessModel.current, logger });
  const authorizer = meteredAuthorizer(cedar, metrics);
  const audit = meteredAuditLog(
    database
      ? await createPgAuditLog({ pool: database, logger })
      : await createFsAuditLog({ dir: join(config.dataDir, 'audit'), logger }),
    metrics,
  );
  const outcomes = createRequestOutcomes({ audit, clock, logger });
  late.onObserved = createBucketWatcherAudit({ audit, clock, logger });
  const guard = createAccessGuard({
    authorizer,
    capabilities: cedar,
    audit,
    clock,
    logger,
    outcomes,
  });
  const services =
    config.deploy === undefined ? undefined : await readServiceCatalogue(config, config.deploy);
  const notifications = await createNotifications(config, clock, logger, {
    onNotificationDelivered: (delivery, outcome) => {
      metrics.notificationSent(delivery.event.type, delivery.sink, outcome);
      if (delivery.event.type === 'expiring' && outcome === 'delivered') {
        metrics.expiryWarningSent();
      }
      options.onNotificationDelivered?.(delivery, outcome);
    },
  });
  const deployment =
    config.deploy === undefined || services === undefined
      ? undefined
      : await createDeployment({
          config,
          deploy: config.deploy,
          services,
          index,
          guard,
          database,
          clock,
          logger,
          metrics,
          notifier: notifications?.notifier,
        });
  metrics.observeState({
    environments: async function* () {
      for await (const { claim, bucket, deployment: summary } of allIndexed(index)) {
        yield { type: claim.environment_type, bucket, phase: summary?.phase };
      }
    },
    rejectedClaims: () => index.listRejected(),
    ...(deployment ? { deployerQueueDepth: () => deployment.deployer.queueDepth() } : {}),
  });
  if (database) {
    // Whichever replica indexed the change, the leader's deployer hears of it (and only the
    // leader's queue is open: see `listenForChanges`).
    late.onReconciled = (name) => notifyEnvironmentChanged(database, name, logger);
  } else if (deployment) {
    late.onReconciled = (name) => deployment.deployer.schedule(name);
  }
  const service = createEnvironmentService({
    store,
    index,
    sync,
    guard,
    catalogue,
    clock,
    logger,
    versionPolicy: config.versionPolicy,
    checkServices: (claim: Claim) => {
      if (services) {
        selectServices({
          catalogue: services,
          environmentType: claim.environment_type,
          services: claim.services,
          deployOnlySpecified: claim.deploy_only_specified === true,
          policy: config.versionPolicy,
        });
      } else {
        checkServiceVersions({
          policy: config.versionPolicy,
          environmentType: claim.environment_type,
          services: claim.services,
        });
      }
    },
    ...(deployment ? { deploymentStatus: deployment.api.status } : {}),
    ...(notifications ? { notifier: notifications.notifier } : {}),
  });
  const auditService = createAuditService({ audit, guard });
  const accessService = createAccessService({
    authorizer,
    guard,
    index,
    status: accessModel.status,
    pools: () => [...accessModel.current().index.productOfPool.keys()].sort(),
    types: () => Object.keys(catalogue),
  });
  const accessCompiler = createAccessCompilerApi({
    // Render and plan in a worker thread: seconds of rendering must not stall the API.
    compiler: createAccessCompilerService({ renderer: createWorkerAccessRenderer() }),
    guard,
    model: () => accessModel.current().index.model,
    directory:
      config.access.outputDirectory === undefined
        ? undefined
        : createFsAccessOutputDirectory(config.access.outputDirectory),
  });
  // Kept beside the buckets, never inside them: the watcher must not see it.
  const tokenStore = database
    ? createPgServiceTokenStore({ pool: database })
    : await createFsServiceTokenStore({ dir: config.dataDir });
  const serviceTokens = createServiceTokenService({ store: tokenStore, guard, clock, logger });
  // ── Bucket event notifications (POST /api/v1/bucket-events) ──────────────────────────
  // Each event becomes `sync.reconcileKey` through a bounded, per-key coalescing inbox: the
  // same re-read the change feed does (one `head` when nothing changed), callable from
  // outside, whereas the store's own listener is internal to `store.watch`. An overflow
  // runs `sync.fullSync` once. Event records name the physical buckets of the store in use.
  const bucketEvents = createBucketEventsService({
    inbox: createBoundedChangeInbox({
      onChange: (change) => sync.reconcileKey(change.bucket, change.key),
      onOverflow: () => sync.fullSync(),
      logger,
    }),
    buckets: logicalBucketsByName(config.store.type === 's3' ? s3.buckets : FS_BUCKET_NAMES),
    logger,
  });
  // ── end bucket event notifications ────────────────────────────────────────────────────
  // Built on its first request: about 60 ms of zod-to-JSON-Schema that no start needs.
  let openApi: Record<string, unknown> | undefined;
  const consoleSite = await loadConsoleSite(config, logger, options.consoleDirectory);
  const app = createHttpApp({
    service,
    settleAudit: (requestId, outcome) => outcomes.settle(requestId, outcome),
    deployments: deployment?.api,
    accessService,
    accessCompiler,
    auditService,
    serviceTokens,
    authenticator: chainAuthenticators([
      createServiceTokenAuthenticator({ store: tokenStore, clock, logger }),
      createStaticTokenAuthenticator(config.auth.tokens),
      // Last: the only one that may go to the network (discovery, JWKS).
      ...(config.auth.oidc.length > 0
        ? [createOidcAuthenticator({ issuers: config.auth.oidc, clock, logger })]
        : []),
    ]),
    logger,
    isReady: () => sync.isReady(),
    openApi: () => (openApi ??= buildOpenApiDocument(packageVersion())),
    loginConfig: loginConfigOf(config.auth.oidc),
    console: consoleSite,
    bucketEvents: { service: bucketEvents, secret: config.bucketEvents.token },
    metrics,
    // With `metrics.port` the metrics have a listener of their own and are not served here.
    metricsEndpoint:
      prometheus && config.metrics.port === undefined
        ? { render: () => prometheus.render(), requireToken: config.metrics.requireToken }
        : undefined,
  });
  if (config.auth.tokens.length === 0 && config.auth.oidc.length === 0) {
    logger.warn(
      'no auth.tokens or auth.oidc configured: only service tokens can reach /api/ (an admin must create them)',
    );
  }
  return {
    app,
    store,
    index,
    sync,
    service,
    accessModel,
    deployer: deployment?.deployer,
    logger,
    leaderLock: databaseUrl
      ? createPgLeaderLock({ url: databaseUrl, logger })
      : createLocalLeaderLock({ logger }),
    leaderResyncIntervalMs: database ? config.store.resyncIntervalMs : undefined,
    listenForChanges: databaseUrl
      ? (onChange, signal) =>
          listenEnvironmentChanges({ url: databaseUrl, onChange, signal, logger })
      : undefined,
    registryRetention:
      config.deploy?.registry.retention.enabled === true
        ? createUserRepositoryRetention({ deploy: config.deploy, audit, clock, logger, metrics })
        : undefined,
    notifications,
    metrics: prometheus,
    consoleServed: !('missing' in consoleSite),
    close: async () => {
      await audit.close();
      await database?.end();
    },
  };
}

/**
 * Starts the platform: the HTTP server at once (so /healthz answers), the index load in
 * the background (/readyz and /api answer 503 until then), the access model reloader on
 * every replica, and the loops that must run once (deployer queue, expiry reaper, version
 * re-resolution, the leader's bucket resync) only while this replica holds a leader term.
 */
export async function startPlatform(
  config: PlatformConfig,
  options: { logger?: Logger; clock?: Clock } = {},
): Promise<RunningPlatform> {
  const platform = await createPlatform(config, options);
  const { app, sync, service, accessModel, deployer, index, logger, close } = platform;
  const lifetime = new AbortController();

  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    {
      url,
      port: address.port,
      store: config.store.path,
      ...(platform.consoleServed ? { console: `${url}/` } : {}),
    },
    'listening',
  );
  const metricsListener =
    platform.metrics && config.metrics.port !== undefined
      ? await listenForMetrics(platform.metrics, config.metrics, logger)
      : undefined;
  const metrics: PlatformMetrics = platform.metrics ?? noMetrics;

  const reloaderStopped = startAccessModelReloader({
    reloadIfChanged: accessModel.reloadIfChanged,
    intervalMs: config.tenancy.reloadIntervalMs,
    logger,
    signal: lifetime.signal,
  });
  const ready = sync.start(lifetime.signal);
  ready.catch((error: unknown) => logger.fatal({ err: error }, 'could not load the claim index'));
  const { deploy } = config;
  const controllers: TermController[] = [
    afterReady(ready, (signal, term) =>
      startExpiryReaper({
        service,
        fence: () => term.stillLeader(),
        intervalMs: config.reaper.intervalMs,
        logger,
        signal,
        metrics,
      }),
    ),
    // `platform_leader`: 1 for exactly as long as this replica's term lasts.
    async (signal) => {
      metrics.setLeader(true);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      metrics.setLeader(false);
    },
  ];
  const resyncIntervalMs = platform.leaderResyncIntervalMs;
  if (resyncIntervalMs !== undefined) {
    controllers.push(
      afterReady(ready, (signal) =>
        startBucketResync({ sync, intervalMs: resyncIntervalMs, logger, signal, metrics }),
      ),
    );
  }
  if (deployer) {
    // Closed until this replica leads; the local lock elects inside `campaign`, so the
    // embedded default's queue is open again before the load queues anything.
    deployer.setQueueOpen(false);
    controllers.push((signal) => startDeployerQueue({ deployer, index, logger, signal }));
    const { listenForChanges } = platform;
    if (listenForChanges) {
      // Changes indexed by any replica reach the leader's deployer.
      controllers.push((signal) => listenForChanges((name) => deployer.schedule(name), signal));
    }
  }
  if (deployer && deploy) {
    controllers.push(
      afterReady(ready, (signal, term) => {
        const fence = (): Promise<boolean> => term.stillLeader();
        // Output whose claim went while no leader ran goes now, not at the first interval.
        deployer
          .removeOrphans({ fence })
          .catch((error: unknown) =>
            logger.error({ err: error }, 'could not remove orphaned renders'),
          );
        return startVersionReresolver({
          deployer,
          index,
          fence,
          intervalMs: deploy.resolveIntervalMs,
          logger,
          signal,
        });
      }),
    );
  }
  const { registryRetention } = platform;
  if (registryRetention && deploy) {
    controllers.push((signal, term) =>
      startRegistryRetention({
        retention: registryRetention,
        fence: () => term.stillLeader(),
        intervalMs: deploy.registry.retention.intervalMs,
        logger,
        signal,
        metrics,
      }),
    );
  }
  const { notifications } = platform;
  if (notifications) {
    // One sender, on the leader: a delivery is never sent by two replicas at once.
    controllers.push(
      (signal) =>
        startNotificationSender({
          sender: notifications.sender,
          outbox: notifications.outbox,
          clock: options.clock ?? systemClock,
          logger,
          signal,
        }),
      afterReady(ready, (signal) =>
        startExpiryWarner({
          notifier: notifications.notifier,
          index,
          catalogue: config.catalogue,
          clock: options.clock ?? systemClock,
          intervalMs: config.notifications.warnIntervalMs,
          logger,
          signal,
        }),
      ),
    );
  }
  const leaderStopped = startLeaderControllers({
    lock: platform.leaderLock,
    controllers,
    logger,
    signal: lifetime.signal,
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down');
      lifetime.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const force = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, config.server.shutdownTimeoutMs);
      await Promise.all([closed, metricsListener?.close()]);
      clearTimeout(force);
      await Promise.all([leaderStopped, reloaderStopped]);
      await deployer?.idle();
      await close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return { url, port: address.port, metricsUrl: metricsListener?.url, ready, stop };
}
