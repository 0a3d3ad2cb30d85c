import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../shared/zod-errors.js';
import {
  buildCatalogue,
  DEFAULT_ENVIRONMENT_TYPES,
  environmentTypeOverridesSchema,
  knownTypeNames,
  type EnvironmentTypeCatalogue,
  type EnvironmentTypeOverrides,
} from './catalogue.js';
import { NODE_POOLS, type EnvironmentType } from './environment-type.js';

function built(overrides?: EnvironmentTypeOverrides): EnvironmentTypeCatalogue {
  const result = buildCatalogue(overrides);
  if (!result.success) throw new Error(JSON.stringify(toFieldErrors(result.error)));
  return result.data;
}

function typeOf(catalogue: EnvironmentTypeCatalogue, name: string): EnvironmentType {
  const type = catalogue[name];
  if (!type) throw new Error(`no type ${name}`);
  return type;
}

function errorsOf(overrides: unknown) {
  const result = buildCatalogue(overrides as EnvironmentTypeOverrides);
  expect(result.success).toBe(false);
  return result.success ? [] : toFieldErrors(result.error);
}

describe('DEFAULT_ENVIRONMENT_TYPES (the seed)', () => {
  const types = DEFAULT_ENVIRONMENT_TYPES;

  it('has exactly the four types of the seed', () => {
    expect(knownTypeNames(types)).toEqual(['dev', 'prod', 'staging', 'sue']);
  });

  it('sue expires after 24 h by default and at most after 7 d', () => {
    expect(typeOf(types, 'sue').expiry).toEqual({
      default: '24h',
      maximum: '7d',
      warnBefore: '2h',
    });
  });

  it('dev has no default expiry and a 30 d maximum', () => {
    expect(typeOf(types, 'dev').expiry).toEqual({
      default: null,
      maximum: '30d',
      warnBefore: '2h',
    });
  });

  it('staging and prod never expire', () => {
    expect(typeOf(types, 'staging').expiry).toBeNull();
    expect(typeOf(types, 'prod').expiry).toBeNull();
  });

  it('staging and prod get dedicated components behind the WAF', () => {
    for (const name of ['staging', 'prod']) {
      const type = typeOf(types, name);
      expect(type).toMatchObject({
        logging: 'dedicated',
        monitoring: 'dedicated',
        gateway: 'dedicated',
        authorization: 'dedicated',
        waf: true,
        ha: true,
      });
    }
  });

  it('dev and sue share the platform components and have no WAF and no HA', () => {
    for (const name of ['dev', 'sue']) {
      const type = typeOf(types, name);
      expect(type).toMatchObject({
        logging: 'shared',
        monitoring: 'shared',
        gateway: 'shared',
        authorization: 'shared',
        waf: false,
        ha: false,
      });
    }
  });

  it('node pools and autoscaling follow the seed', () => {
    expect(typeOf(types, 'dev').nodePools).toEqual([
      'general-restricted',
      'general-public',
      'spot',
    ]);
    expect(typeOf(types, 'sue').nodePools).toEqual([
      'general-restricted',
      'general-public',
      'spot',
    ]);
    expect(typeOf(types, 'staging').nodePools).toEqual([
      'general-restricted',
      'general-public',
      'memory',
    ]);
    // "Node pools: All types available"
    expect([...typeOf(types, 'prod').nodePools].sort()).toEqual([...NODE_POOLS].sort());
    expect(typeOf(types, 'dev').autoscaling).toBe('aggressive');
    expect(typeOf(types, 'sue').autoscaling).toBe('aggressive');
    expect(typeOf(types, 'staging').autoscaling).toBe('moderate');
    expect(typeOf(types, 'prod').autoscaling).toBe('conservative');
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(types)).toBe(true);
    expect(Object.isFrozen(typeOf(types, 'sue'))).toBe(true);
    expect(Object.isFrozen(typeOf(types, 'sue').nodePools)).toBe(true);
    expect(() => (typeOf(types, 'sue').nodePools as string[]).push('ai')).toThrow(TypeError);
  });
});

