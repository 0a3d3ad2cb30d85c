import { describe, expect, it } from 'vitest';
import {
  buildCatalogue,
  DEFAULT_ENVIRONMENT_TYPES,
  type EnvironmentTypeCatalogue,
} from '../environment-types/catalogue.js';
import type { FieldError } from '../errors.js';
import {
  findType,
  judgeStoredClaim,
  newClaim,
  patchedClaim,
  unknownTypeProblems,
} from './claim-rules.js';
import { claimCreateSchema, type Claim, type ClaimCreate } from './claim-schema.js';
import { inputErrorOf } from '../../../test/support/thrown.js';

const catalogue = DEFAULT_ENVIRONMENT_TYPES;
const NOW = new Date('2024-01-15T10:30:00Z');
const USER = 'john.doe@company.com';
const KNOWN = 'known types: dev, prod, staging, sue';

function request(
  fields: Partial<ClaimCreate> & Pick<ClaimCreate, 'environment_type'>,
): ClaimCreate {
  return claimCreateSchema.parse({
    environment_name: 'env-x',
    environment_pool: 'team1',
    ...fields,
  });
}

function fieldErrorsOf(action: () => unknown): readonly FieldError[] {
  return inputErrorOf(action).errors;
}

describe('findType and unknownTypeProblems', () => {
  it('finds own types only, not inherited properties', () => {
    expect(findType(catalogue, 'sue')).toBe(catalogue.sue);
    expect(findType(catalogue, 'constructor')).toBeUndefined();
    expect(findType(catalogue, 'toString')).toBeUndefined();
    expect(findType(catalogue, '__proto__')).toBeUndefined();
  });

  it('reports an unknown type name, listing the known ones', () => {
    expect(unknownTypeProblems(catalogue, 'qa')).toEqual([
      { path: 'environment_type', message: `unknown environment type 'qa'; ${KNOWN}` },
    ]);
    expect(unknownTypeProblems(catalogue, 'dev')).toEqual([]);
    expect(unknownTypeProblems(catalogue, 42)).toEqual([]);
  });
});

