import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { toFieldErrors } from '../shared/zod-errors.js';
import {
  claimCreateSchema,
  claimPatchSchema,
  claimSchema,
  serviceSpecSchema,
  timestampSchema,
} from './claim-schema.js';

/** The example claim of the seed ("Environment Claims"), verbatim. */
const SEED_CLAIM_JSON = `{
  "user": "john.doe@company.com",
  "environment_pool": "team1",
  "creation_date": "2024-01-15T10:30:00Z",
  "environment_name": "dev-team1-feature-x",
  "environment_type": "dev",
  "expiration_date": null,
  "services": {
    "user-service": "v1.2.3",
    "auth-service": "v2.1.0",
    "api-gateway": "v1.0.5"
  }
}`;

/** The services of the seed's "Artifactory Artifact Storage" claim, verbatim. */
const SEED_ARTIFACTS_JSON = `{
  "services": {
    "user-service": {
      "version": "v1.2.3",
      "docker_image": "artifactory/docker-releases/user-service:v1.2.3",
      "ansible_artifact": "artifactory/oci-releases/user-service-ansible:v1.2.3"
    }
  }
}`;

const BASE = {
  environment_name: 'dev-x',
  environment_type: 'dev',
  environment_pool: 'team1',
  user: 'john.doe@company.com',
  creation_date: '2024-01-15T10:30:00Z',
} as const;

function errorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : toFieldErrors(result.error);
}

