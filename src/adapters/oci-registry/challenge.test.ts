import { describe, expect, it } from 'vitest';
import { parseChallenges } from './challenge.js';

describe('parseChallenges', () => {
  it('reads the Bearer challenge of distribution', () => {
    const header =
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:docker-releases/user-service:pull"';
    expect(parseChallenges(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'registry.example.com',
          scope: 'repository:docker-releases/user-service:pull',
        },
      },
    ]);
  });

  it('reads a Basic challenge, lowercasing scheme and parameter names', () => {
    expect(parseChallenges('BASIC Realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
  });

  it('splits several challenges in one header (RFC 9110 §11.6.1 example)', () => {
    const header =
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"';
    expect(parseChallenges(header)).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
  });

  it('keeps commas and spaces inside quoted values, and scopes with several actions', () => {
    const header = 'Bearer realm="http://h/t", scope="repository:a/b:pull,push repository:c:pull"';
    expect(parseChallenges(header)[0]?.params.scope).toBe(
      'repository:a/b:pull,push repository:c:pull',
    );
  });

  it('accepts whitespace around "=" and token values', () => {
    expect(parseChallenges('Bearer realm = "r" , service = reg')).toEqual([
      { scheme: 'bearer', params: { realm: 'r', service: 'reg' } },
    ]);
  });

  it('reads schemes without parameters and token68 forms', () => {
    expect(parseChallenges('Negotiate, Basic abc123==, Bearer realm="r"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: {}, token68: 'abc123==' },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
  });

  it('keeps the first of a repeated parameter', () => {
    expect(parseChallenges('Bearer realm="a", realm="b"')[0]?.params).toEqual({ realm: 'a' });
  });

  it('returns what it could read before a malformed part', () => {
    expect(parseChallenges('Basic realm="ok", Bearer realm="unterminated')).toEqual([
      { scheme: 'basic', params: { realm: 'ok' } },
      { scheme: 'bearer', params: {} },
    ]);
    expect(parseChallenges('Bearer realm="r" junk')).toEqual([
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
  });

  it('returns nothing for a missing or empty header', () => {
    expect(parseChallenges(null)).toEqual([]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges(' , ')).toEqual([]);
  });

  it('does not let a parameter named __proto__ touch the prototype', () => {
    const [challenge] = parseChallenges('Bearer __proto__="x", realm="r"');
    expect(challenge?.params.realm).toBe('r');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