describe('newClaim', () => {
  it('takes user and creation_date from the arguments and sets deployment_method dynamic', () => {
    const claim = newClaim({
      request: request({ environment_type: 'dev', services: { api: 'v1.2.3' } }),
      user: USER,
      now: NOW,
      catalogue,
    });
    expect(claim).toEqual({
      environment_name: 'env-x',
      environment_type: 'dev',
      environment_pool: 'team1',
      user: USER,
      creation_date: '2024-01-15T10:30:00Z',
      expiration_date: null,
      deployment_method: 'dynamic',
      services: { api: 'v1.2.3' },
    });
  });

  it('ignores user and creation_date smuggled into a request object', () => {
    const smuggled = {
      ...request({ environment_type: 'dev' }),
      user: 'mallory',
      creation_date: '2000-01-01T00:00:00Z',
    } as unknown as ClaimCreate;
    const claim = newClaim({ request: smuggled, user: USER, now: NOW, catalogue });
    expect(claim.user).toBe(USER);
    expect(claim.creation_date).toBe('2024-01-15T10:30:00Z');
  });

  it('gives a sue claim without a date the default: creation + 24 h', () => {
    const claim = newClaim({
      request: request({ environment_type: 'sue' }),
      user: USER,
      now: NOW,
      catalogue,
    });
    expect(claim.expiration_date).toBe('2024-01-16T10:30:00Z');
  });

  it('keeps an explicit sue date within 7 d, normalised to UTC', () => {
    const claim = newClaim({
      request: request({ environment_type: 'sue', expiration_date: '2024-01-18T12:00:00+02:00' }),
      user: USER,
      now: NOW,
      catalogue,
    });
    expect(claim.expiration_date).toBe('2024-01-18T10:00:00Z');
  });

  it('refuses a sue date beyond 7 d with an error on expiration_date', () => {
    const error = inputErrorOf(() =>
      newClaim({
        request: request({ environment_type: 'sue', expiration_date: '2024-01-22T10:30:01Z' }),
        user: USER,
        now: NOW,
        catalogue,
      }),
    );
    expect(error.message).toBe('Invalid environment claim');
    expect(error.code).toBe('INPUT');
    expect(error.errors).toEqual([
      {
        path: 'expiration_date',
        message:
          'must be at most 7d after creation_date (2024-01-15T10:30:00Z), i.e. not after 2024-01-22T10:30:00Z',
      },
    ]);
  });

  it('refuses a date in the past', () => {
    expect(
      fieldErrorsOf(() =>
        newClaim({
          request: request({ environment_type: 'dev', expiration_date: '2024-01-15T10:00:00Z' }),
          user: USER,
          now: NOW,
          catalogue,
        }),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message: 'must be in the future (to remove the environment now, DELETE it)',
      },
    ]);
  });

  it('refuses an expiration_date for staging and prod', () => {
    for (const type of ['staging', 'prod']) {
      expect(
        fieldErrorsOf(() =>
          newClaim({
            request: request({ environment_type: type, expiration_date: '2024-01-16T10:30:00Z' }),
            user: USER,
            now: NOW,
            catalogue,
          }),
        ),
      ).toEqual([
        {
          path: 'expiration_date',
          message: `environments of type '${type}' never expire; remove expiration_date`,
        },
      ]);
    }
  });

  it('gives staging and prod no expiry', () => {
    for (const type of ['staging', 'prod']) {
      const claim = newClaim({
        request: request({ environment_type: type }),
        user: USER,
        now: NOW,
        catalogue,
      });
      expect(claim.expiration_date).toBeNull();
    }
  });

  it('refuses an unknown type, listing the known types', () => {
    const error = inputErrorOf(() =>
      newClaim({ request: request({ environment_type: 'qa' }), user: USER, now: NOW, catalogue }),
    );
    expect(error.errors).toEqual([
      { path: 'environment_type', message: `unknown environment type 'qa'; ${KNOWN}` },
    ]);
  });

  it('uses the catalogue it is given', () => {
    const custom = buildCatalogue({ sue: { expiry: { default: '2h', maximum: '1d' } } });
    if (!custom.success) throw new Error('catalogue');
    const claim = newClaim({
      request: request({ environment_type: 'sue' }),
      user: USER,
      now: NOW,
      catalogue: custom.data,
    });
    expect(claim.expiration_date).toBe('2024-01-15T12:30:00Z');
  });
});

const STORED_SUE: Claim = {
  environment_name: 'sue-poc',
  environment_type: 'sue',
  environment_pool: 'team1',
  user: USER,
  creation_date: '2024-01-15T10:30:00Z',
  expiration_date: '2024-01-16T10:30:00Z',
  deployment_method: 'dynamic',
  services: { api: 'v1', web: { version: 'v2', docker_image: 'artifactory/web:v2' } },
};

const STORED_DEV: Claim = {
  ...STORED_SUE,
  environment_name: 'dev-x',
  environment_type: 'dev',
  expiration_date: '2024-01-20T00:00:00Z',
};

