import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../domain/environment-types/catalogue.js';
import { InputError } from '../domain/errors.js';
import { DEFAULT_VERSION_POLICY } from '../domain/versions/version-policy.js';
import { loadConfig, type ConfigSources } from './load-config.js';

const SHA = 'a'.repeat(64);

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'platform-config-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh YAML file (optionally in a sub-directory) and returns its path. */
async function yamlFile(text: string, subdirectory = ''): Promise<string> {
  counter += 1;
  const folder = join(dir, subdirectory);
  await mkdir(folder, { recursive: true });
  const path = join(folder, `config-${counter}.yaml`);
  await writeFile(path, text, 'utf8');
  return path;
}

async function loadError(sources: ConfigSources): Promise<InputError> {
  try {
    await loadConfig(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig defaults', () => {
  it('uses every default without a file', async () => {
    const config = await loadConfig({ env: {}, cwd: dir });
    expect(config).toEqual({
      configPath: undefined,
      server: { port: 8080, host: '127.0.0.1', shutdownTimeoutMs: 10_000 },
      dataDir: resolve(dir, '.platform'),
      store: {
        path: resolve(dir, '.platform', 'buckets'),
        resyncIntervalMs: 300_000,
        watch: true,
        type: 'fs',
        s3: {
          region: 'us-east-1',
          forcePathStyle: false,
          buckets: {
            environments: 'environments',
            staticEnvironments: 'static-environments',
            rendered: 'platform-rendered',
          },
          unsafeWithoutConditionalWrites: false,
        },
      },
      auth: { tokens: [], oidc: [] },
      catalogue: DEFAULT_ENVIRONMENT_TYPES,
      tenancy: { path: undefined, policyDirectory: undefined, reloadIntervalMs: 2_000 },
      access: { outputDirectory: undefined },
      reaper: { intervalMs: 30_000 },
      notifications: {
        sinks: [],
        warnIntervalMs: 30_000,
        queue: {
          maxLength: 1000,
          concurrency: 4,
          retryBaseMs: 1000,
          retryMaxMs: 300_000,
          maxAttempts: 20,
          maxAgeMs: 86_400_000,
          pollIntervalMs: 10_000,
        },
      },
      versionPolicy: DEFAULT_VERSION_POLICY,
      deploy: undefined,
      log: { level: 'info' },
      metrics: { enabled: true, port: undefined, host: '127.0.0.1', requireToken: true },
      bucketEvents: { token: undefined },
      index: { type: 'memory' },
    });
  });

  it('reads the bucket events secret from PLATFORM_BUCKET_EVENTS_TOKEN (blank is unset)', async () => {
    const set = await loadConfig({ env: { PLATFORM_BUCKET_EVENTS_TOKEN: ' s3cret ' }, cwd: dir });
    expect(set.bucketEvents.token).toBe('s3cret');
    const blank = await loadConfig({ env: { PLATFORM_BUCKET_EVENTS_TOKEN: '  ' }, cwd: dir });
    expect(blank.bucketEvents.token).toBeUndefined();
  });

  it('uses every default for an empty file, and for one with empty sections', async () => {
    for (const text of ['', '# nothing\n', 'server: {}\nstore: {}\nauth: {}\nlog: {}\n']) {
      const path = await yamlFile(text);
      const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
      expect(config.configPath).toBe(path);
      expect(config.server).toEqual({ port: 8080, host: '127.0.0.1', shutdownTimeoutMs: 10_000 });
      expect(config.log.level).toBe('info');
      expect(config.catalogue).toEqual(DEFAULT_ENVIRONMENT_TYPES);
    }
  });

  it('reads the deploy section: paths from the file, the registry password from the environment', async () => {
    const path = await yamlFile(`deploy:
  catalogue: ./services.yaml
  registry: { url: 'https://registry.example.com/', username: ci }
  repositories: { dev: { tagPattern: '-dev\\.' } }
  resolveInterval: 10m
versionPolicy:
  staging: [anchored]
`);
    const config = await loadConfig({
      configPath: path,
      env: { PLATFORM_REGISTRY_PASSWORD: 's3cret' },
      cwd: dir,
    });
    expect(config.deploy).toMatchObject({
      cataloguePath: resolve(dir, 'services.yaml'),
      registry: {
        url: 'https://registry.example.com',
        credentials: { username: 'ci', password: 's3cret' },
        token: undefined,
        timeoutMs: 10_000,
        retries: 2,
        cacheTtlMs: 30_000,
      },
      repositories: {
        release: { images: 'docker-releases', deployments: 'oci-releases' },
        dev: { images: 'docker-snapshots', deployments: 'oci-snapshots', tagPattern: '-dev\\.' },
      },
      artifactNames: { image: '{service}', deployment: '{service}-ansible' },
      devTagTypes: ['sue'],
      resolveIntervalMs: 600_000,
    });
    expect(config.versionPolicy.byType.staging).toEqual(['anchored']);
    expect(config.versionPolicy.byType.prod).toEqual(['anchored']);
  });

  it('refuses half a deploy section, a username without its password, and unknown types', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['deploy: { catalogue: ./s.yaml }\n', {}, 'deploy.registry: is required'],
      ["deploy: { registry: { url: 'http://r:5000' } }\n", {}, 'deploy.catalogue: is required'],
      [
        "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000', username: ci } }\n",
        {},
        'deploy.registry.username: needs the password in PLATFORM_REGISTRY_PASSWORD',
      ],
      [
        "deploy: { registry: { url: 'ftp://r' }, catalogue: ./s.yaml }\n",
        {},
        'deploy.registry.url',
      ],
      [
        'versionPolicy: { qa: [anchored] }\n',
        {},
        "versionPolicy.qa: unknown environment type 'qa'",
      ],
      [
        'deploy: { devTagTypes: [sue, qa] }\n',
        {},
        "deploy.devTagTypes.1: unknown environment type 'qa'",
      ],
      [
        "deploy: { repositories: { dev: { tagPattern: '(' } } }\n",
        {},
        'must be a valid regular expression',
      ],
    ];
    for (const [text, env, message] of cases) {
      const path = await yamlFile(text);
      const error = await loadConfig({ configPath: path, env, cwd: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      const lines = (error as InputError).errors.map((e) => `${e.path}: ${e.message}`).join('\n');
      expect(lines).toContain(message);
    }
  });

  it('returns a frozen result', async () => {
    const config = await loadConfig({ env: {}, cwd: dir });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.store)).toBe(true);
    expect(Object.isFrozen(config.auth.tokens)).toBe(true);
    expect(Object.isFrozen(config.catalogue)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.server.port).toBe(8080);
  });

  it('freezes the configured tokens', async () => {
    const path = await yamlFile(`auth:\n  tokens:\n    - subject: alice\n      sha256: ${SHA}\n`);
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(Object.isFrozen(config.auth.tokens[0])).toBe(true);
    expect(Object.isFrozen(config.auth.tokens[0]?.groups)).toBe(true);
  });
});

