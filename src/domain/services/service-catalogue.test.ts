import { describe, expect, it } from 'vitest';
import { InputError, type FieldError } from '../errors.js';
import { DEFAULT_VERSION_POLICY } from '../versions/version-policy.js';
import {
  defaultVersion,
  loadServiceCatalogue,
  parseServiceCatalogueText,
} from './service-catalogue.js';
import { problemsOf } from '../../../test/support/thrown.js';

const TYPES = ['dev', 'staging', 'prod', 'sue'];
const ALL = { dev: '*', sue: '*', staging: '>=1.0.0, <2.0.0', prod: 'v1.0.0' };

function load(services: Record<string, unknown>, options: { environmentTypes?: string[] } = {}) {
  return loadServiceCatalogue(
    { services },
    { environmentTypes: options.environmentTypes ?? TYPES },
  );
}

describe('loadServiceCatalogue: a valid catalogue', () => {
  const catalogue = load({
    'user-service': {
      description: 'Users',
      dependsOn: ['auth-service', 'postgres'],
      port: 8080,
      versions: { ...ALL, prod: 'v1.4.2' },
      path: './infrastructure',
      env: { LOG_LEVEL: 'info', REPLICAS: 3, DEBUG: false },
    },
    'auth-service': { dependsOn: ['postgres'], versions: ALL },
    postgres: {
      versions: { default: '*', staging: '>=15.0.0, <16.0.0', prod: 'v15.6.0' },
      artifacts: { image: 'library/postgres', deployment: 'platform/postgres-ansible' },
    },
    tools: { types: ['dev'], versions: { dev: 'latest' } },
  });

  it('fills the defaults', () => {
    expect(catalogue.names).toEqual(['auth-service', 'postgres', 'tools', 'user-service']);
    expect(catalogue.environmentTypes).toEqual(TYPES);
    expect(catalogue.services['auth-service']).toMatchObject({
      name: 'auth-service',
      dependsOn: ['postgres'],
      types: TYPES,
      artifacts: { image: 'auth-service', deployment: 'auth-service-ansible' },
      path: './',
      env: {},
    });
    expect(catalogue.services['auth-service']).not.toHaveProperty('port');
    expect(catalogue.services['tools']?.types).toEqual(['dev']);
  });

  it('keeps what is given, env values as strings', () => {
    expect(catalogue.services['user-service']).toMatchObject({
      description: 'Users',
      port: 8080,
      path: './infrastructure',
      env: { LOG_LEVEL: 'info', REPLICAS: '3', DEBUG: 'false' },
    });
    expect(catalogue.services['postgres']?.artifacts).toEqual({
      image: 'library/postgres',
      deployment: 'platform/postgres-ansible',
    });
  });

  it('parses the default versions; a type key wins over default', () => {
    const postgres = catalogue.services['postgres']!;
    expect(defaultVersion(postgres, 'prod')).toMatchObject({ kind: 'anchored', text: 'v15.6.0' });
    expect(defaultVersion(postgres, 'dev')).toEqual({ kind: 'any', text: '*' });
    expect(defaultVersion(catalogue.services['tools']!, 'prod')).toBeUndefined();
  });

  it('is frozen, and a service called constructor is not confused with the prototype', () => {
    expect(Object.isFrozen(catalogue.services)).toBe(true);
    expect(Object.isFrozen(catalogue.services['user-service']?.env)).toBe(true);
    expect(catalogue.services['constructor']).toBeUndefined();
    const odd = load({ constructor: { versions: ALL }, tostring: { versions: ALL } });
    expect(odd.names).toEqual(['constructor', 'tostring']);
  });

  it('uses configured artifact name patterns for services that set none', () => {
    const custom = loadServiceCatalogue(
      { services: { api: { versions: ALL, artifacts: { image: 'edge/api' } } } },
      { environmentTypes: TYPES, artifactNames: { deployment: 'deploy/{service}' } },
    );
    expect(custom.services['api']?.artifacts).toEqual({
      image: 'edge/api',
      deployment: 'deploy/api',
    });
  });

  it('accepts an empty catalogue', () => {
    expect(load({}).names).toEqual([]);
  });
});