describe('patchedClaim', () => {
  const later = new Date('2024-01-15T12:00:00Z');

  it('merges services: null removes, a value adds or replaces, others stay', () => {
    const claim = patchedClaim({
      claim: STORED_SUE,
      patch: { services: { api: null, web: 'v3', db: { version: 'v9' } } },
      now: later,
      catalogue,
    });
    expect(claim.services).toEqual({ web: 'v3', db: { version: 'v9' } });
    expect(claim.expiration_date).toBe('2024-01-16T10:30:00Z');
    expect(STORED_SUE.services).toEqual({
      api: 'v1',
      web: { version: 'v2', docker_image: 'artifactory/web:v2' },
    });
  });

  it('removing a service that is not there changes nothing', () => {
    const claim = patchedClaim({
      claim: STORED_SUE,
      patch: { services: { ghost: null } },
      now: later,
      catalogue,
    });
    expect(claim.services).toEqual(STORED_SUE.services);
  });

  it('leaves every other field as it was', () => {
    const claim = patchedClaim({
      claim: STORED_SUE,
      patch: { services: { api: 'v2' } },
      now: later,
      catalogue,
    });
    expect(claim).toEqual({ ...STORED_SUE, services: { ...STORED_SUE.services, api: 'v2' } });
  });

  it('extends a sue expiry within creation + 7 d', () => {
    const claim = patchedClaim({
      claim: STORED_SUE,
      patch: { expiration_date: '2024-01-22T10:30:00Z' },
      now: later,
      catalogue,
    });
    expect(claim.expiration_date).toBe('2024-01-22T10:30:00Z');
  });

  it('refuses an extension beyond creation + maximum', () => {
    const error = inputErrorOf(() =>
      patchedClaim({
        claim: STORED_SUE,
        patch: { expiration_date: '2024-01-23T00:00:00Z' },
        now: later,
        catalogue,
      }),
    );
    expect(error.message).toBe('Invalid patch');
    expect(error.errors).toEqual([
      {
        path: 'expiration_date',
        message:
          'must be at most 7d after creation_date (2024-01-15T10:30:00Z), i.e. not after 2024-01-22T10:30:00Z',
      },
    ]);
  });

  it('refuses an expiry in the past', () => {
    expect(
      fieldErrorsOf(() =>
        patchedClaim({
          claim: STORED_DEV,
          patch: { expiration_date: '2024-01-15T11:00:00Z' },
          now: later,
          catalogue,
        }),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message: 'must be in the future (to remove the environment now, DELETE it)',
      },
    ]);
  });

  it('null clears the expiry of a dev claim', () => {
    const claim = patchedClaim({
      claim: STORED_DEV,
      patch: { expiration_date: null },
      now: later,
      catalogue,
    });
    expect(claim.expiration_date).toBeNull();
  });

  it('null on a sue claim is refused', () => {
    expect(
      fieldErrorsOf(() =>
        patchedClaim({
          claim: STORED_SUE,
          patch: { expiration_date: null },
          now: later,
          catalogue,
        }),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message: "environments of type 'sue' always expire; give a date at most 7d after creation",
      },
    ]);
  });

  it('a date on a staging claim is refused', () => {
    const staging: Claim = { ...STORED_DEV, environment_type: 'staging', expiration_date: null };
    expect(
      fieldErrorsOf(() =>
        patchedClaim({
          claim: staging,
          patch: { expiration_date: '2024-01-16T00:00:00Z' },
          now: later,
          catalogue,
        }),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message: "environments of type 'staging' never expire; remove expiration_date",
      },
    ]);
  });

  it('refuses a claim whose type the catalogue does not know', () => {
    expect(
      fieldErrorsOf(() =>
        patchedClaim({
          claim: { ...STORED_DEV, environment_type: 'qa' },
          patch: { services: { api: 'v2' } },
          now: later,
          catalogue,
        }),
      ),
    ).toEqual([{ path: 'environment_type', message: `unknown environment type 'qa'; ${KNOWN}` }]);
  });
});

