import { describe, expect, it } from 'vitest';
import { groupsFrom, isClientToken, principalFromClaims, readClaim } from './claims.js';

const ISSUER = 'https://idp.example.com/realms/platform';
const options = { issuer: ISSUER, subjectClaim: 'sub', groupsClaim: 'groups' };

describe('readClaim', () => {
  const payload = {
    sub: 'u1',
    realm_access: { roles: ['team1', 'admins'] },
    'https://example.com/groups': ['namespaced'],
    'a.b': 'literal',
    a: { b: 'nested' },
    list: [{ x: 1 }],
  };

  it('reads a top-level claim', () => {
    expect(readClaim(payload, 'sub')).toBe('u1');
  });

  it('follows a dotted path', () => {
    expect(readClaim(payload, 'realm_access.roles')).toEqual(['team1', 'admins']);
  });

  it('prefers a claim whose name contains the dots', () => {
    expect(readClaim(payload, 'https://example.com/groups')).toEqual(['namespaced']);
    expect(readClaim(payload, 'a.b')).toBe('literal');
  });

  it.each([
    ['missing', 'nope'],
    ['missing nested', 'realm_access.nope'],
    ['through a string', 'sub.length'],
    ['through an array', 'list.0'],
    ['prototype', '__proto__'],
    ['constructor', 'realm_access.constructor'],
    ['inherited method', 'toString'],
  ])('returns undefined when the path leads nowhere (%s)', (_label, path) => {
    expect(readClaim(payload, path)).toBeUndefined();
  });
});

describe('groupsFrom', () => {
  it('keeps the strings of a list, without duplicates or empties', () => {
    expect(groupsFrom({ groups: ['a', 1, 'b', null, 'a', '', { c: 1 }] }, 'groups')).toEqual([
      'a',
      'b',
    ]);
  });

  it('takes a single string as one group', () => {
    expect(groupsFrom({ groups: 'only' }, 'groups')).toEqual(['only']);
  });

  it('is empty when the claim is missing or of another type', () => {
    expect(groupsFrom({}, 'groups')).toEqual([]);
    expect(groupsFrom({ groups: { a: 1 } }, 'groups')).toEqual([]);
    expect(groupsFrom({ groups: 7 }, 'groups')).toEqual([]);
  });
});

describe('isClientToken', () => {
  it.each([
    ['sub equals client_id (RFC 9068)', { sub: 'ci-runner', client_id: 'ci-runner' }, true],
    ['no sub', { client_id: 'ci-runner' }, true],
    ['Entra app-only token', { sub: 'oid-1', azp: 'app-1', idtyp: 'app' }, true],
    ['user token with client_id', { sub: 'alice', client_id: 'web' }, false],
    ['Keycloak user token', { sub: 'uuid-1', azp: 'web' }, false],
    ['Entra user token', { sub: 'x', idtyp: 'user' }, false],
  ])('%s', (_label, payload, expected) => {
    expect(isClientToken(payload)).toBe(expected);
  });
});

describe('principalFromClaims', () => {
  it('maps a user token', () => {
    expect(
      principalFromClaims({ sub: 'alice', client_id: 'web', groups: ['team1'] }, options),
    ).toEqual({
      principal: {
        subject: 'alice',
        groups: ['team1'],
        kind: 'user',
        authenticatedBy: `oidc:${ISSUER}`,
      },
    });
  });

  it('uses the configured subject and groups claims', () => {
    const result = principalFromClaims(
      {
        sub: 'uuid-1',
        preferred_username: 'alice',
        realm_access: { roles: ['team2'] },
        groups: ['ignored'],
      },
      { issuer: ISSUER, subjectClaim: 'preferred_username', groupsClaim: 'realm_access.roles' },
    );
    expect(result.principal).toMatchObject({ subject: 'alice', groups: ['team2'], kind: 'user' });
  });

  it('refuses a user token without the subject claim', () => {
    expect(
      principalFromClaims(
        { sub: 'uuid-1', groups: ['team1'] },
        { ...options, subjectClaim: 'email' },
      ),
    ).toEqual({ refused: 'no string in the subject claim email' });
    expect(principalFromClaims({ sub: '' }, options).principal).toBeUndefined();
  });

  it('names a client token by its client when the subject claim is absent', () => {
    const result = principalFromClaims(
      { sub: 'ci-runner', client_id: 'ci-runner' },
      { ...options, subjectClaim: 'email' },
    );
    expect(result.principal).toEqual({
      subject: 'ci-runner',
      groups: [],
      kind: 'service',
      authenticatedBy: `oidc:${ISSUER}`,
    });
    expect(principalFromClaims({ azp: 'app-1' }, options).principal?.subject).toBe('app-1');
  });

  it('refuses a client token that names no one', () => {
    expect(principalFromClaims({ aud: 'x' }, options).principal).toBeUndefined();
  });
});
