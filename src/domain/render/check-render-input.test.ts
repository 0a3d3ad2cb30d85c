import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import { InputError } from '../errors.js';
import { checkRenderInput, checkRenderSettings } from './check-render-input.js';
import type { RenderInput, RenderService, RenderSettings } from './render-input.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const SETTINGS: RenderSettings = {
  registryHost: 'registry.local:5000',
  bucket: { name: 'rendered', endpoint: 'minio.local:9000' },
  fluxNamespace: 'flux-system',
  platformStacks: { sourceName: 'platform-stacks', sourceKind: 'OCIRepository' },
  interval: '5m',
};

function service(name: string, extra: Partial<RenderService> = {}): RenderService {
  return {
    name,
    dependsOn: [],
    path: './',
    env: {},
    image: { repository: `docker-releases/${name}`, tag: 'v1.0.0', digest: DIGEST },
    deployment: { repository: `oci-releases/${name}-ansible`, tag: 'v1.0.0', digest: DIGEST },
    ...extra,
  };
}

function input(services: RenderService[], name = 'dev-a'): RenderInput {
  return {
    environment: { name, type: 'dev', pool: 'team1', owner: 'a@b.c' },
    environmentType: DEFAULT_ENVIRONMENT_TYPES['dev']!,
    services,
    settings: SETTINGS,
  };
}

function problems(services: RenderService[], name?: string): string[] {
  try {
    checkRenderInput(input(services, name), new Set(['platform-gateway']));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).errors.map((problem) => `${problem.path}: ${problem.message}`);
  }
}

describe('checkRenderInput', () => {
  it('accepts well-formed services', () => {
    expect(problems([service('a'), service('b', { dependsOn: ['a'], port: 80 })])).toEqual([]);
  });

  it('refuses digests that are not digests, and a tag alone', () => {
    const tagOnly = service('a', {
      deployment: { repository: 'oci-releases/a-ansible', tag: 'v1.0.0', digest: 'v1.0.0' },
    });
    const upper = service('b', {
      image: { repository: 'docker-releases/b', tag: 'v1', digest: `sha256:${'A'.repeat(64)}` },
    });
    expect(problems([tagOnly, upper])).toEqual([
      'services.a.deployment.digest: must be a digest such as sha256:<64 lower-case hex digits>',
      'services.b.image.digest: must be a digest such as sha256:<64 lower-case hex digits>',
    ]);
  });

  it('refuses bad names, repositories, tags, paths, ports and variables', () => {
    const bad = service('x', {
      path: '../other',
      port: 70000,
      env: { 'NOT-A-VAR': '1', SERVICE_IMAGE: 'mine' },
      image: { repository: 'Docker/X', tag: '-v1', digest: DIGEST },
    });
    const badName = { ...service('ok'), name: 'Bad_Name' };
    expect(problems([bad, badName, service('platform-gateway')])).toEqual([
      'services.x.port: must be an integer from 1 to 65535',
      "services.x.path: must not contain '..'",
      'services.x.env.NOT-A-VAR: is not a substitution variable name',
      'services.x.env.SERVICE_IMAGE: is set by the platform',
      'services.x.image.repository: is not an OCI repository name',
      'services.x.image.tag: is not an OCI tag',
      'services.Bad_Name: must be lower case',
      'services.platform-gateway: is a name the platform uses for its own Flux objects',
    ]);
  });

  it('refuses duplicates and dependencies outside the render', () => {
    expect(
      problems([service('a', { dependsOn: ['a', 'zzz'] }), service('b'), service('b')]),
    ).toEqual([
      'services.b: is listed twice',
      'services.a.dependsOn: must not depend on itself',
      "services.a.dependsOn: depends on 'zzz', which is not deployed in this environment",
    ]);
  });

  it('refuses an environment name that is not a DNS label', () => {
    expect(problems([], 'Dev/../x')).toEqual(["environment_name: must not contain '/' or '\\'"]);
  });
});

describe('checkRenderSettings', () => {
  it('accepts the settings once and remembers them', () => {
    expect(() => checkRenderSettings(SETTINGS)).not.toThrow();
    expect(() => checkRenderSettings(SETTINGS)).not.toThrow();
  });

  it.each([
    ['interval', { interval: 'five minutes' }],
    ['registryHost', { registryHost: 'https://registry' }],
    ['fluxNamespace', { fluxNamespace: 'Flux' }],
    ['bucket.keyPrefix', { bucket: { ...SETTINGS.bucket, keyPrefix: 'rendered' } }],
    ['bucket.name', { bucket: { ...SETTINGS.bucket, name: 'A' } }],
  ])('refuses a bad %s', (what, change) => {
    expect(() => checkRenderSettings({ ...SETTINGS, ...change })).toThrow(
      new RegExp(`${what.replace('.', '\\.')} is invalid`),
    );
  });
});
