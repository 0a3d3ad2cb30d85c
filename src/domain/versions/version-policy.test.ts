import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import {
  DEFAULT_VERSION_POLICY,
  allowedKinds,
  checkServiceVersions,
  type VersionPolicy,
} from './version-policy.js';

function problems(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.errors;
    throw error;
  }
  return [];
}

describe('DEFAULT_VERSION_POLICY', () => {
  // type, constraint, accepted
  it.each([
    ['prod', 'v1.2.3', true],
    ['prod', '1.2.3.4-rc1', true],
    ['prod', '^1.0.0', false],
    ['prod', '1.x', false],
    ['prod', '>=1.2.0, <2.0.0', false],
    ['prod', '*', false],
    ['staging', 'v1.2.3', true],
    ['staging', '>=1.2.0, <2.0.0', true],
    ['staging', '^1.0.0.0', true],
    ['staging', '1.x.x.x', true],
    ['staging', 'latest', false],
    ['dev', '*', true],
    ['dev', 'latest', true],
    ['dev', '^1', true],
    ['sue', '*', true],
    ['sue', 'v1.2.3', true],
    ['custom-type', 'v1.2.3', true],
    ['custom-type', '^1', false],
  ])('%s with %j: %s', (environmentType, version, accepted) => {
    const run = () => checkServiceVersions({ environmentType, services: { svc: version } });
    if (accepted) expect(run().svc?.text).toBe(version);
    else expect(run).toThrow(InputError);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_VERSION_POLICY.byType.prod)).toBe(true);
  });
});

describe('checkServiceVersions', () => {
  it('names each offending service and says what the type accepts', () => {
    expect(
      problems(() =>
        checkServiceVersions({
          environmentType: 'prod',
          services: {
            'user-service': '^1.0.0.0',
            'auth-service': 'v2.1.0',
            'api-gateway': { version: '1.x.3' },
          },
        }),
      ),
    ).toEqual([
      {
        path: 'services.user-service',
        message:
          "'^1.0.0.0' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
      },
      {
        path: 'services.api-gateway.version',
        message: "'1.x.3': a number cannot follow a wildcard",
      },
    ]);
  });

  it('returns the parsed constraints by service', () => {
    const result = checkServiceVersions({
      environmentType: 'staging',
      services: { a: '>=1.2.0, <2.0.0', b: { version: 'v1.0.5' } },
    });
    expect(result.a?.kind).toBe('range');
    expect(result.b?.kind).toBe('anchored');
  });

  it('accepts an empty service map', () => {
    expect(checkServiceVersions({ environmentType: 'prod', services: {} })).toEqual({});
  });

  it('follows a configured policy', () => {
    const policy: VersionPolicy = {
      byType: { prod: ['anchored', 'range'], qa: [] },
      fallback: ['any'],
    };
    expect(allowedKinds(policy, 'prod')).toEqual(['anchored', 'range']);
    expect(allowedKinds(policy, 'dev')).toEqual(['any']);
    expect(allowedKinds(policy, 'toString')).toEqual(['any']);
    expect(
      checkServiceVersions({ policy, environmentType: 'prod', services: { a: '<2' } }).a?.kind,
    ).toBe('range');
    expect(
      problems(() =>
        checkServiceVersions({ policy, environmentType: 'qa', services: { a: 'v1.0.0' } }),
      ),
    ).toEqual([
      {
        path: 'services.a',
        message: "'v1.0.0' is an anchored tag; environment type 'qa' accepts no version at all",
      },
    ]);
    expect(
      problems(() =>
        checkServiceVersions({ policy, environmentType: 'dev', services: { a: '1.x' } }),
      ),
    ).toEqual([
      {
        path: 'services.a',
        message: "'1.x' is a pattern; environment type 'dev' accepts only '*' and 'latest'",
      },
    ]);
  });
});
