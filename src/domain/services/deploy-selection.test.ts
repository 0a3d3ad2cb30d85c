import { describe, expect, it } from 'vitest';
import type { Services } from '../claims/claim-schema.js';
import { DEFAULT_VERSION_POLICY, type VersionPolicy } from '../versions/version-policy.js';
import { selectServices } from './deploy-selection.js';
import { loadServiceCatalogue, type ServiceCatalogue } from './service-catalogue.js';
import { problemsOf } from '../../../test/support/thrown.js';

const TYPES = ['dev', 'staging', 'prod', 'sue'];
const versions = (prod: string) => ({ dev: '*', sue: 'latest', staging: '>=1.0.0, <9.0.0', prod });

const catalogue = loadServiceCatalogue(
  {
    services: {
      postgres: { port: 5432, versions: versions('v15.6.0') },
      redis: { versions: versions('v7.2.4') },
      'auth-service': { dependsOn: ['postgres', 'redis'], versions: versions('v2.1.0') },
      'user-service': {
        dependsOn: ['postgres', 'auth-service'],
        port: 8080,
        path: './infrastructure',
        env: { LOG_LEVEL: 'info' },
        versions: versions('v1.2.3'),
      },
      'api-gateway': { dependsOn: ['user-service', 'auth-service'], versions: versions('v1.0.5') },
      'billing-service': {
        dependsOn: ['user-service'],
        types: ['staging', 'prod'],
        versions: { staging: '>=3.0.0, <4.0.0', prod: 'v3.0.1' },
      },
      mailhog: { types: ['dev'], versions: { dev: '*' } },
      // Deployed only when a claim names it; no defaults at all.
      'load-tester': { types: [], dependsOn: ['api-gateway'] },
    },
  },
  { environmentTypes: TYPES },
);

function select(
  environmentType: string,
  services: Services,
  deployOnlySpecified = false,
  policy?: VersionPolicy,
) {
  return selectServices({
    catalogue,
    environmentType,
    services,
    deployOnlySpecified,
    ...(policy ? { policy } : {}),
  });
}

const summary = (selected: ReturnType<typeof select>) =>
  selected.map(({ name, constraint, source }) => `${name}@${constraint.text}(${source})`);

describe('selectServices: the whole catalogue for the type (override mode)', () => {
  it('deploys every service of the type with its defaults when the claim names none', () => {
    expect(summary(select('prod', {}))).toEqual([
      'postgres@v15.6.0(default)',
      'redis@v7.2.4(default)',
      'auth-service@v2.1.0(default)',
      'user-service@v1.2.3(default)',
      'api-gateway@v1.0.5(default)',
      'billing-service@v3.0.1(default)',
    ]);
    expect(select('dev', {}).map((s) => s.name)).toEqual([
      'mailhog',
      'postgres',
      'redis',
      'auth-service',
      'user-service',
      'api-gateway',
    ]);
  });

  it('merges the claim over the defaults: named versions win, the rest stay', () => {
    expect(
      summary(select('prod', { 'user-service': 'v1.4.2', redis: { version: 'v7.4.0' } })),
    ).toEqual([
      'postgres@v15.6.0(default)',
      'redis@v7.4.0(claim)',
      'auth-service@v2.1.0(default)',
      'user-service@v1.4.2(claim)',
      'api-gateway@v1.0.5(default)',
      'billing-service@v3.0.1(default)',
    ]);
  });

  it('adds a named service outside the type, with its dependencies', () => {
    const names = select('sue', { 'billing-service': '^3.0.0' }).map((s) => s.name);
    expect(names).toContain('billing-service');
    expect(names.indexOf('user-service')).toBeLessThan(names.indexOf('billing-service'));
  });

  it('takes a service without defaults when the claim names it', () => {
    const selected = select('dev', { 'load-tester': '1.x' });
    expect(selected.at(-1)).toMatchObject({ name: 'load-tester', source: 'claim' });
  });
});

describe('selectServices: --deploy-only-specified', () => {
  it('deploys exactly the named services and their dependencies, at their defaults', () => {
    expect(summary(select('staging', { 'user-service': '1.x' }, true))).toEqual([
      'postgres@>=1.0.0, <9.0.0(default)',
      'redis@>=1.0.0, <9.0.0(default)',
      'auth-service@>=1.0.0, <9.0.0(default)',
      'user-service@1.x(claim)',
    ]);
  });

  it('uses the claim version for a dependency the claim also names', () => {
    expect(summary(select('dev', { 'auth-service': 'latest', postgres: '^15' }, true))).toEqual([
      'postgres@^15(claim)',
      'redis@*(default)',
      'auth-service@latest(claim)',
    ]);
  });

  it('deploys nothing for a claim with no services', () => {
    expect(select('prod', {}, true)).toEqual([]);
  });
});

