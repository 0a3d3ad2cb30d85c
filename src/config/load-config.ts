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
import { configFileSchema, type LOG_LEVELS, type StaticTokenConfig } from './config-schema.js';
import { ENV_VARS } from './env-vars.js';
import type { OidcIssuerConfig } from './oidc-config-schema.js';
import { parsePort, PORT_RULE } from './port.js';

/** The resolved, frozen configuration every part of the platform is built from. */
export interface PlatformConfig {
  readonly configPath: string | undefined;
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly shutdownTimeoutMs: number;
  };
  readonly dataDir: string;
  readonly store: { readonly path: string; readonly resyncIntervalMs: number };
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
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
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

  const port = sources.flags?.port ?? portFromEnv(env, ENV_VARS.port) ?? file.server.port;
  const host = sources.flags?.host ?? fromEnv(env, ENV_VARS.host) ?? file.server.host;
  const dataDir = resolve(
    cwd,
    sources.flags?.dataDir ?? fromEnv(env, ENV_VARS.dataDir) ?? '.platform',
  );
  const fileDir = absoluteConfig === undefined ? cwd : dirname(absoluteConfig);
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
          : resolve(fileDir, file.store.path),
      resyncIntervalMs: durationMs(file.store.resyncInterval),
    },
    auth: { tokens: file.auth.tokens, oidc: file.auth.oidc },
    catalogue: catalogue.data,
    tenancy: {
      // Like the data dir: a path from the environment is relative to the working directory.
      path:
        optionalPath(cwd, fromEnv(env, ENV_VARS.tenancy)) ?? optionalPath(fileDir, file.tenancy),
      policyDirectory: optionalPath(fileDir, file.authorization.policyDirectory),
      reloadIntervalMs: durationMs(file.authorization.reloadInterval),
    },
    access: { outputDirectory: optionalPath(fileDir, file.access.outputDirectory) },
    reaper: { intervalMs: durationMs(file.reaper.interval) },
    log: { level: level.data },
  });
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
