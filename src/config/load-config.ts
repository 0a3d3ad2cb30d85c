import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  buildCatalogue,
  type EnvironmentTypeCatalogue,
} from '../domain/environment-types/catalogue.js';
import { InputError } from '../domain/errors.js';
import { parseYamlText } from '../domain/shared/yaml-text.js';
import { deepFreeze } from '../domain/shared/deep-freeze.js';
import { durationMs } from '../domain/shared/duration.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import {
  configFileSchema,
  type LOG_LEVELS,
  type S3StoreConfig,
  type StaticTokenConfig,
} from './config-schema.js';
import { ENV_VARS } from './env-vars.js';
import type { OidcIssuerConfig } from './oidc-config-schema.js';
import { DEFAULT_VERSION_POLICY, type VersionPolicy } from '../domain/versions/version-policy.js';
import type { DeployConfigFile } from './deploy-config-schema.js';
import { parsePort, PORT_RULE } from './port.js';
import { notificationSettings } from './notifications-config-schema.js';
import type { NotificationSettings } from '../domain/notifications/notification-sink.js';

/** The resolved, frozen configuration every part of the platform is built from. */
export interface PlatformConfig {
  readonly configPath: string | undefined;
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly shutdownTimeoutMs: number;
  };
  readonly dataDir: string;
  readonly store: {
    readonly path: string;
    readonly resyncIntervalMs: number;
    /** Whether the fs store watches its directories (`store.watch`). */
    readonly watch: boolean;
    /** `fs` (default) or `s3`; with `s3`, `s3` says where (`path` is then unused). */
    readonly type: 'fs' | 's3';
    readonly s3: S3StoreConfig;
  };
  /** Secret-adjacent: hashes only, but still never logged. */
  readonly auth: {
    readonly tokens: readonly StaticTokenConfig[];
    readonly oidc: readonly OidcIssuerConfig[];
  };
  readonly catalogue: EnvironmentTypeCatalogue;
  /** Absolute paths; `undefined`: none configured. */
  readonly tenancy: {
    readonly path: string | undefined;
    readonly policyDirectory: string | undefined;
    readonly reloadIntervalMs: number;
  };
  /** Absolute path of the access compiler's output directory, when configured. */
  readonly access: { readonly outputDirectory: string | undefined };
  readonly reaper: { readonly intervalMs: number };
  /** Webhook sinks and their queue (issue 15). Secret: header values and URLs are never logged. */
  readonly notifications: NotificationSettings;
  /** Which constraint kinds each environment type accepts. */
  readonly versionPolicy: VersionPolicy;
  /** The environment deployer; `undefined` when no catalogue and registry are configured. */
  readonly deploy: DeploySettings | undefined;
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
  /**
   * `GET /metrics`: on the API port (`port` undefined, a token if `requireToken`) or on a
   * listener of its own at `host:port` without a token.
   */
  readonly metrics: {
    readonly enabled: boolean;
    readonly port: number | undefined;
    readonly host: string;
    readonly requireToken: boolean;
  };
  /** Secret, never logged: the bucket event notifications' shared secret, if set. */
  readonly bucketEvents: { readonly token: string | undefined };
  /**
   * Where the derived state lives: `memory` (index in process, audit log, tokens and
   * deployment records in the data directory) or `postgres` (all of them in one database
   * that several replicas share). Secret-adjacent: the URL may hold a password; never log it.
   */
  readonly index:
    | { readonly type: 'memory' }
    | {
        readonly type: 'postgres';
        readonly postgres: { readonly url: string; readonly poolSize: number };
      };
}

/** The deployer's settings, resolved: absolute paths, milliseconds, secrets from the environment. */
export interface DeploySettings {
  readonly cataloguePath: string;
  /** Secret: the password or token is never logged. */
  readonly registry: {
    readonly url: string;
    readonly aliases: readonly string[];
    readonly credentials: { readonly username: string; readonly password: string } | undefined;
    readonly token: string | undefined;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly cacheTtlMs: number;
    /** `deploy.registry.retention`: the user-repository sweeper. */
    readonly retention: {
      readonly enabled: boolean;
      readonly userRepositoriesMs: number;
      readonly intervalMs: number;
    };
  };
  readonly repositories: DeployConfigFile['repositories'];
  readonly artifactNames: DeployConfigFile['artifactNames'];
  readonly devTagTypes: readonly string[];
  readonly resolveIntervalMs: number;
  readonly flux: DeployConfigFile['flux'];
  readonly infisical: DeployConfigFile['infisical'];
  readonly cluster: DeployConfigFile['cluster'];
}