describe('selectServices: what a selected service carries', () => {
  it('copies the catalogue entry and the explicit artifacts', () => {
    const selected = select(
      'dev',
      {
        'user-service': {
          version: 'v1.2.3',
          docker_image: 'artifactory/docker-releases/user-service:v1.2.3',
          ansible_artifact: 'artifactory/oci-releases/user-service-ansible:v1.2.3',
        },
        redis: { version: '*' },
      },
      true,
    );
    expect(selected.find((s) => s.name === 'user-service')).toEqual({
      name: 'user-service',
      constraint: expect.objectContaining({ kind: 'anchored', text: 'v1.2.3' }) as unknown,
      source: 'claim',
      dependsOn: ['auth-service', 'postgres'],
      port: 8080,
      path: './infrastructure',
      env: { LOG_LEVEL: 'info' },
      artifacts: { image: 'user-service', deployment: 'user-service-ansible' },
      explicit: {
        docker_image: 'artifactory/docker-releases/user-service:v1.2.3',
        ansible_artifact: 'artifactory/oci-releases/user-service-ansible:v1.2.3',
      },
    });
    const redis = selected.find((s) => s.name === 'redis');
    expect(redis).not.toHaveProperty('explicit');
    expect(redis).not.toHaveProperty('port');
  });

  it('is deterministic', () => {
    const claim = { 'api-gateway': 'v1.0.5', 'billing-service': 'v3.0.1' };
    const reordered = { 'billing-service': 'v3.0.1', 'api-gateway': 'v1.0.5' };
    expect(select('prod', reordered)).toEqual(select('prod', claim));
  });
});

describe('selectServices: errors', () => {
  it('names unknown claim services with what the catalogue has', () => {
    expect(problemsOf(() => select('dev', { 'user-servce': '*', ghost: '*' }))).toEqual([
      {
        path: 'services.user-servce',
        message:
          "unknown service 'user-servce'; the catalogue has: api-gateway, auth-service, billing-service, load-tester, mailhog, postgres, redis, user-service",
      },
      {
        path: 'services.ghost',
        message: expect.stringContaining("unknown service 'ghost'") as string,
      },
    ]);
  });

  it('checks claim versions against the policy for the type, at services.<name>', () => {
    expect(
      problemsOf(() => select('prod', { 'user-service': '^1.0.0', redis: { version: '*' } })),
    ).toEqual([
      {
        path: 'services.user-service',
        message:
          "'^1.0.0' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
      },
      {
        path: 'services.redis.version',
        message: "'*' is any release; environment type 'prod' accepts only anchored tags (v1.2.3)",
      },
    ]);
  });

  it('collects every problem into one error', () => {
    expect(
      problemsOf(() => select('prod', { ghost: 'v1.0.0', 'user-service': '1.x.3' }, true)).map(
        (problem) => problem.path,
      ),
    ).toEqual(['services.ghost', 'services.user-service']);
  });

  it('names a dependency that has no version for the type', () => {
    // The loader refuses this (db is a dependency without defaults); build it by hand.
    const entry = (name: string, dependsOn: string[]) => ({
      name,
      dependsOn,
      types: [],
      versions: {},
      artifacts: { image: name, deployment: `${name}-ansible` },
      path: './',
      env: {},
    });
    const bare: ServiceCatalogue = {
      services: { app: entry('app', ['db']), db: entry('db', []) },
      names: ['app', 'db'],
      environmentTypes: TYPES,
    };
    expect(
      problemsOf(() =>
        selectServices({
          catalogue: bare,
          environmentType: 'dev',
          services: { app: '*' },
          deployOnlySpecified: true,
        }),
      ),
    ).toEqual([
      {
        path: 'services.db',
        message:
          "no version for environment type 'dev': 'app' depends on it, the claim names none and the catalogue has no default for 'dev'; name a version in the claim",
      },
    ]);
  });

  it('re-checks catalogue defaults against the policy it is given', () => {
    const strict: VersionPolicy = {
      ...DEFAULT_VERSION_POLICY,
      byType: { ...DEFAULT_VERSION_POLICY.byType, dev: ['anchored'] },
    };
    expect(() => select('dev', { redis: 'v7.2.4' }, true, strict)).not.toThrow();
    expect(problemsOf(() => select('dev', { 'auth-service': 'v2.1.0' }, true, strict))).toEqual([
      {
        path: 'services.postgres',
        message:
          "the catalogue's default (versions.dev) is not allowed: '*' is any release; environment type 'dev' accepts only anchored tags (v1.2.3); name a version in the claim",
      },
      {
        path: 'services.redis',
        message: expect.stringContaining("the catalogue's default (versions.dev)") as string,
      },
    ]);
  });

  it('refuses an environment type the catalogue does not know', () => {
    expect(problemsOf(() => select('qa', {}))).toEqual([
      {
        path: 'environment_type',
        message: "unknown environment type 'qa'; known: dev, staging, prod, sue",
      },
    ]);
  });
});
