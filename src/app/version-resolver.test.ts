import { describe, expect, it } from 'vitest';
import { referenceOf } from './version-resolver.js';

describe('referenceOf (explicit artifact references in a claim)', () => {
  it('drops a registry host by Docker’s rule and splits the tag', () => {
    expect(
      referenceOf('registry.example.com/docker-releases/user-service:v1.2.3', 'x', 'v0'),
    ).toEqual({
      repository: 'docker-releases/user-service',
      tag: 'v1.2.3',
    });
    expect(
      referenceOf('127.0.0.1:5000/user-repos/johndoe/user-service:dev-snapshot', 'x', 'v0'),
    ).toEqual({
      repository: 'user-repos/johndoe/user-service',
      tag: 'dev-snapshot',
    });
    expect(referenceOf('localhost/a/b', 'x', 'v9')).toEqual({ repository: 'a/b', tag: 'v9' });
  });

  it('drops a registry alias (the seed’s artifactory/… form), else keeps the component', () => {
    expect(
      referenceOf('artifactory/docker-releases/user-service:v1.2.3', 'x', 'v0', ['artifactory']),
    ).toEqual({ repository: 'docker-releases/user-service', tag: 'v1.2.3' });
    expect(referenceOf('artifactory/docker-releases/user-service:v1.2.3', 'x', 'v0')).toEqual({
      repository: 'artifactory/docker-releases/user-service',
      tag: 'v1.2.3',
    });
  });

  it('falls back to the stream repository and the version', () => {
    expect(referenceOf(undefined, 'oci-releases/user-service-ansible', 'v1.0.0')).toEqual({
      repository: 'oci-releases/user-service-ansible',
      tag: 'v1.0.0',
    });
    expect(referenceOf('docker-releases/user-service@sha256:abc', 'x', 'v2')).toEqual({
      repository: 'docker-releases/user-service',
      tag: 'v2',
    });
  });

  it('keeps a full sha256 digest as a pin (what platform-deploy --local writes)', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(
      referenceOf(`user-repos/jd-local-repo/user-service:v1.1.0-dev.1@${digest}`, 'x', 'v0'),
    ).toEqual({ repository: 'user-repos/jd-local-repo/user-service', tag: 'v1.1.0-dev.1', digest });
  });
});