export interface ConfigSources {
  /** Path of the YAML file; none means every default. */
  readonly configPath?: string | undefined;
  readonly flags?: {
    readonly port?: number | undefined;
    readonly dataDir?: string | undefined;
    readonly host?: string | undefined;
  };
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/**
 * Reads the config file, applies environment variables and flags (flags win), validates
 * everything once and returns it frozen. Throws `InputError` whose field errors name the
 * key path, e.g. `server.port: expected number`. Relative paths in the file are resolved
 * against the file's directory; relative flags against the working directory.
 */
export async function loadConfig(sources: ConfigSources = {}): Promise<PlatformConfig> {
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const configPath = sources.configPath ?? fromEnv(env, ENV_VARS.config);
  const absoluteConfig = configPath === undefined ? undefined : resolve(cwd, configPath);
  const raw = absoluteConfig === undefined ? {} : await readYaml(absoluteConfig);

  const parsed = configFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new InputError(
      `Invalid config ${absoluteConfig ?? ''}`.trim(),
      toFieldErrors(parsed.error),
    );
  }
  const file = parsed.data;
  const catalogue = buildCatalogue(file.environmentTypes);
  if (!catalogue.success) {
    throw new InputError(
      'Invalid config: environmentTypes',
      toFieldErrors(catalogue.error, 'environmentTypes'),
    );
  }

  const deploy = withRenderedBucket(
    deploySettings(file.deploy, fileDir(absoluteConfig, cwd), env),
    file.store,
    raw,
  );
  const versionPolicy: VersionPolicy = {
    byType: { ...DEFAULT_VERSION_POLICY.byType, ...file.versionPolicy },
    fallback: DEFAULT_VERSION_POLICY.fallback,
  };
  const typeProblems = [
    ...Object.keys(file.versionPolicy).map((type, i) => ({
      type,
      path: `versionPolicy.${type}`,
      i,
    })),
    ...file.deploy.devTagTypes.map((type, i) => ({ type, path: `deploy.devTagTypes.${i}`, i })),
  ].filter(({ type }) => !Object.hasOwn(catalogue.data, type));
  if (typeProblems.length > 0) {
    throw new InputError(
      'Invalid config',
      typeProblems.map(({ type, path }) => ({
        path,
        message: `unknown environment type '${type}'; known: ${Object.keys(catalogue.data).sort().join(', ')}`,
      })),
    );
  }

  const port = sources.flags?.port ?? portFromEnv(env, ENV_VARS.port) ?? file.server.port;
  const host = sources.flags?.host ?? fromEnv(env, ENV_VARS.host) ?? file.server.host;
  const dataDir = resolve(
    cwd,
    sources.flags?.dataDir ?? fromEnv(env, ENV_VARS.dataDir) ?? '.platform',
  );
  const fileDirectory = fileDir(absoluteConfig, cwd);
  const logLevel = fromEnv(env, ENV_VARS.logLevel) ?? file.log.level;
  const level = configFileSchema.shape.log.unwrap().shape.level.safeParse(logLevel);
  if (!level.success) {
    throw new InputError('Invalid config', [
      { path: ENV_VARS.logLevel, message: level.error.issues[0]?.message ?? 'invalid' },
    ]);
  }