describe('claimSchema (stored claim)', () => {
  it("accepts the seed's example claim unchanged", () => {
    const json: unknown = JSON.parse(SEED_CLAIM_JSON);
    const result = claimSchema.safeParse(json);
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      user: 'john.doe@company.com',
      environment_pool: 'team1',
      creation_date: '2024-01-15T10:30:00Z',
      environment_name: 'dev-team1-feature-x',
      environment_type: 'dev',
      expiration_date: null,
      services: {
        'user-service': 'v1.2.3',
        'auth-service': 'v2.1.0',
        'api-gateway': 'v1.0.5',
      },
    });
  });

  it("accepts the seed's Artifactory object form of services", () => {
    const { services } = JSON.parse(SEED_ARTIFACTS_JSON) as { services: unknown };
    const result = claimSchema.safeParse({ ...BASE, services });
    expect(result.success).toBe(true);
    expect(result.data?.services).toEqual({
      'user-service': {
        version: 'v1.2.3',
        docker_image: 'artifactory/docker-releases/user-service:v1.2.3',
        ansible_artifact: 'artifactory/oci-releases/user-service-ansible:v1.2.3',
      },
    });
  });

  it('accepts a mix of version strings and artifact objects, and the object with version only', () => {
    const result = claimSchema.safeParse({
      ...BASE,
      services: { a: '^1.0.0.0', b: { version: 'latest' }, c: '1.x.x.x' },
    });
    expect(result.success).toBe(true);
    expect(result.data?.services).toEqual({
      a: '^1.0.0.0',
      b: { version: 'latest' },
      c: '1.x.x.x',
    });
  });

  it('defaults services to an empty object', () => {
    expect(claimSchema.parse(BASE).services).toEqual({});
  });

  it('accepts a static (git) claim with repository and branch', () => {
    const claim = {
      ...BASE,
      environment_name: 'prod-main',
      environment_type: 'prod',
      deployment_method: 'git',
      git_repository: 'https://github.com/company/prod-environments',
      branch: 'main',
    };
    expect(claimSchema.parse(claim)).toEqual({ ...claim, services: {} });
  });

  it('accepts an expiration_date with an offset', () => {
    const result = claimSchema.safeParse({
      ...BASE,
      expiration_date: '2024-01-16T10:30:00+02:00',
    });
    expect(result.success).toBe(true);
  });

  it('rejects unknown fields by name', () => {
    expect(errorsOf(claimSchema, { ...BASE, owner: 'x', ttl: 3 })).toEqual([
      { path: 'owner', message: 'unknown field' },
      { path: 'ttl', message: 'unknown field' },
    ]);
  });

  it('rejects unknown fields inside an artifact object', () => {
    expect(
      errorsOf(claimSchema, { ...BASE, services: { api: { version: 'v1', helm: 'x' } } }),
    ).toEqual([{ path: 'services.api.helm', message: 'unknown field' }]);
  });

  it('rejects a bad service name on the name itself', () => {
    expect(errorsOf(claimSchema, { ...BASE, services: { Foo: 'v1' } })).toEqual([
      { path: 'services.Foo', message: 'invalid name: must be lower case' },
    ]);
    expect(errorsOf(claimSchema, { ...BASE, services: { '../etc': 'v1' } })).toEqual([
      { path: 'services.../etc', message: "invalid name: must not contain '/' or '\\'" },
    ]);
  });

  it('rejects control characters and stray whitespace in versions, not the seed ranges', () => {
    for (const version of ['v1\t.2', ' v1', 'v1 ', '>=1.0.0,  <2.0.0']) {
      expect(errorsOf(claimSchema, { ...BASE, services: { api: version } })).toEqual([
        {
          path: 'services.api',
          message:
            'version must not contain control characters, tabs, line breaks or leading, trailing or double spaces',
        },
      ]);
    }
    expect(errorsOf(claimSchema, { ...BASE, services: { api: { version: 'v1\n' } } })).toEqual([
      {
        path: 'services.api.version',
        message:
          'version must not contain control characters, tabs, line breaks or leading, trailing or double spaces',
      },
    ]);
    expect(claimSchema.safeParse({ ...BASE, services: { api: '>=1.2.0, <2.0.0' } }).success).toBe(
      true,
    );
    expect(
      errorsOf(claimSchema, {
        ...BASE,
        services: { api: { version: 'v1', docker_image: 'img :v1' } },
      }),
    ).toEqual([
      {
        path: 'services.api.docker_image',
        message: 'docker_image must not contain whitespace or control characters',
      },
    ]);
  });

  it('rejects empty and over-long versions', () => {
    expect(errorsOf(claimSchema, { ...BASE, services: { api: '' } })).toEqual([
      { path: 'services.api', message: 'version must not be empty' },
    ]);
    expect(errorsOf(claimSchema, { ...BASE, services: { api: 'v'.repeat(129) } })).toEqual([
      { path: 'services.api', message: 'version must be at most 128 characters' },
    ]);
    expect(serviceSpecSchema.safeParse('v'.repeat(128)).success).toBe(true);
  });

  it('rejects a service that is neither a string nor an object', () => {
    expect(errorsOf(claimSchema, { ...BASE, services: { api: 3 } })).toEqual([
      {
        path: 'services.api',
        message:
          'must be a version string or an object { version, docker_image?, ansible_artifact? }',
      },
    ]);
  });

  it('reports a wrong type inside the artifact object on the inner field', () => {
    expect(errorsOf(claimSchema, { ...BASE, services: { api: { version: 5 } } })).toEqual([
      { path: 'services.api.version', message: 'Invalid input: expected string, received number' },
    ]);
    expect(errorsOf(claimSchema, { ...BASE, services: { api: {} } })).toEqual([
      { path: 'services.api.version', message: 'is required' },
    ]);
  });

  it('requires git_repository and branch for deployment_method git', () => {
    expect(errorsOf(claimSchema, { ...BASE, deployment_method: 'git' })).toEqual([
      { path: 'git_repository', message: 'is required when deployment_method is git' },
      { path: 'branch', message: 'is required when deployment_method is git' },
    ]);
    expect(
      errorsOf(claimSchema, { ...BASE, deployment_method: 'git', git_repository: 'https://x' }),
    ).toEqual([{ path: 'branch', message: 'is required when deployment_method is git' }]);
  });

  it('rejects git fields on a dynamic claim and on one without deployment_method', () => {
    expect(
      errorsOf(claimSchema, {
        ...BASE,
        deployment_method: 'dynamic',
        git_repository: 'https://x',
        branch: 'main',
      }),
    ).toEqual([
      { path: 'git_repository', message: 'is only allowed when deployment_method is git' },
      { path: 'branch', message: 'is only allowed when deployment_method is git' },
    ]);
    expect(errorsOf(claimSchema, { ...BASE, branch: 'main' })).toEqual([
      { path: 'branch', message: 'is only allowed when deployment_method is git' },
    ]);
  });

  it("rejects a branch containing '..'", () => {
    expect(
      errorsOf(claimSchema, {
        ...BASE,
        deployment_method: 'git',
        git_repository: 'https://x',
        branch: 'feature..x',
      }),
    ).toEqual([{ path: 'branch', message: "branch must not contain '..'" }]);
  });

  it('rejects an unknown deployment method', () => {
    const errors = errorsOf(claimSchema, { ...BASE, deployment_method: 'helm' });
    expect(errors.map((error) => error.path)).toEqual(['deployment_method']);
  });

  it('rejects bad names and timestamps on the field', () => {
    const errors = errorsOf(claimSchema, {
      ...BASE,
      environment_name: 'Dev_X',
      creation_date: '2024-01-15 10:30:00',
      expiration_date: 'tomorrow',
    });
    expect(errors).toEqual([
      { path: 'environment_name', message: 'must be lower case' },
      {
        path: 'creation_date',
        message: 'must be an RFC 3339 date-time such as 2024-01-15T10:30:00Z',
      },
      {
        path: 'expiration_date',
        message: 'must be an RFC 3339 date-time such as 2024-01-15T10:30:00Z',
      },
    ]);
  });

  it('requires user, creation_date, environment_name, environment_type and environment_pool', () => {
    const errors = errorsOf(claimSchema, {});
    expect(errors.map((error) => error.path).sort()).toEqual([
      'creation_date',
      'environment_name',
      'environment_pool',
      'environment_type',
      'user',
    ]);
  });
});

