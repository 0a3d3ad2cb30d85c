import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors.js';
import { assertRepository, assertTag, isSha256Digest } from './reference.js';

describe('repository and tag grammar', () => {
  it.each([
    'user-service',
    'docker-releases/user-service',
    'oci-snapshots/user-service-ansible',
    'user-repos/johndoe-local-repo/user-service',
    'a.b_c__d---e/f0',
  ])('accepts the repository %s', (name) => {
    expect(() => assertRepository(name)).not.toThrow();
  });

  it.each([
    '',
    'User-Service',
    '-leading',
    'trailing-',
    'a//b',
    '/a',
    'a/',
    'a___b',
    'a:tag',
    '127.0.0.1:5000/a',
    'a'.repeat(256),
    '../etc',
  ])('rejects the repository %j with an InputError on "repository"', (name) => {
    const error = captured(() => assertRepository(name));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).errors[0]?.path).toBe('repository');
  });

  it.each(['v1.2.3', '1.2.3.4', 'latest', 'v1.2.3-rc1', '_x', 'A'.repeat(128)])(
    'accepts the tag %s',
    (tag) => expect(() => assertTag(tag)).not.toThrow(),
  );

  it.each(['', '.hidden', '-x', 'a/b', 'a:b', 'a b', 'A'.repeat(129), '../x', 'ü'])(
    'rejects the tag %j with an InputError on "tag"',
    (tag) => {
      const error = captured(() => assertTag(tag));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).errors[0]?.path).toBe('tag');
    },
  );

  it('recognises sha256 digests only', () => {
    expect(isSha256Digest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isSha256Digest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isSha256Digest(`sha512:${'a'.repeat(128)}`)).toBe(false);
    expect(isSha256Digest('sha256:abc')).toBe(false);
  });
});

function captured(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