  return deepFreeze({
    configPath: absoluteConfig,
    server: { port, host, shutdownTimeoutMs: durationMs(file.server.shutdownTimeout) },
    dataDir,
    store: {
      path:
        file.store.path === undefined
          ? resolve(dataDir, 'buckets')
          : resolve(fileDirectory, file.store.path),
      resyncIntervalMs: durationMs(file.store.resyncInterval),
      watch: file.store.watch,
      type: file.store.type,
      s3: file.store.s3,
    },
    auth: { tokens: file.auth.tokens, oidc: file.auth.oidc },
    catalogue: catalogue.data,
    tenancy: {
      // Like the data dir: a path from the environment is relative to the working directory.
      path:
        optionalPath(cwd, fromEnv(env, ENV_VARS.tenancy)) ??
        optionalPath(fileDirectory, file.tenancy),
      policyDirectory: optionalPath(fileDirectory, file.authorization.policyDirectory),
      reloadIntervalMs: durationMs(file.authorization.reloadInterval),
    },
    access: { outputDirectory: optionalPath(fileDirectory, file.access.outputDirectory) },
    reaper: { intervalMs: durationMs(file.reaper.interval) },
    notifications: notificationSettings(file.notifications, env),
    versionPolicy,
    deploy,
    log: { level: level.data },
    metrics: {
      enabled: file.metrics.enabled,
      port: file.metrics.port,
      host: file.metrics.host ?? host,
      requireToken: file.metrics.requireToken,
    },
    bucketEvents: { token: fromEnv(env, ENV_VARS.bucketEventsToken) },
    index:
      file.index.type === 'postgres'
        ? {
            type: 'postgres',
            postgres: { url: file.index.postgres.url!, poolSize: file.index.postgres.poolSize },
          }
        : { type: 'memory' },
  });
}

function fileDir(configPath: string | undefined, cwd: string): string {
  return configPath === undefined ? cwd : dirname(configPath);
}

function deploySettings(
  file: DeployConfigFile,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): DeploySettings | undefined {
  const { catalogue, registry } = file;
  if (catalogue === undefined || registry === undefined) return undefined;
  const password = fromEnv(env, ENV_VARS.registryPassword);
  if (registry.username !== undefined && password === undefined) {
    throw new InputError('Invalid config', [
      {
        path: 'deploy.registry.username',
        message: `needs the password in ${ENV_VARS.registryPassword}`,
      },
    ]);
  }
  return {
    cataloguePath: resolve(base, catalogue),
    registry: {
      url: registry.url.replace(/\/+$/, ''),
      aliases: registry.aliases,
      credentials:
        registry.username === undefined || password === undefined
          ? undefined
          : { username: registry.username, password },
      token: fromEnv(env, ENV_VARS.registryToken),
      timeoutMs: durationMs(registry.timeout),
      retries: registry.retries,
      cacheTtlMs: durationMs(registry.cacheTtl),
      retention: {
        enabled: registry.retention.enabled,
        userRepositoriesMs: durationMs(registry.retention.userRepositories),
        intervalMs: durationMs(registry.retention.interval),
      },
    },
    repositories: file.repositories,
    artifactNames: file.artifactNames,
    devTagTypes: file.devTagTypes,
    resolveIntervalMs: durationMs(file.resolveInterval),
    flux: file.flux,
    infisical: file.infisical,
    cluster: file.cluster,
  };
}

/**
 * With `store.type: s3` the deployer writes into `store.s3.buckets.rendered`, so the Flux
 * `Bucket` must read that bucket: its name follows the store's. A different
 * `deploy.flux.bucket.name` written in the file would send Flux to a bucket nothing writes,
 * so it is refused rather than silently replaced. The endpoint stays `deploy.flux.bucket`'s:
 * the cluster may reach the store by another address than the platform does.
 */
function withRenderedBucket(
  deploy: DeploySettings | undefined,
  store: { readonly type: 'fs' | 's3'; readonly s3: S3StoreConfig },
  raw: unknown,
): DeploySettings | undefined {
  if (deploy === undefined || store.type !== 's3') return deploy;
  const rendered = store.s3.buckets.rendered;
  const written = (raw as { deploy?: { flux?: { bucket?: { name?: unknown } } } } | null)?.deploy
    ?.flux?.bucket?.name;
  if (written !== undefined && written !== rendered) {
    throw new InputError('Invalid config', [
      {
        path: 'deploy.flux.bucket.name',
        message: `with store.type s3 Flux reads the rendered bucket store.s3.buckets.rendered ('${rendered}'); leave it out or set '${rendered}'`,
      },
    ]);
  }
  return { ...deploy, flux: { ...deploy.flux, bucket: { ...deploy.flux.bucket, name: rendered } } };
}

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read config file ${path}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return parseYamlText(text, `Config file ${path}`);
}

function optionalPath(base: string, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(base, path);
}

/** An environment variable's value; an empty one counts as unset, as shells make it easy. */
function fromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function portFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const value = fromEnv(env, name);
  if (value === undefined) return undefined;
  const port = parsePort(value);
  if (port === undefined) {
    throw new InputError('Invalid config', [{ path: name, message: PORT_RULE }]);
  }
  return port;
}
