import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createFsRenderedStore } from '../adapters/fs-rendered-store/fs-rendered-store.js';
import {
  meteredArtifactRegistry,
  meteredRegistryMaintenance,
} from '../adapters/metered/metered-ports.js';
import { createOciRegistry } from '../adapters/oci-registry/oci-registry.js';
import { createRegistryMaintenance } from '../adapters/oci-registry/registry-maintenance.js';
import { withPgDeploymentRecords } from '../adapters/postgres/pg-deployment-records.js';
import type { PgPool } from '../adapters/postgres/pg-pool.js';
import { RENDERED_KEY_PREFIX } from '../adapters/s3-store/s3-rendered-layout.js';
import type { AccessGuard } from '../app/access-guard.js';
import { createDeployer, type Deployer } from '../app/deployer.js';
import { createDeploymentApi, type DeploymentApi } from '../app/deployment-api.js';
import { toEnvironmentResource } from '../app/environment-view.js';
import type { Notifier } from '../app/notification-service.js';
import { createRegistryRetention, type RegistryRetention } from '../app/registry-retention.js';
import { createVersionResolver } from '../app/version-resolver.js';
import type { DeploySettings, PlatformConfig } from '../config/load-config.js';
import { InputError } from '../domain/errors.js';
import type { RenderSettings } from '../domain/render/render-environment.js';
import { DEFAULT_NODE_PLANS } from '../domain/render/render-input.js';
import {
  parseServiceCatalogueText,
  type ServiceCatalogue,
} from '../domain/services/service-catalogue.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { ClaimIndex } from '../ports/claim-index.js';
import type { Clock } from '../ports/clock.js';
import type { PlatformMetrics } from '../ports/metrics.js';
import type { RenderedStore } from '../ports/rendered-store.js';

// Wiring of the deployer (issue 9) and the registry retention, for `createPlatform`.

/** The service catalogue named by `deploy.catalogue`, checked against the config's types and policy. */
export async function readServiceCatalogue(
  config: PlatformConfig,
  deploy: DeploySettings,
): Promise<ServiceCatalogue> {
  const path = deploy.cataloguePath;
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new InputError(`Cannot read the service catalogue ${path}: ${(error as Error).message}`);
  });
  return parseServiceCatalogueText(text, path, {
    environmentTypes: Object.keys(config.catalogue),
    policy: config.versionPolicy,
    artifactNames: deploy.artifactNames,
  });
}

/** The seed's 24-hour retention of user repositories, over the deployer's registry settings. */
export function createUserRepositoryRetention(deps: {
  deploy: DeploySettings;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  metrics: PlatformMetrics;
}): RegistryRetention {
  const { deploy, audit, clock, logger, metrics } = deps;
  const { registry, repositories } = deploy;
  return createRegistryRetention({
    registry: meteredRegistryMaintenance(
      createRegistryMaintenance({
        url: registry.url,
        credentials: registry.credentials,
        token: registry.token,
        timeoutMs: registry.timeoutMs,
        retries: registry.retries,
        logger,
      }),
      metrics,
    ),
    audit,
    clock,
    logger,
    userRepositoriesPrefix: repositories.users,
    protectedPrefixes: [
      repositories.release.images,
      repositories.release.deployments,
      repositories.dev.images,
      repositories.dev.deployments,
    ],
    maxAgeMs: registry.retention.userRepositoriesMs,
  });
}

