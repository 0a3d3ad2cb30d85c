import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_OIDC_ALGORITHMS,
  idpUrlProblem,
  oidcIssuerSchema,
  oidcIssuersSchema,
} from '../../src/config/oidc-config-schema.js';
import { toFieldErrors } from '../../src/domain/shared/zod-errors.js';

const ISSUER = 'https://auth.example.com/realms/platform';

function problems(input: unknown): { path: string; message: string }[] {
  const result = oidcIssuersSchema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error, 'auth.oidc');
}

describe('oidcIssuerSchema', () => {
  it('fills the defaults', () => {
    expect(oidcIssuerSchema.parse({ issuer: ISSUER, audience: 'platform' })).toEqual({
      issuer: ISSUER,
      audience: 'platform',
      algorithms: [...DEFAULT_OIDC_ALGORITHMS],
      groupsClaim: 'groups',
      subjectClaim: 'sub',
      clockTolerance: '30s',
    });
    expect(DEFAULT_OIDC_ALGORITHMS).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'EdDSA',
    ]);
  });

  it('keeps every option given', () => {
    const entry = {
      issuer: 'https://authentik.example.com/application/o/platform/',
      audience: ['platform', 'platform-cli'],
      algorithms: ['ES256'],
      groupsClaim: 'realm_access.roles',
      subjectClaim: 'email',
      clockTolerance: '10s',
      jwksUri: 'https://authentik.example.com/application/o/platform/jwks/',
    };
    expect(oidcIssuerSchema.parse(entry)).toEqual(entry);
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost/realms/x', 'http://[::1]:9000', ISSUER])(
    'accepts the issuer %s',
    (issuer) => {
      expect(oidcIssuerSchema.safeParse({ issuer, audience: 'a' }).success).toBe(true);
    },
  );

  it.each([
    ['http://auth.example.com', 'must use https (http only on 127.0.0.1, localhost or ::1)'],
    ['http://127.0.0.2', 'must use https (http only on 127.0.0.1, localhost or ::1)'],
    ['ftp://auth.example.com', 'must use https (http only on 127.0.0.1, localhost or ::1)'],
    ['auth.example.com', 'must be an absolute URL'],
    ['https://user:pw@auth.example.com', 'must not contain credentials'],
    ['https://auth.example.com?realm=x', 'must not have a query or fragment'],
    ['https://auth.example.com#x', 'must not have a query or fragment'],
  ])('refuses the issuer %s', (issuer, message) => {
    expect(problems([{ issuer, audience: 'a' }])).toEqual([
      { path: 'auth.oidc.0.issuer', message },
    ]);
    expect(idpUrlProblem(issuer)).toBe(message);
  });

  it('applies the same rule to jwksUri', () => {
    expect(
      problems([{ issuer: ISSUER, audience: 'a', jwksUri: 'http://keys.example.com' }]),
    ).toEqual([
      {
        path: 'auth.oidc.0.jwksUri',
        message: 'must use https (http only on 127.0.0.1, localhost or ::1)',
      },
    ]);
  });

  it.each(['none', 'HS256', 'HS384', 'HS512', 'rs256'])('refuses the algorithm %s', (alg) => {
    const found = problems([{ issuer: ISSUER, audience: 'a', algorithms: ['RS256', alg] }]);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('auth.oidc.0.algorithms.1');
    expect(found[0]?.message).toMatch(
      /^must be an asymmetric JWS algorithm .*none and HS\* are refused$/,
    );
  });

  it('refuses an empty algorithm list', () => {
    expect(problems([{ issuer: ISSUER, audience: 'a', algorithms: [] }])[0]?.path).toBe(
      'auth.oidc.0.algorithms',
    );
  });

  it.each([[''], [[]], [['']], [42]])('refuses the audience %j', (audience) => {
    expect(oidcIssuerSchema.safeParse({ issuer: ISSUER, audience }).success).toBe(false);
  });

  it('requires issuer and audience', () => {
    expect(problems([{}]).map((problem) => problem.path)).toEqual([
      'auth.oidc.0.issuer',
      'auth.oidc.0.audience',
    ]);
  });

  it.each([
    ['clockTolerance', '10m', 'must be at most 5m'],
    ['clockTolerance', '30', 'must be a duration such as 500ms, 30s, 5m, 24h or 7d'],
    ['clockTolerance', '0s', 'must be greater than zero'],
    [
      'groupsClaim',
      'realm_access..roles',
      'must be a claim name or a dotted path such as realm_access.roles',
    ],
    ['subjectClaim', '.email', 'must be a claim name or a dotted path such as realm_access.roles'],
  ])('refuses %s: %s', (key, value, message) => {
    expect(problems([{ issuer: ISSUER, audience: 'a', [key]: value }])).toEqual([
      { path: `auth.oidc.0.${key}`, message },
    ]);
  });

  it('refuses unknown keys', () => {
    expect(problems([{ issuer: ISSUER, audience: 'a', clientSecret: 'x' }])).toEqual([
      { path: 'auth.oidc.0.clientSecret', message: 'unknown field' },
    ]);
  });
});

describe('oidcIssuersSchema', () => {
  it('plugs into the auth section with an empty default', () => {
    const auth = z.strictObject({ oidc: oidcIssuersSchema.default([]) }).prefault({});
    expect(auth.parse(undefined)).toEqual({ oidc: [] });
    expect(auth.parse({ oidc: [{ issuer: ISSUER, audience: 'a' }] }).oidc[0]?.subjectClaim).toBe(
      'sub',
    );
  });

  it('accepts several issuers', () => {
    const parsed = oidcIssuersSchema.parse([
      { issuer: ISSUER, audience: 'a' },
      { issuer: 'https://login.microsoftonline.com/tenant-id/v2.0', audience: 'api://platform' },
    ]);
    expect(parsed.map((entry) => entry.issuer)).toEqual([
      ISSUER,
      'https://login.microsoftonline.com/tenant-id/v2.0',
    ]);
  });

  it('refuses the same issuer twice', () => {
    expect(
      problems([
        { issuer: ISSUER, audience: 'a' },
        { issuer: ISSUER, audience: 'b' },
      ]),
    ).toEqual([{ path: 'auth.oidc.1.issuer', message: 'this issuer is already configured' }]);
  });
});
