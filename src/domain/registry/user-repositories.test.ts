import { describe, expect, it } from 'vitest';
import { assertRepository } from '../../adapters/oci-registry/reference.js';
import { InputError } from '../errors.js';
import { isLocalRepository, localRepositoryName } from './user-repositories.js';

describe('localRepositoryName', () => {
  it.each([
    ['johndoe', 'user-repos/johndoe-local-repo'],
    ['John.Doe@Example.com', 'user-repos/john.doe-example.com-local-repo'],
    ['jane_doe', 'user-repos/jane_doe-local-repo'],
    ['  Ærøskøbing Émile ', 'user-repos/r-sk-bing-emile-local-repo'],
    ['a..b__c--d', 'user-repos/a-b-c-d-local-repo'],
    ['-x-', 'user-repos/x-local-repo'],
  ])('%j → %s', (user, expected) => {
    const name = localRepositoryName(user);
    expect(name).toBe(expected);
    expect(() => assertRepository(`${name}/user-service`)).not.toThrow();
  });

  it('uses the configured prefix', () => {
    expect(localRepositoryName('jd', 'dev/users')).toBe('dev/users/jd-local-repo');
  });

  it('cuts long users deterministically and keeps them apart by a hash', () => {
    const a = localRepositoryName(`${'x'.repeat(70)}a`);
    const b = localRepositoryName(`${'x'.repeat(70)}b`);
    expect(a).not.toBe(b);
    expect(a).toBe(localRepositoryName(`${'x'.repeat(70)}a`));
    expect(a).toMatch(/^user-repos\/x{55}-[0-9a-f]{8}-local-repo$/);
  });

  it('refuses a user with nothing to name a repository by', () => {
    expect(() => localRepositoryName('@@@')).toThrow(InputError);
    expect(() => localRepositoryName('')).toThrow(InputError);
  });
});

describe('isLocalRepository', () => {
  it('holds only for repositories in a <user>-local-repo under the prefix', () => {
    expect(isLocalRepository('user-repos/jd-local-repo/user-service', 'user-repos')).toBe(true);
    expect(isLocalRepository('user-repos/jd-local-repo', 'user-repos')).toBe(true);
    expect(isLocalRepository('user-repos/jd/user-service', 'user-repos')).toBe(false);
    expect(isLocalRepository('user-repos/-local-repo/x', 'user-repos')).toBe(false);
    expect(isLocalRepository('docker-releases/jd-local-repo/x', 'user-repos')).toBe(false);
    expect(isLocalRepository('user-repos-x/jd-local-repo/x', 'user-repos')).toBe(false);
  });

  it('never holds under a protected prefix, even when the user prefix overlaps it', () => {
    expect(
      isLocalRepository('docker-releases/jd-local-repo/x', 'docker-releases', ['docker-releases']),
    ).toBe(false);
  });
});