describe('loadServiceCatalogue: schema errors at their key path', () => {
  it.each<[string, unknown, FieldError[]]>([
    [
      'an unknown field',
      { a: { versions: ALL, image: 'x' } },
      [{ path: 'services.a.image', message: 'unknown field' }],
    ],
    [
      'a name that is not a DNS label',
      { User_Service: { versions: ALL } },
      [{ path: 'services.User_Service', message: 'invalid name: must be lower case' }],
    ],
    [
      'a dependency that is not a DNS label',
      { a: { versions: ALL, dependsOn: ['ok', 'Bad'] } },
      [{ path: 'services.a.dependsOn.1', message: 'must be lower case' }],
    ],
    [
      'a port out of range',
      { a: { versions: ALL, port: 70000 } },
      [{ path: 'services.a.port', message: 'must be between 1 and 65535' }],
    ],
    [
      'an env name that is not UPPER_SNAKE',
      { a: { versions: ALL, env: { logLevel: 'x' } } },
      [
        {
          path: 'services.a.env.logLevel',
          message: expect.stringContaining('invalid name: must be UPPER_SNAKE_CASE') as string,
        },
      ],
    ],
    [
      'a path leaving the artifact',
      { a: { versions: ALL, path: './x/../../etc' } },
      [{ path: 'services.a.path', message: "must not contain '..'" }],
    ],
    [
      'an absolute path',
      { a: { versions: ALL, path: '/etc' } },
      [{ path: 'services.a.path', message: expect.stringContaining('relative path') as string }],
    ],
    [
      'an artifact name that is not an OCI repository name',
      { a: { versions: ALL, artifacts: { image: 'User/Service' } } },
      [{ path: 'services.a.artifacts.image', message: expect.stringContaining('OCI') as string }],
    ],
    [
      'an empty version',
      { a: { versions: { ...ALL, dev: '' } } },
      [{ path: 'services.a.versions.dev', message: 'must not be empty' }],
    ],
  ])('%s', (_, services, expected) => {
    expect(problemsOf(() => load(services as Record<string, unknown>))).toEqual(expected);
  });

  it('requires services', () => {
    expect(problemsOf(() => loadServiceCatalogue({}, { environmentTypes: TYPES }))).toEqual([
      { path: 'services', message: 'is required' },
    ]);
  });
});

describe('loadServiceCatalogue: cross-reference checks', () => {
  it('names unknown and repeated dependencies', () => {
    expect(
      problemsOf(() =>
        load({ a: { versions: ALL, dependsOn: ['x', 'b', 'b'] }, b: { versions: ALL } }),
      ),
    ).toEqual([
      { path: 'services.a.dependsOn.0', message: "unknown service 'x'" },
      { path: 'services.a.dependsOn.2', message: "duplicate dependency 'b'" },
    ]);
  });

  it('names unknown environment types in types and versions', () => {
    expect(
      problemsOf(() =>
        load({ a: { types: ['dev', 'qa', 'dev'], versions: { dev: '*', qa: '*', default: '*' } } }),
      ),
    ).toEqual([
      {
        path: 'services.a.types.1',
        message: "unknown environment type 'qa'; known: dev, staging, prod, sue",
      },
      { path: 'services.a.types.2', message: "duplicate environment type 'dev'" },
      {
        path: 'services.a.versions.qa',
        message: "unknown environment type 'qa'; known: dev, staging, prod, sue, or 'default'",
      },
    ]);
  });

  it('checks each default against the policy of its type', () => {
    expect(
      problemsOf(() =>
        load({ a: { versions: { dev: '1.x.3', staging: '*', prod: '^1.0.0', sue: '*' } } }),
      ),
    ).toEqual([
      { path: 'services.a.versions.dev', message: "'1.x.3': a number cannot follow a wildcard" },
      {
        path: 'services.a.versions.staging',
        message:
          "'*' is any release; environment type 'staging' accepts only anchored tags (v1.2.3), '^' constraints (^1.0.0), patterns (1.x), ranges (>=1.2.0, <2.0.0)",
      },
      {
        path: 'services.a.versions.prod',
        message:
          "'^1.0.0' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
      },
    ]);
  });

  it('checks versions.default against every type it applies to', () => {
    expect(problemsOf(() => load({ a: { versions: { default: '*', staging: '1.x' } } }))).toEqual([
      {
        path: 'services.a.versions.default',
        message:
          "'*' is any release; environment type 'prod' accepts only anchored tags (v1.2.3); add versions.prod (the default applies to prod)",
      },
    ]);
    expect(problemsOf(() => load({ a: { versions: { default: 'x.1' } } }))).toEqual([
      { path: 'services.a.versions.default', message: "'x.1': a number cannot follow a wildcard" },
    ]);
  });

  it('accepts a stricter or looser policy', () => {
    const policy = {
      ...DEFAULT_VERSION_POLICY,
      byType: { ...DEFAULT_VERSION_POLICY.byType, prod: ['anchored', 'range'] as const },
    };
    expect(() =>
      loadServiceCatalogue(
        { services: { a: { versions: { ...ALL, prod: '>=1.0.0, <2.0.0' } } } },
        { environmentTypes: TYPES, policy },
      ),
    ).not.toThrow();
  });

  it('needs a version for every type the service is deployed to', () => {
    expect(
      problemsOf(() => load({ a: { types: ['dev', 'prod'], versions: { dev: '*' } } })),
    ).toEqual([
      {
        path: 'services.a.versions',
        message:
          "no default version for 'prod': it is deployed to those types (see types); add a key per type or 'default'",
      },
    ]);
    expect(problemsOf(() => load({ a: {} }))).toEqual([
      {
        path: 'services.a.versions',
        message:
          "no default version for 'dev', 'staging', 'prod', 'sue': it is deployed to those types (see types); add a key per type or 'default'",
      },
    ]);
  });

  it('needs a version for every type when another service depends on it', () => {
    expect(
      problemsOf(() =>
        load({
          api: { types: ['dev'], versions: { dev: '*' }, dependsOn: ['db'] },
          db: { types: ['dev'], versions: { dev: '*' } },
        }),
      ),
    ).toEqual([
      {
        path: 'services.db.versions',
        message:
          "no default version for 'staging', 'prod', 'sue': 'api' depends on it, so it can be deployed to any environment type; add a key per type or 'default'",
      },
    ]);
  });

  it('lets a service deployed only on request go without defaults', () => {
    expect(load({ a: { types: [] } }).services['a']?.types).toEqual([]);
  });
});

