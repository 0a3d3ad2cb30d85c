import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { hashToken } from '../../src/adapters/token-authenticator/static-token-authenticator.js';
import { loadConfig, type PlatformConfig } from '../../src/config/load-config.js';
import { createPlatform, type Platform } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  set(instant: Date): void;
  advance(ms: number): void;
}

export function manualClock(start = new Date('2026-01-15T10:30:00Z')): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (instant) => {
      current = instant.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** The default test tenancy: the foundation's tests act as platform administrators. */
export const ADMINS_TENANCY = `platformAdmins:
  users: [alice@example.com, bob@example.com]
`;

/** A `sue` claim request for POST /api/v1/environments, in pool team1 with one service. */
export const sueRequest = (name: string) => ({
  environment_name: name,
  environment_type: 'sue',
  environment_pool: 'team1',
  services: { 'user-service': 'v1.2.3' },
});

export const ALICE_TOKEN = 'alice-test-token';
export const BOB_TOKEN = 'bob-test-token';

export interface TestPlatform extends Platform {
  readonly dataDir: string;
  readonly bucketsDir: string;
  readonly clock: ManualClock;
  readonly config: PlatformConfig;
  /** `app.request` with Alice's token (or `token: null` for none) and JSON handling. */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      raw?: string;
      token?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  /** Loads the index (as the server does at start); the change feed runs until `close`. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real platform (fs store in a temp dir, memory index, static tokens) without a socket,
 * as `main.ts` wires it, with a manual clock and a silent logger.
 */
export async function createTestPlatform(
  options: {
    clock?: ManualClock;
    /** Tenancy YAML; default: Alice and Bob are platform admins (the foundation's tests). */
    tenancy?: string;
    /** Operator policy files, name → Cedar text. */
    policies?: Record<string, string>;
    /** Trusted OpenID Providers (`auth.oidc`). */
    oidc?: PlatformConfig['auth']['oidc'];
    /** Extra static tokens: token → subject, groups and kind. */
    tokens?: Record<string, { subject: string; groups?: string[]; kind?: 'user' | 'service' }>;
    /** `access.outputDirectory`: where POST /api/v1/access/render writes. */
    accessOutputDirectory?: string;
    /** A config file (YAML) read by the real loader, e.g. a `deploy:` section; relative paths are from the data dir. */
    configYaml?: string;
    /** Files to put in the data dir before the config is read (a service catalogue, say). */
    files?: Record<string, string>;
    /** Environment variables for the config loader (PLATFORM_REGISTRY_PASSWORD, say). */
    env?: Record<string, string>;
    /** The change feed's resync period; default 200 ms. */
    resyncIntervalMs?: number;
    /** Default: a silent logger. */
    logger?: Logger;
  } = {},
): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'platform-test-'));
  const tenancyPath = join(dataDir, 'tenancy.yaml');
  await writeFile(tenancyPath, options.tenancy ?? ADMINS_TENANCY);
  const policyDirectory = join(dataDir, 'policies');
  await mkdir(policyDirectory);
  for (const [name, text] of Object.entries(options.policies ?? {}))
    await writeFile(join(policyDirectory, name), text);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    await writeFile(join(dataDir, name), text);
  }
  let configPath: string | undefined;
  if (options.configYaml !== undefined) {
    configPath = join(dataDir, 'platform.yaml');
    await writeFile(configPath, options.configYaml);
  }
  const loaded = await loadConfig({ configPath, flags: { dataDir }, env: options.env ?? {} });
  const config: PlatformConfig = {
    ...loaded,
    store: { ...loaded.store, resyncIntervalMs: options.resyncIntervalMs ?? 200 },
    tenancy: { path: tenancyPath, policyDirectory, reloadIntervalMs: 200 },
    access: { outputDirectory: options.accessOutputDirectory },
    auth: {
      oidc: options.oidc ?? [],
      tokens: [
        {
          subject: 'alice@example.com',
          groups: ['team1'],
          sha256: hashToken(ALICE_TOKEN),
          kind: 'user',
        },
        {
          subject: 'bob@example.com',
          groups: ['team2'],
          sha256: hashToken(BOB_TOKEN),
          kind: 'user',
        },
        ...Object.entries(options.tokens ?? {}).map(([token, entry]) => ({
          subject: entry.subject,
          groups: entry.groups ?? [],
          sha256: hashToken(token),
          kind: entry.kind ?? ('user' as const),
        })),
      ],
    },
  };
  const clock = options.clock ?? manualClock();
  const platform = await createPlatform(config, {
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    throw error;
  });
  const lifetime = new AbortController();

  return {
    ...platform,
    dataDir,
    bucketsDir: config.store.path,
    clock,
    config,
    call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const token = callOptions.token === undefined ? ALICE_TOKEN : callOptions.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = callOptions.raw;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(
        platform.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }),
      );
    },
    start: () => platform.sync.start(lifetime.signal),
    async close() {
      lifetime.abort();
      await platform.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