describe('judgeStoredClaim', () => {
  const valid = JSON.stringify(STORED_SUE);

  it('accepts a valid claim stored under its own name', () => {
    expect(judgeStoredClaim('sue-poc', valid, catalogue)).toEqual({
      valid: true,
      claim: STORED_SUE,
    });
  });

  it("accepts the seed's example claim", () => {
    const seed = JSON.stringify({
      user: 'john.doe@company.com',
      environment_pool: 'team1',
      creation_date: '2024-01-15T10:30:00Z',
      environment_name: 'dev-team1-feature-x',
      environment_type: 'dev',
      expiration_date: null,
      services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0', 'api-gateway': 'v1.0.5' },
    });
    expect(judgeStoredClaim('dev-team1-feature-x', seed, catalogue).valid).toBe(true);
  });

  it('says "is required" for each missing field, and a format message for a bad date', () => {
    const missing = judgeStoredClaim(
      'sue-bad',
      '{"environment_name":"sue-bad","environment_type":"qa"}',
      catalogue,
    );
    expect(missing).toEqual({
      valid: false,
      reasons: [
        { path: 'environment_pool', message: 'is required' },
        { path: 'user', message: 'is required' },
        { path: 'creation_date', message: 'is required' },
      ],
    });
    const badDate = judgeStoredClaim(
      'sue-poc',
      JSON.stringify({ ...STORED_SUE, creation_date: 'yesterday' }),
      catalogue,
    );
    expect(badDate).toEqual({
      valid: false,
      reasons: [
        {
          path: 'creation_date',
          message: 'must be an RFC 3339 date-time such as 2024-01-15T10:30:00Z',
        },
      ],
    });
  });

  it('rejects text that is not JSON', () => {
    const verdict = judgeStoredClaim('sue-poc', '{"environment_name": ', catalogue);
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]?.path).toBe('(root)');
    expect(verdict.reasons[0]?.message).toMatch(/^not valid JSON: /);
  });

  it('rejects a document failing the schema with field errors', () => {
    expect(
      judgeStoredClaim(
        'sue-poc',
        JSON.stringify({ ...STORED_SUE, services: { Api: 'v1' }, extra: true }),
        catalogue,
      ),
    ).toEqual({
      valid: false,
      reasons: [
        { path: 'services.Api', message: 'invalid name: must be lower case' },
        { path: 'extra', message: 'unknown field' },
      ],
    });
  });

  it('rejects a JSON value that is not an object', () => {
    const verdict = judgeStoredClaim('sue-poc', '[]', catalogue);
    expect(verdict).toEqual({
      valid: false,
      reasons: [{ path: '(root)', message: 'Invalid input: expected object, received array' }],
    });
  });

  it('rejects a claim stored under another name', () => {
    expect(judgeStoredClaim('other', valid, catalogue)).toEqual({
      valid: false,
      reasons: [
        {
          path: 'environment_name',
          message: "the file must be named after the environment: expected key 'sue-poc.json'",
        },
      ],
    });
  });

  it('rejects an unknown type', () => {
    expect(
      judgeStoredClaim(
        'sue-poc',
        JSON.stringify({ ...STORED_SUE, environment_type: 'qa' }),
        catalogue,
      ),
    ).toEqual({
      valid: false,
      reasons: [{ path: 'environment_type', message: `unknown environment type 'qa'; ${KNOWN}` }],
    });
  });

  it('rejects a staging claim with an expiration date', () => {
    expect(
      judgeStoredClaim(
        'sue-poc',
        JSON.stringify({ ...STORED_SUE, environment_type: 'staging' }),
        catalogue,
      ),
    ).toEqual({
      valid: false,
      reasons: [
        {
          path: 'expiration_date',
          message: "environments of type 'staging' never expire; remove expiration_date",
        },
      ],
    });
  });

  it('rejects a sue claim whose date exceeds 7 d after creation', () => {
    const verdict = judgeStoredClaim(
      'sue-poc',
      JSON.stringify({ ...STORED_SUE, expiration_date: '2024-02-01T00:00:00Z' }),
      catalogue,
    );
    expect(verdict.valid).toBe(false);
    if (!verdict.valid)
      expect(verdict.reasons.map((reason) => reason.path)).toEqual(['expiration_date']);
  });

  it('accepts an expired claim: the reaper removes it', () => {
    expect(
      judgeStoredClaim(
        'sue-poc',
        JSON.stringify({ ...STORED_SUE, expiration_date: '2024-01-15T11:00:00Z' }),
        catalogue,
      ).valid,
    ).toBe(true);
  });

  it('reports a name mismatch and an unknown type together', () => {
    const verdict = judgeStoredClaim(
      'elsewhere',
      JSON.stringify({ ...STORED_SUE, environment_type: 'qa' }),
      catalogue,
    );
    expect(verdict.valid).toBe(false);
    if (!verdict.valid)
      expect(verdict.reasons.map((reason) => reason.path)).toEqual([
        'environment_name',
        'environment_type',
      ]);
  });

  it('accepts a static git claim', () => {
    const prod = {
      ...STORED_SUE,
      environment_name: 'prod-main',
      environment_type: 'prod',
      expiration_date: null,
      deployment_method: 'git',
      git_repository: 'https://github.com/company/prod-environments',
      branch: 'main',
    };
    expect(judgeStoredClaim('prod-main', JSON.stringify(prod), catalogue)).toEqual({
      valid: true,
      claim: prod,
    });
  });

  it('judges against the catalogue it is given', () => {
    const only: EnvironmentTypeCatalogue = { dev: DEFAULT_ENVIRONMENT_TYPES.dev! };
    expect(judgeStoredClaim('sue-poc', valid, only)).toEqual({
      valid: false,
      reasons: [
        { path: 'environment_type', message: "unknown environment type 'sue'; known types: dev" },
      ],
    });
  });
});