describe('timestampSchema', () => {
  it.each([
    '2024-01-15T10:30:00Z',
    '2024-01-15T10:30:00.123Z',
    '2024-01-15T10:30:00+02:00',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(timestampSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    '2024-01-15',
    '2024-01-15T10:30:00',
    '2024-01-15 10:30:00Z',
    '2023-02-29T00:00:00Z',
    '2024-01-15T24:00:00Z',
    'yesterday',
  ])('rejects %s', (value) => {
    expect(timestampSchema.safeParse(value).success).toBe(false);
  });
});

describe('claimCreateSchema', () => {
  const CREATE = {
    environment_name: 'sue-poc',
    environment_type: 'sue',
    environment_pool: 'team1',
  };

  it('accepts a minimal request and defaults services', () => {
    expect(claimCreateSchema.parse(CREATE)).toEqual({ ...CREATE, services: {} });
  });

  it('accepts deployment_method dynamic, services and an expiration date', () => {
    const request = {
      ...CREATE,
      deployment_method: 'dynamic',
      expiration_date: '2024-01-16T10:30:00Z',
      services: { 'user-service': 'v1.2.3' },
    };
    expect(claimCreateSchema.parse(request)).toEqual(request);
  });

  it('rejects user and creation_date: the server sets them', () => {
    expect(
      errorsOf(claimCreateSchema, {
        ...CREATE,
        user: 'mallory@company.com',
        creation_date: '2020-01-01T00:00:00Z',
      }),
    ).toEqual([
      {
        path: 'user',
        message: 'user is set by the server from the authenticated principal and the clock',
      },
      {
        path: 'creation_date',
        message:
          'creation_date is set by the server from the authenticated principal and the clock',
      },
    ]);
  });

  it("rejects deployment_method 'git' and says how static environments are created", () => {
    expect(errorsOf(claimCreateSchema, { ...CREATE, deployment_method: 'git' })).toEqual([
      {
        path: 'deployment_method',
        message:
          'only dynamic environments are created through the API; static (git) environments are created by a merge to their GitOps repository',
      },
    ]);
  });

  it('rejects git fields and other unknown fields', () => {
    expect(
      errorsOf(claimCreateSchema, { ...CREATE, git_repository: 'https://x', branch: 'main' }),
    ).toEqual([
      { path: 'git_repository', message: 'unknown field' },
      { path: 'branch', message: 'unknown field' },
    ]);
  });

  it('rejects a bad service name on the name', () => {
    expect(errorsOf(claimCreateSchema, { ...CREATE, services: { 'a b': 'v1' } })).toEqual([
      { path: 'services.a b', message: 'invalid name: must not contain spaces' },
    ]);
  });
});

describe('claimPatchSchema', () => {
  it('rejects fields that cannot be patched, naming each', () => {
    const errors = errorsOf(claimPatchSchema, {
      services: { api: 'v2' },
      environment_type: 'prod',
      user: 'x',
    });
    expect(errors).toEqual([
      {
        path: 'environment_type',
        message: 'cannot be changed: only services and expiration_date can be patched',
      },
      {
        path: 'user',
        message: 'cannot be changed: only services and expiration_date can be patched',
      },
    ]);
  });

  it('rejects an empty patch', () => {
    expect(errorsOf(claimPatchSchema, {})).toEqual([
      { path: '(root)', message: 'a patch must change services and/or expiration_date' },
    ]);
  });

  it('allows null for a service (removal) and for expiration_date', () => {
    expect(claimPatchSchema.parse({ services: { api: null, web: 'v2' } })).toEqual({
      services: { api: null, web: 'v2' },
    });
    expect(claimPatchSchema.parse({ expiration_date: null })).toEqual({ expiration_date: null });
  });

  it('accepts an artifact object for a service', () => {
    expect(claimPatchSchema.parse({ services: { api: { version: 'v2' } } })).toEqual({
      services: { api: { version: 'v2' } },
    });
  });

  it('validates service names and versions in a patch', () => {
    expect(errorsOf(claimPatchSchema, { services: { API: 'v2' } })).toEqual([
      { path: 'services.API', message: 'invalid name: must be lower case' },
    ]);
    expect(errorsOf(claimPatchSchema, { services: { api: 'v\t2' } })).toEqual([
      {
        path: 'services.api',
        message:
          'version must not contain control characters, tabs, line breaks or leading, trailing or double spaces',
      },
    ]);
  });

  it('validates expiration_date as a timestamp', () => {
    expect(errorsOf(claimPatchSchema, { expiration_date: 'soon' })).toEqual([
      {
        path: 'expiration_date',
        message: 'must be an RFC 3339 date-time such as 2024-01-15T10:30:00Z',
      },
    ]);
  });
});