/** The deployer and its API: registry, rendered store, resolver, renderer settings. */
export async function createDeployment(deps: {
  config: PlatformConfig;
  deploy: DeploySettings;
  services: ServiceCatalogue;
  index: ClaimIndex;
  guard: AccessGuard;
  database: PgPool | undefined;
  clock: Clock;
  logger: Logger;
  metrics: PlatformMetrics;
  notifier: Notifier | undefined;
}): Promise<{ deployer: Deployer; api: DeploymentApi }> {
  const { config, deploy, services, index, guard, database, clock, logger } = deps;
  const registry = meteredArtifactRegistry(
    createOciRegistry({
      url: deploy.registry.url,
      ...(deploy.registry.credentials ? { credentials: deploy.registry.credentials } : {}),
      ...(deploy.registry.token ? { token: deploy.registry.token } : {}),
      timeoutMs: deploy.registry.timeoutMs,
      retries: deploy.registry.retries,
      cacheTtlMs: deploy.registry.cacheTtlMs,
      logger,
    }),
    deps.metrics,
  );
  const { flux } = deploy;
  const settings: RenderSettings = {
    registryHost: new URL(deploy.registry.url).host,
    registryInsecure: deploy.registry.url.startsWith('http:'),
    ...(flux.registrySecretName ? { registrySecretName: flux.registrySecretName } : {}),
    ...(flux.deploymentMediaType ? { deploymentMediaType: flux.deploymentMediaType } : {}),
    // The S3 store keeps files under `rendered/` of its bucket (the name is resolved in the
    // config); the fs store's directory is the bucket itself.
    bucket:
      config.store.type === 's3' ? { ...flux.bucket, keyPrefix: RENDERED_KEY_PREFIX } : flux.bucket,
    fluxNamespace: flux.namespace,
    platformStacks: flux.platformStacks,
    interval: flux.interval,
    sharedEndpoints: flux.sharedEndpoints,
    infisical: deploy.infisical.enabled
      ? {
          hostAPI: deploy.infisical.hostAPI,
          sharedProject: deploy.infisical.sharedProject,
          platformSource: deploy.infisical.platformSource,
          credentialsSecret: deploy.infisical.credentialsSecret,
        }
      : null,
    cluster: {
      region: deploy.cluster.region,
      vpcCidr: deploy.cluster.vpcCidr,
      ...(deploy.cluster.kubernetesVersion
        ? { kubernetesVersion: deploy.cluster.kubernetesVersion }
        : {}),
      claimNamespace: deploy.cluster.claimNamespace,
      nodePlans: { ...DEFAULT_NODE_PLANS, ...deploy.cluster.nodePlans },
    },
  };
  const deployer = createDeployer({
    index,
    services,
    environmentTypes: config.catalogue,
    resolver: createVersionResolver({
      registry,
      sources: { ...deploy.repositories, registryAliases: deploy.registry.aliases },
    }),
    store: await createRenderedStore(config, database),
    settings,
    policy: config.versionPolicy,
    devTagTypes: deploy.devTagTypes,
    clock,
    logger,
    // A new failure to render is told to the sinks; the id names the revision and reason.
    onFailed: async (environment, reason, revision) => {
      await deps.notifier?.publishQuietly('failed', environment, {
        occurrence: `${revision}:${reason}`,
        reason,
      });
    },
    onRevision: async (environment, record) => {
      // Changes the platform makes on its own are audited like the reaper's deletions.
      if (record.history.at(-1)?.reason === 'newer-version') {
        await guard.recordSystem(
          'system:version-reresolver',
          'environment:update',
          toEnvironmentResource(environment),
        );
      }
    },
  });
  return { deployer, api: createDeploymentApi({ deployer, index, guard }) };
}

/**
 * The rendered store beside the claim store: the same kind, the rendered bucket with S3.
 * With a database, the deployment records (history, rollback pins) live in it instead, so
 * any replica answers for them; the files stay where Flux reads them.
 */
async function createRenderedStore(
  config: PlatformConfig,
  database: PgPool | undefined,
): Promise<RenderedStore> {
  const files = await createFilesStore(config);
  return database ? withPgDeploymentRecords(files, database) : files;
}

async function createFilesStore(config: PlatformConfig): Promise<RenderedStore> {
  const { s3 } = config.store;
  if (config.store.type !== 's3') return createFsRenderedStore(config.store.path);
  const { createS3RenderedStore } = await import('../adapters/s3-store/s3-rendered-store.js');
  return createS3RenderedStore({
    // Credentials: the SDK's standard chain, as for the claim store.
    connection: { endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle },
    bucket: s3.buckets.rendered,
  });
}
