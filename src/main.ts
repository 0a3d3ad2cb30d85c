import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { createAccessModel, type AccessModel } from './adapters/cedar-authorizer/access-model.js';
import { createCedarAuthorizer } from './adapters/cedar-authorizer/cedar-authorizer.js';
import { newPolicySetId } from './adapters/cedar-authorizer/policy-bundle.js';
import { createFsAuditLog } from './adapters/fs-audit-log/fs-audit-log.js';
import { createFsAccessSource } from './adapters/fs-access-source/fs-access-source.js';
import { createFsServiceTokenStore } from './adapters/fs-service-token-store/fs-service-token-store.js';
import { createServiceTokenAuthenticator } from './adapters/token-authenticator/service-token-authenticator.js';
import { createServiceTokenService } from './app/service-token-service.js';
import { createOidcAuthenticator } from './adapters/oidc-authenticator/oidc-authenticator.js';
import { chainAuthenticators } from './adapters/token-authenticator/chain-authenticator.js';
import { createAccessGuard } from './app/access-guard.js';
import { createAccessService } from './app/access-service.js';
import { createAccessCompilerApi } from './app/access-compiler-api.js';
import { createAccessCompilerService } from './app/access-compiler-service.js';
import { createFsAccessOutputDirectory } from './adapters/fs-access-output/fs-access-output-directory.js';
import { createAuditService } from './app/audit-service.js';
import { startAccessModelReloader } from './controllers/access-model-reloader.js';
import { createFsClaimStore } from './adapters/fs-store/fs-claim-store.js';
import { createMemoryClaimIndex } from './adapters/memory-index/memory-claim-index.js';
import { createStaticTokenAuthenticator } from './adapters/token-authenticator/static-token-authenticator.js';
import { createClaimSync } from './app/claim-sync.js';
import { createEnvironmentService } from './app/environment-service.js';
import type { PlatformConfig } from './config/load-config.js';
import { startExpiryReaper } from './controllers/expiry-reaper.js';
import { createHttpApp } from './http/app.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Hono } from 'hono';
import type { HttpEnv } from './http/http-env.js';
import type { ClaimStore } from './ports/claim-store.js';
import type { ClaimIndex } from './ports/claim-index.js';
import type { ClaimSync } from './app/claim-sync.js';
import type { EnvironmentService } from './app/environment-service.js';

export interface RunningPlatform {
  readonly url: string;
  readonly port: number;
  /** Resolves once the claim index is loaded and the reaper runs. */
  readonly ready: Promise<void>;
  /** Stops accepting, finishes in-flight requests, stops the loops. Idempotent. */
  stop(): Promise<void>;
}

export function packageVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return manifest.version;
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
  readonly logger: Logger;
  /** Releases what the platform holds open (the audit log). */
  readonly close: () => Promise<void>;
}

/**
 * The composition root: the one place where adapters are chosen and wired. Tests build
 * the same platform and drive `app` through `app.request()`.
 */
export async function createPlatform(
  config: PlatformConfig,
  options: { logger?: Logger; clock?: Clock } = {},
): Promise<Platform> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const store = await createFsClaimStore({
    root: config.store.path,
    resyncIntervalMs: config.store.resyncIntervalMs,
    onWatchError: (error) =>
      logger.warn({ err: error }, 'bucket watch error; the resync covers it'),
  });
  const index = createMemoryClaimIndex();
  const { catalogue } = config;
  const sync = createClaimSync({ store, index, catalogue, clock, logger });
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
  const authorizer = createCedarAuthorizer({ bundle: accessModel.current, logger });
  const audit = await createFsAuditLog({ dir: join(config.dataDir, 'audit'), logger });
  const guard = createAccessGuard({ authorizer, audit, clock, logger });
  const service = createEnvironmentService({ store, index, sync, guard, catalogue, clock, logger });
  const auditService = createAuditService({ audit, guard });
  const accessService = createAccessService({
    authorizer,
    guard,
    index,
    status: accessModel.status,
  });
  const accessCompiler = createAccessCompilerApi({
    compiler: createAccessCompilerService(),
    guard,
    model: () => accessModel.current().index.model,
    directory:
      config.access.outputDirectory === undefined
        ? undefined
        : createFsAccessOutputDirectory(config.access.outputDirectory),
  });
  // Kept beside the buckets, never inside them: the watcher must not see it.
  const tokenStore = await createFsServiceTokenStore({ dir: config.dataDir });
  const serviceTokens = createServiceTokenService({ store: tokenStore, guard, clock, logger });
  const app = createHttpApp({
    service,
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
    openApi: buildOpenApiDocument(packageVersion()),
  });
  if (config.auth.tokens.length === 0 && config.auth.oidc.length === 0) {
    logger.warn(
      'no auth.tokens or auth.oidc configured: only service tokens can reach /api/ (an admin must create them)',
    );
  }
  return { app, store, index, sync, service, accessModel, logger, close: () => audit.close() };
}

/**
 * Starts the platform: the HTTP server at once (so /healthz answers), the index load in
 * the background (/readyz and /api answer 503 until then), then the expiry reaper.
 */
export async function startPlatform(
  config: PlatformConfig,
  options: { logger?: Logger; clock?: Clock } = {},
): Promise<RunningPlatform> {
  const { app, sync, service, accessModel, logger, close } = await createPlatform(config, options);
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
  logger.info({ url, port: address.port, store: config.store.path }, 'listening');

  const reloaderStopped = startAccessModelReloader({
    reloadIfChanged: accessModel.reloadIfChanged,
    intervalMs: config.tenancy.reloadIntervalMs,
    logger,
    signal: lifetime.signal,
  });
  let reaperStopped: Promise<void> = Promise.resolve();
  const ready = sync.start(lifetime.signal).then(() => {
    reaperStopped = startExpiryReaper({
      service,
      intervalMs: config.reaper.intervalMs,
      logger,
      signal: lifetime.signal,
    });
  });
  ready.catch((error: unknown) => logger.fatal({ err: error }, 'could not load the claim index'));

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
      await closed;
      clearTimeout(force);
      await Promise.all([reaperStopped, reloaderStopped]);
      await close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return { url, port: address.port, ready, stop };
}