describe('loadConfig from a file', () => {
  it('reads every section', async () => {
    const path = await yamlFile(
      [
        'server:',
        '  port: 9090',
        '  host: 0.0.0.0',
        '  shutdownTimeout: 2s',
        'store:',
        '  resyncInterval: 1m',
        'auth:',
        '  tokens:',
        '    - subject: ci-bot',
        `      sha256: ${'AB'.repeat(32)}`,
        '      kind: service',
        '      groups: [platform-admins]',
        '    - subject: alice@company.com',
        `      sha256: ${SHA}`,
        'environmentTypes:',
        '  sue:',
        '    expiry: { default: 12h, maximum: 3d }',
        'access:',
        '  outputDirectory: ./gitops/access',
        'reaper:',
        '  interval: 500ms',
        'log:',
        '  level: debug',
        '',
      ].join('\n'),
    );
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.server).toEqual({ port: 9090, host: '0.0.0.0', shutdownTimeoutMs: 2_000 });
    expect(config.store.resyncIntervalMs).toBe(60_000);
    expect(config.auth.tokens).toEqual([
      { subject: 'ci-bot', sha256: 'ab'.repeat(32), kind: 'service', groups: ['platform-admins'] },
      { subject: 'alice@company.com', sha256: SHA, kind: 'user', groups: [] },
    ]);
    expect(config.catalogue.sue?.expiry).toEqual({
      default: '12h',
      maximum: '3d',
      warnBefore: '2h',
    });
    expect(config.catalogue.dev).toEqual(DEFAULT_ENVIRONMENT_TYPES.dev);
    expect(config.reaper.intervalMs).toBe(500);
    expect(config.log.level).toBe('debug');
    expect(config.access.outputDirectory).toBe(join(dirname(path), 'gitops/access'));
  });

  it('reads store.type s3 with the issue-12 key names', async () => {
    const path = await yamlFile(
      [
        'store:',
        '  type: s3',
        '  s3:',
        '    endpoint: http://127.0.0.1:7480',
        '    region: eu-north-1',
        '    forcePathStyle: true',
        '    buckets: { environments: envs, staticEnvironments: static, rendered: out }',
        '    unsafeWithoutConditionalWrites: true',
        '',
      ].join('\n'),
    );
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.store.type).toBe('s3');
    expect(config.store.s3).toEqual({
      endpoint: 'http://127.0.0.1:7480',
      region: 'eu-north-1',
      forcePathStyle: true,
      buckets: { environments: 'envs', staticEnvironments: 'static', rendered: 'out' },
      unsafeWithoutConditionalWrites: true,
    });
  });

  it('reads index.type postgres with its URL, and refuses it without one', async () => {
    const path = await yamlFile(
      'index:\n  type: postgres\n  postgres: { url: postgres://platform@db:5432/platform }\n',
    );
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.index).toEqual({
      type: 'postgres',
      postgres: { url: 'postgres://platform@db:5432/platform', poolSize: 10 },
    });
    const missing = await yamlFile('index: { type: postgres }\n');
    await expect(loadConfig({ configPath: missing, env: {}, cwd: dir })).rejects.toMatchObject({
      errors: [
        {
          path: 'index.postgres.url',
          message: 'index.postgres.url is required when index.type is postgres',
        },
      ],
    });
  });

  it('with store.type s3 and the deployer on, Flux reads the rendered bucket (issue 12)', async () => {
    const deploy = "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000' } }";
    const load = async (text: string) =>
      loadConfig({ configPath: await yamlFile(text), env: {}, cwd: dir });
    // The default rendered bucket, and the configured endpoint kept for the cluster's view.
    const byDefault = await load(`store: { type: s3 }\n${deploy}\n`);
    expect(byDefault.deploy?.flux.bucket).toMatchObject({
      name: 'platform-rendered',
      endpoint: 'minio.platform.svc:9000',
    });
    const same = await load(
      'store: { type: s3, s3: { buckets: { rendered: out } } }\n' +
        "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000' }, flux: { bucket: { name: out, endpoint: 'rgw:80' } } }\n",
    );
    expect(same.deploy?.flux.bucket).toMatchObject({ name: 'out', endpoint: 'rgw:80' });
    const error = await loadError({
      configPath: await yamlFile(
        'store: { type: s3, s3: { buckets: { rendered: out } } }\n' +
          "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000' }, flux: { bucket: { name: elsewhere } } }\n",
      ),
      env: {},
      cwd: dir,
    });
    expect(error.errors).toEqual([
      {
        path: 'deploy.flux.bucket.name',
        message: expect.stringContaining("store.s3.buckets.rendered ('out')") as unknown,
      },
    ]);
    // The fs store keeps the Flux bucket as configured: the directory is served under that name.
    const fs = await load(
      "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000' }, flux: { bucket: { name: elsewhere } } }\n",
    );
    expect(fs.deploy?.flux.bucket.name).toBe('elsewhere');
  });

  it('refuses credentials and unknown keys under store.s3', async () => {
    const path = await yamlFile('store:\n  type: s3\n  s3:\n    secretAccessKey: nope\n');
    await expect(loadConfig({ configPath: path, env: {}, cwd: dir })).rejects.toThrow(
      /Invalid config/,
    );
    const badType = await yamlFile('store:\n  type: minio\n');
    await expect(loadConfig({ configPath: badType, env: {}, cwd: dir })).rejects.toThrow();
  });

  it("resolves a relative store.path against the config file's directory", async () => {
    const path = await yamlFile('store:\n  path: ./data/buckets\n', 'nested/conf');
    const config = await loadConfig({ configPath: path, env: {}, cwd: '/' });
    expect(config.store.path).toBe(join(dir, 'nested/conf/data/buckets'));
  });

  it('keeps an absolute store.path', async () => {
    const path = await yamlFile('store:\n  path: /srv/buckets\n');
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.store.path).toBe('/srv/buckets');
  });

  it('resolves a relative config path against cwd', async () => {
    const path = await yamlFile('server:\n  port: 7000\n', 'rel');
    const config = await loadConfig({
      configPath: 'rel/' + path.split('/').pop(),
      env: {},
      cwd: dir,
    });
    expect(config.configPath).toBe(path);
    expect(config.server.port).toBe(7000);
  });

  it('takes the config path from PLATFORM_CONFIG when none is given', async () => {
    const path = await yamlFile('server:\n  port: 7001\n');
    const config = await loadConfig({ env: { PLATFORM_CONFIG: path }, cwd: dir });
    expect(config.configPath).toBe(path);
    expect(config.server.port).toBe(7001);
  });
});