describe('buildCatalogue', () => {
  it('without overrides equals the defaults and is frozen all the way down', () => {
    const catalogue = built();
    expect(catalogue).toEqual(DEFAULT_ENVIRONMENT_TYPES);
    expect(Object.isFrozen(catalogue)).toBe(true);
    expect(Object.isFrozen(typeOf(catalogue, 'dev').expiry)).toBe(true);
  });

  it('refuses a default expiry longer than the maximum, naming the field', () => {
    const result = buildCatalogue({ sue: { expiry: { default: '10d', maximum: '7d' } } });
    expect(result.success).toBe(false);
    expect(result.error && toFieldErrors(result.error)).toEqual([
      { path: 'sue.expiry.default', message: 'must not be longer than maximum' },
    ]);
  });

  it('merges a partial override over the default type of that name', () => {
    const catalogue = built({ sue: { expiry: { default: '12h', maximum: '3d' }, ha: true } });
    expect(typeOf(catalogue, 'sue')).toEqual({
      ...typeOf(DEFAULT_ENVIRONMENT_TYPES, 'sue'),
      // An override of `expiry` that leaves out warnBefore still gets the 2 h default.
      expiry: { default: '12h', maximum: '3d', warnBefore: '2h' },
      ha: true,
    });
    expect(typeOf(catalogue, 'dev')).toEqual(typeOf(DEFAULT_ENVIRONMENT_TYPES, 'dev'));
    expect(typeOf(DEFAULT_ENVIRONMENT_TYPES, 'sue').expiry).toEqual({
      default: '24h',
      maximum: '7d',
      warnBefore: '2h',
    });
  });

  it('takes a per-type warnBefore and refuses a malformed one, naming the field', () => {
    const catalogue = built({
      sue: { expiry: { default: '24h', maximum: '7d', warnBefore: '30m' } },
    });
    expect(typeOf(catalogue, 'sue').expiry?.warnBefore).toBe('30m');
    const result = buildCatalogue({
      sue: { expiry: { default: '24h', maximum: '7d', warnBefore: 'soon' } },
    });
    expect(result.success).toBe(false);
    expect(result.error && toFieldErrors(result.error).map((error) => error.path)).toEqual([
      'sue.expiry.warnBefore',
    ]);
  });

  it('secrets: staging and prod get a dedicated Infisical project, sue the shortest tokens', () => {
    const { dev, staging, prod, sue } = DEFAULT_ENVIRONMENT_TYPES;
    expect([dev, staging, prod, sue].map((type) => type?.secrets.project)).toEqual([
      'shared',
      'dedicated',
      'dedicated',
      'shared',
    ]);
    expect(sue?.secrets).toEqual({
      project: 'shared',
      accessTokenTTL: '15m',
      accessTokenMaxTTL: '1h',
    });
    expect(dev?.secrets.accessTokenMaxTTL).toBe('24h');
  });

  it("an override of one secrets field keeps the type's others", () => {
    const catalogue = built({ sue: { secrets: { accessTokenTTL: '5m' } }, dev: { ha: true } });
    expect(typeOf(catalogue, 'sue').secrets).toEqual({
      project: 'shared',
      accessTokenTTL: '5m',
      accessTokenMaxTTL: '1h',
    });
    expect(typeOf(catalogue, 'dev').secrets).toEqual(DEFAULT_ENVIRONMENT_TYPES.dev?.secrets);
    expect(
      typeOf(built({ staging: { secrets: { project: 'shared' } } }), 'staging').secrets,
    ).toEqual({ project: 'shared', accessTokenTTL: '1h', accessTokenMaxTTL: '24h' });
  });

  it('refuses token lifetimes that are not whole seconds or exceed their maximum', () => {
    expect(
      errorsOf({ sue: { secrets: { accessTokenTTL: '1500ms' } } }).map((error) => error.path),
    ).toEqual(['sue.secrets.accessTokenTTL']);
    expect(
      errorsOf({ dev: { secrets: { accessTokenTTL: '2d' } } }).map((error) => error.message),
    ).toEqual(['must not be longer than accessTokenMaxTTL']);
    expect(errorsOf({ dev: { secrets: { project: 'private' } } }).length).toBe(1);
  });

  it('lets an override make a type never expire', () => {
    expect(typeOf(built({ dev: { expiry: null } }), 'dev').expiry).toBeNull();
  });

  it('adds a new type that gives every field (secrets take their defaults)', () => {
    const qa: Omit<EnvironmentType, 'secrets'> = {
      description: 'QA',
      ha: false,
      nodePools: ['general-public'],
      autoscaling: 'moderate',
      expiry: { default: '48h', maximum: '14d', warnBefore: '12h' },
      logging: 'shared',
      monitoring: 'shared',
      gateway: 'shared',
      authorization: 'shared',
      waf: false,
    };
    const catalogue = built({ qa });
    expect(typeOf(catalogue, 'qa')).toEqual({
      ...qa,
      secrets: { project: 'shared', accessTokenTTL: '1h', accessTokenMaxTTL: '24h' },
    });
    expect(knownTypeNames(catalogue)).toEqual(['dev', 'prod', 'qa', 'staging', 'sue']);
  });

  it('a new type missing fields is rejected, naming each missing field', () => {
    const errors = errorsOf({
      qa: {
        description: 'QA',
        ha: false,
        nodePools: ['general-public'],
        autoscaling: 'moderate',
        expiry: null,
        logging: 'shared',
        monitoring: 'shared',
        gateway: 'shared',
        authorization: 'shared',
      },
    });
    expect(errors).toEqual([{ path: 'qa.waf', message: 'is required' }]);
  });

  it('a new type with only a description reports every other field', () => {
    const paths = errorsOf({ qa: { description: 'QA' } }).map((error) => error.path);
    expect(paths.sort()).toEqual(
      [
        'qa.authorization',
        'qa.autoscaling',
        'qa.expiry',
        'qa.gateway',
        'qa.ha',
        'qa.logging',
        'qa.monitoring',
        'qa.nodePools',
        'qa.waf',
      ].sort(),
    );
  });

  it('reports an invalid override by path', () => {
    expect(errorsOf({ sue: { expiry: { default: '0h', maximum: '7d' } } })).toEqual([
      { path: 'sue.expiry.default', message: 'must be greater than zero' },
    ]);
    expect(errorsOf({ dev: { nodePools: [] } }).map((error) => error.path)).toEqual([
      'dev.nodePools',
    ]);
    expect(errorsOf({ dev: { nodePools: ['gpu'] } }).map((error) => error.path)).toEqual([
      'dev.nodePools.0',
    ]);
    expect(errorsOf({ prod: { color: 'red' } })).toEqual([
      { path: 'prod.color', message: 'unknown field' },
    ]);
  });

  it('replaces a nested expiry object as a whole: a partial expiry is an error', () => {
    expect(errorsOf({ sue: { expiry: { maximum: '3d' } } })).toEqual([
      { path: 'sue.expiry.default', message: 'is required' },
    ]);
  });

  it('rejects a type name that is not a DNS-1123 label', () => {
    expect(errorsOf({ QA: { description: 'x' } })).toEqual([
      { path: 'QA', message: 'invalid name: must be lower case' },
    ]);
  });

  it('builds over other defaults when given', () => {
    const result = buildCatalogue(
      { dev: { ha: true } },
      { dev: typeOf(DEFAULT_ENVIRONMENT_TYPES, 'dev') },
    );
    expect(result.success).toBe(true);
    expect(knownTypeNames(result.data ?? {})).toEqual(['dev']);
    expect(result.data?.dev?.ha).toBe(true);
  });
});

describe('environmentTypeOverridesSchema', () => {
  it('accepts partial types', () => {
    expect(environmentTypeOverridesSchema.parse({ sue: { ha: true } })).toEqual({
      sue: { ha: true },
    });
  });

  it('rejects unknown fields in an override', () => {
    const result = environmentTypeOverridesSchema.safeParse({ sue: { ttl: '1h' } });
    expect(result.success).toBe(false);
    expect(result.error && toFieldErrors(result.error)).toEqual([
      { path: 'sue.ttl', message: 'unknown field' },
    ]);
  });
});

describe('knownTypeNames', () => {
  it('sorts the names', () => {
    const dev = typeOf(DEFAULT_ENVIRONMENT_TYPES, 'dev');
    expect(knownTypeNames({ zeta: dev, alpha: dev, mid: dev })).toEqual(['alpha', 'mid', 'zeta']);
  });
});