describe('loadServiceCatalogue: dependency cycles', () => {
  const node = (...dependsOn: string[]) => ({ versions: ALL, dependsOn });

  it('reports a self-dependency', () => {
    expect(problemsOf(() => load({ a: node('a') }))).toEqual([
      { path: 'services.a.dependsOn.0', message: 'dependency cycle: a → a' },
    ]);
  });

  it('reports a cycle of two once', () => {
    expect(problemsOf(() => load({ a: node('b'), b: node('a') }))).toEqual([
      { path: 'services.a.dependsOn.0', message: 'dependency cycle: a → b → a' },
    ]);
  });

  it('reports a cycle of three once, from its smallest name', () => {
    expect(problemsOf(() => load({ c: node('a'), a: node('x', 'b'), b: node('c') }))).toEqual([
      { path: 'services.a.dependsOn.0', message: "unknown service 'x'" },
      { path: 'services.a.dependsOn.1', message: 'dependency cycle: a → b → c → a' },
    ]);
  });

  it('reports separate cycles, and a cycle behind a service that is not on one', () => {
    expect(
      problemsOf(() =>
        load({ top: node('a', 'm'), a: node('b'), b: node('a'), m: node('n'), n: node('n') }),
      ).map((problem) => problem.message),
    ).toEqual(['dependency cycle: a → b → a', 'dependency cycle: n → n']);
  });

  it('covers every service of a tangle: a hub with spokes gives one cycle per spoke', () => {
    expect(
      problemsOf(() =>
        load({ hub: node('s1', 's2', 's3'), s1: node('hub'), s2: node('hub'), s3: node('hub') }),
      ),
    ).toEqual([
      { path: 'services.hub.dependsOn.0', message: 'dependency cycle: hub → s1 → hub' },
      { path: 'services.hub.dependsOn.1', message: 'dependency cycle: hub → s2 → hub' },
      { path: 'services.hub.dependsOn.2', message: 'dependency cycle: hub → s3 → hub' },
    ]);
  });

  it('accepts a diamond', () => {
    const catalogue = load({
      top: node('left', 'right'),
      left: node('base'),
      right: node('base'),
      base: node(),
    });
    expect(catalogue.names).toHaveLength(4);
  });
});

describe('loadServiceCatalogue at scale', () => {
  it('checks 5,000 services with a shared base and chains in well under the test timeout', () => {
    const services: Record<string, unknown> = { base: { versions: ALL } };
    for (let i = 0; i < 5_000; i++) {
      services[`s${i}`] = {
        versions: ALL,
        dependsOn: i % 100 === 0 ? ['base'] : ['base', `s${i - 1}`],
      };
    }
    const started = performance.now();
    const catalogue = load(services);
    expect(catalogue.names).toHaveLength(5_001);
    // A generous bound: quadratic work on this input takes seconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('parseServiceCatalogueText', () => {
  const options = { environmentTypes: TYPES };

  it('reads YAML', () => {
    const catalogue = parseServiceCatalogueText(
      "services:\n  a:\n    versions: { default: '*', staging: 1.x, prod: v1.0.0 }\n",
      'services.yaml',
      options,
    );
    expect(catalogue.names).toEqual(['a']);
  });

  it('names the file and the line of a syntax error', () => {
    let thrown: unknown;
    try {
      parseServiceCatalogueText('services:\n  a: [\n', 'services.yaml', options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe(
      'Service catalogue services.yaml is not valid YAML',
    );
    expect((thrown as InputError).errors[0]?.path).toMatch(/^line \d+, column \d+$/);
  });

  it('refuses an empty file', () => {
    expect(problemsOf(() => parseServiceCatalogueText('# nothing\n', 'x.yaml', options))).toEqual([
      { path: '(file)', message: 'is empty; write services: {} for a catalogue with no services' },
    ]);
  });

  it('names the file in the message', () => {
    expect(() => parseServiceCatalogueText('services: {a: {port: 0}}', 'x.yaml', options)).toThrow(
      'Service catalogue x.yaml is invalid',
    );
  });
});