describe('loadConfig errors', () => {
  it('names the key path of a wrong type', async () => {
    const path = await yamlFile('server:\n  port: "80"\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.message).toBe(`Invalid config ${path}`);
    expect(error.errors).toEqual([
      { path: 'server.port', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('names out-of-range ports and unknown keys', async () => {
    const path = await yamlFile('server:\n  port: 70000\n  hots: x\nlogging: {}\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors.map((fieldError) => fieldError.path)).toEqual([
      'server.port',
      'server.hots',
      'logging',
    ]);
    expect(error.errors[1]?.message).toBe('unknown field');
  });

  it('names the token entry whose sha256 is not a hash', async () => {
    const path = await yamlFile(
      `auth:\n  tokens:\n    - subject: ok\n      sha256: ${SHA}\n    - subject: bad\n      sha256: my-secret-token\n`,
    );
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors).toEqual([
      {
        path: 'auth.tokens.1.sha256',
        message: 'must be the hex SHA-256 of the token (64 hex digits), never the token itself',
      },
    ]);
  });

  it('names auth.tokens.0.sha256 when it is missing', async () => {
    const path = await yamlFile('auth:\n  tokens:\n    - subject: alice\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors.map((fieldError) => fieldError.path)).toEqual(['auth.tokens.0.sha256']);
  });

  it('names environment type paths', async () => {
    const path = await yamlFile(
      'environmentTypes:\n  sue:\n    expiry:\n      default: 1 day\n      maximum: 7d\n',
    );
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors).toContainEqual({
      path: 'environmentTypes.sue.expiry.default',
      message: 'must be a duration such as 500ms, 30s, 5m, 24h or 7d',
    });
    expect(new Set(error.errors.map((fieldError) => fieldError.path))).toEqual(
      new Set(['environmentTypes.sue.expiry.default']),
    );
  });

  it('names the missing fields of a new environment type under environmentTypes', async () => {
    const path = await yamlFile('environmentTypes:\n  qa:\n    description: QA\n    ha: false\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.message).toBe('Invalid config: environmentTypes');
    expect(error.errors.map((fieldError) => fieldError.path)).toContain(
      'environmentTypes.qa.nodePools',
    );
    expect(error.errors.map((fieldError) => fieldError.path)).toContain('environmentTypes.qa.waf');
    expect(
      error.errors.every((fieldError) => fieldError.path.startsWith('environmentTypes.qa.')),
    ).toBe(true);
  });

  it('rejects a bad environment type name', async () => {
    const path = await yamlFile('environmentTypes:\n  QA: {}\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors).toEqual([
      { path: 'environmentTypes.QA', message: 'invalid name: must be lower case' },
    ]);
  });

  it('rejects a bad duration', async () => {
    const path = await yamlFile('reaper:\n  interval: 0s\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors).toEqual([
      { path: 'reaper.interval', message: 'must be greater than zero' },
    ]);
  });

  it('reports invalid YAML with its line', async () => {
    const path = await yamlFile('server:\n  port: 8080\n  host: [oops\nlog: {}\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.message).toBe(`Config file ${path} is not valid YAML`);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]?.path).toMatch(/^line [34], column \d+$/);
    expect(error.errors[0]?.message).not.toContain('\n');
    expect(error.cause).toBeDefined();
  });

  it('reports a document that is not a mapping at the root', async () => {
    const path = await yamlFile('- a\n- b\n');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.errors.map((fieldError) => fieldError.path)).toEqual(['(root)']);
  });

  it('reports a missing file', async () => {
    const path = join(dir, 'does-not-exist.yaml');
    const error = await loadError({ configPath: path, env: {} });
    expect(error.message.startsWith(`Cannot read config file ${path}: `)).toBe(true);
    expect(error.message).toContain('ENOENT');
    expect(error.errors).toEqual([]);
  });

  it('rejects a bad PLATFORM_PORT, naming the variable', async () => {
    for (const value of ['http', '80.5', '-1', '65536', '0x50', '+80', '1e3']) {
      const error = await loadError({ env: { PLATFORM_PORT: value } });
      expect(error.errors).toEqual([
        { path: 'PLATFORM_PORT', message: 'must be a port number (0-65535)' },
      ]);
    }
  });

  it('treats empty PLATFORM_HOST and PLATFORM_DATA_DIR as unset', async () => {
    const config = await loadConfig({
      env: { PLATFORM_HOST: '', PLATFORM_DATA_DIR: ' ' },
      cwd: dir,
    });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(join(dir, '.platform'));
  });

  it('rejects a bad PLATFORM_LOG_LEVEL, naming the variable', async () => {
    const error = await loadError({ env: { PLATFORM_LOG_LEVEL: 'loud' } });
    expect(error.errors.map((fieldError) => fieldError.path)).toEqual(['PLATFORM_LOG_LEVEL']);
  });
});

describe('loadConfig precedence: flags > env > file', () => {
  const ENV = {
    PLATFORM_PORT: '8200',
    PLATFORM_HOST: '10.0.0.2',
    PLATFORM_DATA_DIR: 'env-data',
    PLATFORM_LOG_LEVEL: 'warn',
  };

  it('env overrides the file', async () => {
    const path = await yamlFile('server:\n  port: 8100\n  host: 10.0.0.1\nlog:\n  level: error\n');
    const config = await loadConfig({ configPath: path, env: ENV, cwd: dir });
    expect(config.server.port).toBe(8200);
    expect(config.server.host).toBe('10.0.0.2');
    expect(config.dataDir).toBe(join(dir, 'env-data'));
    expect(config.store.path).toBe(join(dir, 'env-data', 'buckets'));
    expect(config.log.level).toBe('warn');
  });

  it('flags override env and file', async () => {
    const path = await yamlFile('server:\n  port: 8100\n  host: 10.0.0.1\n');
    const config = await loadConfig({
      configPath: path,
      env: ENV,
      cwd: dir,
      flags: { port: 8300, host: '10.0.0.3', dataDir: 'flag-data' },
    });
    expect(config.server.port).toBe(8300);
    expect(config.server.host).toBe('10.0.0.3');
    expect(config.dataDir).toBe(join(dir, 'flag-data'));
  });

  it('the file applies when neither flags nor env say anything', async () => {
    const path = await yamlFile('server:\n  port: 8100\n  host: 10.0.0.1\n');
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir, flags: {} });
    expect(config.server.port).toBe(8100);
    expect(config.server.host).toBe('10.0.0.1');
  });

  it('port 0 from a flag or env is kept, not treated as absent', async () => {
    const path = await yamlFile('server:\n  port: 8100\n');
    expect((await loadConfig({ configPath: path, env: { PLATFORM_PORT: '0' } })).server.port).toBe(
      0,
    );
    expect(
      (await loadConfig({ configPath: path, env: { PLATFORM_PORT: '8200' }, flags: { port: 0 } }))
        .server.port,
    ).toBe(0);
  });

  it('an empty PLATFORM_PORT counts as unset', async () => {
    const path = await yamlFile('server:\n  port: 8100\n');
    expect((await loadConfig({ configPath: path, env: { PLATFORM_PORT: '' } })).server.port).toBe(
      8100,
    );
  });

  it('a relative data dir from a flag is resolved against cwd, not the file', async () => {
    const path = await yamlFile('{}\n', 'elsewhere');
    const config = await loadConfig({
      configPath: path,
      env: {},
      cwd: '/opt/app',
      flags: { dataDir: 'd' },
    });
    expect(config.dataDir).toBe('/opt/app/d');
  });
});

describe('loadConfig auth.oidc[].cli (platformctl login, issue 14)', () => {
  const issuer = (extra: string) =>
    yamlFile(
      [
        'auth:',
        '  oidc:',
        '    - issuer: https://idp.example.com/application/o/platform/',
        '      audience: platform-service',
        extra,
        '',
      ].join('\n'),
    );

  it('leaves cli unset when the issuer is not offered to the CLI', async () => {
    const config = await loadConfig({ configPath: await issuer(''), env: {}, cwd: dir });
    expect(config.auth.oidc[0]?.cli).toBeUndefined();
  });

  it('reads cli.clientId and defaults the scopes to openid offline_access', async () => {
    const path = await issuer('      cli: { clientId: platformctl }');
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.auth.oidc[0]?.cli).toEqual({
      clientId: 'platformctl',
      scopes: ['openid', 'offline_access'],
    });
  });

  it('reads explicit scopes and a resource indicator', async () => {
    const path = await issuer(
      "      cli: { clientId: platformctl, scopes: [openid, groups], resource: 'urn:platform-service:api' }",
    );
    const config = await loadConfig({ configPath: path, env: {}, cwd: dir });
    expect(config.auth.oidc[0]?.cli).toEqual({
      clientId: 'platformctl',
      scopes: ['openid', 'groups'],
      resource: 'urn:platform-service:api',
    });
  });

  it('names the key path of a missing clientId, a scope with a space, a relative resource and a secret', async () => {
    const cases: [string, string][] = [
      ['      cli: { scopes: [openid] }', 'auth.oidc.0.cli.clientId'],
      [
        "      cli: { clientId: platformctl, scopes: ['openid groups'] }",
        'auth.oidc.0.cli.scopes.0',
      ],
      ['      cli: { clientId: platformctl, scopes: [] }', 'auth.oidc.0.cli.scopes'],
      ['      cli: { clientId: platformctl, resource: api }', 'auth.oidc.0.cli.resource'],
      // A device-flow client is public (RFC 8628 §3.1): a secret here would be published.
      [
        '      cli: { clientId: platformctl, clientSecret: s3cret }',
        'auth.oidc.0.cli.clientSecret',
      ],
    ];
    for (const [line, path] of cases) {
      const error = await loadError({ configPath: await issuer(line), env: {}, cwd: dir });
      expect(
        error.errors.map((field) => field.path),
        line,
      ).toContain(path);
    }
  });
});
