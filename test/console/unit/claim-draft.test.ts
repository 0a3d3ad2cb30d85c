import { describe, expect, it } from 'vitest';
import {
  claimBody,
  draftProblems,
  fieldOfPath,
  versionProblemOf,
  type CreateDraft,
} from '../../../console/src/pages/create/claim-draft.js';
import { poolsFor } from '../../../console/src/pages/create/pools.js';
import { policyOf, typeRules } from '../../../console/src/pages/create/type-rules.js';
import { claimCreateSchema } from '../../../src/domain/claims/claim-schema.js';
import { newClaim } from '../../../src/domain/claims/claim-rules.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../../src/domain/environment-types/catalogue.js';
import { InputError } from '../../../src/domain/errors.js';
import { checkServiceVersions } from '../../../src/domain/versions/version-policy.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const SUE = DEFAULT_ENVIRONMENT_TYPES.sue;
const draft = (fields: Partial<CreateDraft> = {}): CreateDraft => ({
  name: 'koa-new',
  type: 'sue',
  pool: 'koa',
  services: [{ key: 1, name: 'user-service', version: 'v1.2.3' }],
  expiry: '',
  ...fields,
});

describe('claimBody (what the create page posts and previews)', () => {
  it('is a body the API’s own schema accepts, without blank rows or an empty expiry', () => {
    const body = claimBody(
      draft({
        services: [
          { key: 1, name: 'user-service', version: 'v1.2.3' },
          { key: 2, name: '', version: '' },
        ],
      }),
    );
    expect(body).toEqual({
      environment_name: 'koa-new',
      environment_type: 'sue',
      environment_pool: 'koa',
      services: { 'user-service': 'v1.2.3' },
    });
    expect(claimCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends the expiry as an RFC 3339 UTC timestamp', () => {
    const local = '2026-01-11T10:15';
    const body = claimBody(draft({ expiry: local }));
    expect(body.expiration_date).toBe(new Date(local).toISOString().replace('.000Z', 'Z'));
    expect(claimCreateSchema.safeParse(body).success).toBe(true);
  });
});

describe('draftProblems (live, with the domain’s rules)', () => {
  it('finds nothing in a good draft', () => {
    expect([...draftProblems(draft(), SUE, NOW)]).toEqual([]);
  });

  it('names bad labels, duplicate services, refused constraints and expiries', () => {
    const problems = draftProblems(
      draft({
        type: 'prod',
        name: 'Koa_New',
        pool: '',
        services: [
          { key: 1, name: 'api', version: '^1.0.0' },
          { key: 2, name: 'api', version: 'v1.0.0' },
        ],
      }),
      DEFAULT_ENVIRONMENT_TYPES.prod,
      NOW,
    );
    expect(problems.get('environment_name')).toBe('must be lower case');
    expect(problems.get('environment_pool')).toBe('must not be empty');
    expect(problems.get('service-1-version')).toBe(
      "'^1.0.0' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
    );
    expect(problems.get('service-2-name')).toBe('is listed twice');
    expect(problems.has('service-2-version')).toBe(false);
  });

  it('says what the server says of an expiry past the maximum', () => {
    const problems = draftProblems(draft({ expiry: '2026-01-30T12:00' }), SUE, NOW);
    expect(problems.get('expiration_date')).toMatch(/^must be at most 7d after creation_date/);
    const never = draftProblems(
      draft({ type: 'prod', expiry: '2026-01-11T12:00', services: [] }),
      DEFAULT_ENVIRONMENT_TYPES.prod,
      NOW,
    );
    expect(never.get('expiration_date')).toBe(
      "environments of type 'prod' never expire; remove expiration_date",
    );
  });

  it('agrees with the server’s newClaim on the expiry', () => {
    const body = claimBody(draft({ expiry: '2026-01-30T12:00' }));
    const parsed = claimCreateSchema.parse(body);
    let serverMessage: string | undefined;
    try {
      newClaim({
        request: parsed,
        user: 'anna@example.com',
        now: NOW,
        catalogue: DEFAULT_ENVIRONMENT_TYPES,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      serverMessage = error.errors.find((field) => field.path === 'expiration_date')?.message;
    }
    expect(serverMessage).toBeDefined();
    expect(
      draftProblems(draft({ expiry: '2026-01-30T12:00' }), SUE, NOW).get('expiration_date'),
    ).toBe(serverMessage);
  });
});

describe('versionProblemOf', () => {
  it.each(['v1.2.3', '^1.0.0.0', '1.x.x.x', '>=1.2.0, <2.0.0', 'latest', '*'])(
    'accepts %s for dev, as the version policy does',
    (version) => {
      expect(versionProblemOf(version, 'dev')).toBeUndefined();
      expect(() =>
        checkServiceVersions({ environmentType: 'dev', services: { s: version } }),
      ).not.toThrow();
    },
  );

  it('gives the policy’s own message for a kind the type refuses', () => {
    let policyMessage: string | undefined;
    try {
      checkServiceVersions({ environmentType: 'prod', services: { s: 'latest' } });
    } catch (error) {
      policyMessage = (error as InputError).errors[0]?.message;
    }
    expect(versionProblemOf('latest', 'prod')).toBe(policyMessage);
  });

  it('gives the claim schema’s message for blanks', () => {
    expect(versionProblemOf('', 'dev')).toBe('version must not be empty');
    expect(versionProblemOf(' v1', 'dev')).toMatch(/leading, trailing or double spaces/);
  });
});

describe('fieldOfPath (server field errors to form fields)', () => {
  const form = draft({
    services: [
      { key: 7, name: 'api', version: 'latest' },
      { key: 8, name: 'web', version: 'v1' },
    ],
  });
  it.each([
    ['environment_name', 'environment_name'],
    ['expiration_date', 'expiration_date'],
    ['services', 'services'],
    ['services.api', 'service-7'],
    ['services.web.version', 'service-8-version'],
    ['services.gone', 'services'],
    ['user', undefined],
    ['(root)', undefined],
  ])('%s → %s', (path, key) => expect(fieldOfPath(path, form)).toBe(key));
});

describe('the type’s rules and pools', () => {
  it('describes expiry and accepted constraint kinds', () => {
    expect(typeRules('sue', SUE)).toEqual({
      expiry: '24 hours by default; at most 7 days after creation',
      versions: [
        'an exact tag (v1.2.3)',
        'a caret constraint (^1.0.0)',
        'an x-range (1.x, 1.2.x)',
        'a range (>=1.2.0, <2.0.0)',
        "'*' or 'latest'",
      ],
    });
    expect(typeRules('prod', DEFAULT_ENVIRONMENT_TYPES.prod)).toEqual({
      expiry: 'never expires; no expiry may be given',
      versions: ['an exact tag (v1.2.3)'],
    });
  });

  it('lists only the pools /me gives for the type', () => {
    const me = {
      create: [
        { pool: 'koa', types: ['dev', 'sue'] },
        { pool: 'ai', types: ['dev'] },
      ],
    };
    expect(poolsFor(me, 'dev')).toEqual(['ai', 'koa']);
    expect(poolsFor(me, 'sue')).toEqual(['koa']);
    expect(poolsFor(me, 'prod')).toEqual([]);
  });
});

describe('policyOf (the policy the server publishes per type)', () => {
  it('checks versions with the published kinds, not the built-in ones', () => {
    const policy = policyOf([
      { name: 'prod', version_constraints: ['anchored', 'range'] },
      { name: 'dev', version_constraints: ['anchored'] },
    ]);
    expect(versionProblemOf('>=1.0.0, <2.0.0', 'prod', policy)).toBeUndefined();
    expect(versionProblemOf('latest', 'dev', policy)).toBe(
      "'latest' is any release; environment type 'dev' accepts only anchored tags (v1.2.3)",
    );
    expect(typeRules('prod', DEFAULT_ENVIRONMENT_TYPES.prod, policy).versions).toEqual([
      'an exact tag (v1.2.3)',
      'a range (>=1.2.0, <2.0.0)',
    ]);
    // A type the server did not list gets the safe fallback, as on the server.
    expect(versionProblemOf('^1.0.0', 'qa', policy)).toMatch(/accepts only anchored tags/);
  });

  it('is the built-in policy until the types are loaded', () => {
    expect(versionProblemOf('latest', 'sue', policyOf(undefined))).toBeUndefined();
  });
});
