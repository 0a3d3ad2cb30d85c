import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { Bucket } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/Bucket';
import { OCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { isDnsLabel } from '../../src/domain/claims/names.js';
import { InputError } from '../../src/domain/errors.js';
import { clusterClaimSpecSchema } from '../../src/domain/render/cluster-claim-schema.js';
import { renderEnvironment } from '../../src/domain/render/render-environment.js';
import {
  allObjects,
  fileAt,
  inputFor,
  objectsOf,
  SERVICES,
  service,
  SETTINGS,
  TYPE_NAMES,
  type KubeObject,
} from './render-fixtures.js';
import { infisicalSecretValidator, terraformObjectValidator } from './infisical-crd.js';

const validateInfisicalSecret = infisicalSecretValidator();
const validateTerraformObject = terraformObjectValidator();

function revalidate(object: KubeObject): void {
  const key = `${object.apiVersion} ${object.kind}`;
  switch (key) {
    case 'kustomize.toolkit.fluxcd.io/v1 Kustomization':
      return new Kustomization(object as never).validate();
    case 'source.toolkit.fluxcd.io/v1 OCIRepository':
      return new OCIRepository(object as never).validate();
    case 'source.toolkit.fluxcd.io/v1 Bucket':
      return new Bucket(object as never).validate();
    case 'v1 ConfigMap':
      return new ConfigMap(object).validate();
    case 'v1 Namespace':
      return new Namespace(object).validate();
    case 'v1 ServiceAccount':
      return new ServiceAccount(object).validate();
    case 'rbac.authorization.k8s.io/v1 ClusterRoleBinding':
      return new ClusterRoleBinding(object as never).validate();
    case 'secrets.infisical.com/v1alpha1 InfisicalSecret':
      expect(validateInfisicalSecret(object)).toEqual([]);
      return;
    case 'infra.contrib.fluxcd.io/v1alpha2 Terraform':
      expect(validateTerraformObject(object)).toEqual([]);
      return;
    case 'platform.example.io/v1alpha1 EnvironmentCluster': {
      const { compositionSelector, writeConnectionSecretToRef, ...own } = object.spec ?? {};
      expect(compositionSelector).toBeDefined();
      expect(writeConnectionSecretToRef).toBeDefined();
      clusterClaimSpecSchema.parse(own);
      return;
    }
    case 'kustomize.config.k8s.io/v1beta1 Kustomization':
      expect(Object.keys(object).sort()).toEqual(['apiVersion', 'kind', 'resources']);
      return;
    default:
      throw new Error(`unexpected object ${key}`);
  }
}

function kustomizationsByName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(
    objects
      .filter((object) => object.apiVersion === 'kustomize.toolkit.fluxcd.io/v1')
      .map((object) => [object.metadata.name, object]),
  );
}

describe('renderEnvironment', () => {
  it.each(TYPE_NAMES)('renders %s with every object valid against its schema', (type) => {
    const files = renderEnvironment(inputFor(type));
    const objects = allObjects(files);
    expect(objects.length).toBeGreaterThan(8);
    for (const object of objects) {
      revalidate(object);
      // Plain kustomize files have no metadata; every Kubernetes object has a DNS-1123 name.
      if (object.apiVersion !== 'kustomize.config.k8s.io/v1beta1')
        expect(isDnsLabel(object.metadata.name)).toBe(true);
    }
  });

  it('lays out the platform, bootstrap and environment folders', () => {
    const files = renderEnvironment(inputFor('dev'));
    expect(files.map((file) => file.path)).toEqual([
      'bootstrap/bucket.yaml',
      'bootstrap/kustomization.yaml',
      'bootstrap/sync.yaml',
      'environment/infisical.yaml',
      'environment/infisical/kustomization.yaml',
      'environment/infisical/secrets.yaml',
      'environment/infisical/service-accounts.yaml',
      'environment/kustomization.yaml',
      'environment/namespace.yaml',
      'environment/platform-stacks.yaml',
      'environment/services/api-gateway.yaml',
      'environment/services/auth-service.yaml',
      'environment/services/user-service.yaml',
      'infisical/main.tf.json',
      'platform/cluster-claim.yaml',
      'platform/infisical-terraform.yaml',
      'platform/kustomization.yaml',
    ]);
    for (const file of files)
      expect(file.content.startsWith(file.path.endsWith('.json') ? '{' : '# Rendered by')).toBe(
        true,
      );
  });

  it.each(TYPE_NAMES)(
    '%s: each kustomization.yaml lists exactly the files of its folder',
    (type) => {
      const files = renderEnvironment(inputFor(type));
      // environment/infisical/ has a Flux Kustomization of its own (with substitutions).
      for (const folder of ['platform', 'bootstrap', 'environment', 'environment/infisical']) {
        const [kustomize] = objectsOf(fileAt(files, `${folder}/kustomization.yaml`));
        const inFolder = files
          .map((file) => file.path)
          .filter(
            (path) =>
              path.startsWith(`${folder}/`) &&
              path !== `${folder}/kustomization.yaml` &&
              (folder !== 'environment' || !path.startsWith('environment/infisical/')),
          )
          .map((path) => path.slice(folder.length + 1));
        expect(kustomize?.['resources']).toEqual(inFolder.sort());
      }
    },
  );

  it('pins every OCIRepository to the resolved digest of the deployment artifact', () => {
    const objects = allObjects(renderEnvironment(inputFor('prod')));
    const sources = objects.filter((object) => object.kind === 'OCIRepository');
    expect(sources).toHaveLength(SERVICES.length);
    for (const source of sources) {
      const expected = SERVICES.find((s) => s.name === source.metadata.name);
      expect(source.spec?.['ref']).toEqual({ digest: expected?.deployment.digest });
      expect(source.spec?.['url']).toBe(
        `oci://registry.example.test:5000/${expected?.deployment.repository}`,
      );
      expect(source.spec?.['insecure']).toBe(true);
      expect(source.spec?.['secretRef']).toEqual({ name: 'registry-pull' });
    }
  });

  it('makes service Kustomizations follow the dependencies and substitute the environment', () => {
    const objects = allObjects(renderEnvironment(inputFor('dev')));
    const byName = kustomizationsByName(objects);
    const gateway = byName.get('api-gateway');
    expect(gateway?.spec?.['dependsOn']).toEqual([
      { name: 'auth-service' },
      { name: 'user-service' },
    ]);
    expect(byName.get('user-service')?.spec?.['dependsOn']).toEqual([{ name: 'auth-service' }]);
    expect(byName.get('auth-service')?.spec?.['dependsOn']).toBeUndefined();
    const user = byName.get('user-service');
    expect(user?.metadata.namespace).toBe('flux-system');
    expect(user?.spec?.['targetNamespace']).toBe('dev-team1-feature-x');
    expect(user?.spec?.['sourceRef']).toEqual({ kind: 'OCIRepository', name: 'user-service' });
    const userService = SERVICES.find((s) => s.name === 'user-service');
    expect(user?.spec?.['postBuild']).toEqual({
      substitute: {
        ENVIRONMENT_NAME: 'dev-team1-feature-x',
        ENVIRONMENT_POOL: 'team1',
        ENVIRONMENT_TYPE: 'dev',
        LOG_LEVEL: 'debug',
        SERVICE_IMAGE: `registry.example.test:5000/docker-releases/user-service@${userService?.image.digest}`,
        SERVICE_NAME: 'user-service',
        SERVICE_PORT: '8080',
        SERVICE_VERSION: 'v1.2.3',
      },
    });
  });

  it.each(['staging', 'prod'])(
    '%s: dedicated stacks, WAF, and services wait for gateway and authorization',
    (type) => {
      const objects = allObjects(renderEnvironment(inputFor(type)));
      const byName = kustomizationsByName(objects);
      const stacks = {
        'platform-logging': './elasticsearch/dedicated',
        'platform-monitoring': './monitoring/dedicated',
        'platform-authorization': './opal-cedar/dedicated',
        'platform-gateway': './kong/dedicated',
        'platform-waf': './cloudflare/waf',
      };
      for (const [name, path] of Object.entries(stacks)) {
        const stack = byName.get(name);
        expect(stack?.spec?.['path']).toBe(path);
        expect(stack?.spec?.['sourceRef']).toEqual({
          kind: 'GitRepository',
          name: 'platform-stacks',
        });
      }
      expect(byName.get('platform-monitoring')?.spec?.['dependsOn']).toEqual([
        { name: 'platform-logging' },
      ]);
      expect(byName.get('platform-gateway')?.spec?.['dependsOn']).toEqual([
        { name: 'platform-authorization' },
      ]);
      expect(byName.get('platform-waf')?.spec?.['dependsOn']).toEqual([
        { name: 'platform-gateway' },
      ]);
      expect(byName.get('auth-service')?.spec?.['dependsOn']).toEqual([
        { name: 'platform-authorization' },
        { name: 'platform-gateway' },
      ]);
      const endpoints = objects.find((object) => object.kind === 'ConfigMap');
      expect(endpoints?.data).toEqual({
        AUTHORIZATION_PLACEMENT: 'dedicated',
        GATEWAY_PLACEMENT: 'dedicated',
        LOGGING_PLACEMENT: 'dedicated',
        MONITORING_PLACEMENT: 'dedicated',
        WAF: 'cloudflare',
      });
    },
  );

  it.each(['dev', 'sue'])(
    '%s: no dedicated stacks or WAF, a shared platform-endpoints ConfigMap',
    (type) => {
      const input = inputFor(type, {
        settings: {
          ...SETTINGS,
          sharedEndpoints: {
            logging: 'https://logs.platform.example.test',
            gateway: 'kong.platform',
          },
        },
      });
      const objects = allObjects(renderEnvironment(input));
      const stacks = objects.filter(
        (object) => object.metadata?.labels?.['platform.example.io/component'] !== undefined,
      );
      expect(stacks).toEqual([]);
      expect(kustomizationsByName(objects).has('platform-waf')).toBe(false);
      const stacksFile = objectsOf(
        fileAt(renderEnvironment(input), 'environment/platform-stacks.yaml'),
      );
      expect(stacksFile).toHaveLength(1);
      const [endpoints] = stacksFile;
      expect(endpoints?.metadata).toMatchObject({
        name: 'platform-endpoints',
        namespace: `${type}-team1-feature-x`,
      });
      expect(endpoints?.data).toEqual({
        AUTHORIZATION_PLACEMENT: 'shared',
        GATEWAY_ENDPOINT: 'kong.platform',
        GATEWAY_PLACEMENT: 'shared',
        LOGGING_ENDPOINT: 'https://logs.platform.example.test',
        LOGGING_PLACEMENT: 'shared',
        MONITORING_PLACEMENT: 'shared',
        WAF: 'none',
      });
    },
  );

  it('bootstraps from the environment prefix of the rendered bucket', () => {
    for (const keyPrefix of [undefined, 'rendered/']) {
      const settings = { ...SETTINGS, bucket: { ...SETTINGS.bucket, keyPrefix } };
      const files = renderEnvironment(inputFor('dev', { settings }));
      const [bucket] = objectsOf(fileAt(files, 'bootstrap/bucket.yaml'));
      const [sync] = objectsOf(fileAt(files, 'bootstrap/sync.yaml'));
      const prefix = `${keyPrefix ?? ''}dev-team1-feature-x/environment`;
      expect(bucket?.spec).toMatchObject({
        bucketName: 'rendered',
        endpoint: 'minio.platform.example.test:9000',
        prefix: `${prefix}/`,
        insecure: true,
        secretRef: { name: 'rendered-bucket' },
      });
      expect(sync?.spec).toMatchObject({
        sourceRef: { kind: 'Bucket', name: bucket?.metadata.name },
        path: `./${prefix}`,
        prune: true,
      });
      // The folder Flux applies holds the environment's kustomization.yaml, once the files
      // are written under `<keyPrefix><environment>/`.
      expect(`${keyPrefix ?? ''}dev-team1-feature-x/environment/kustomization.yaml`).toBe(
        `${prefix}/${fileAt(files, 'environment/kustomization.yaml').path.slice('environment/'.length)}`,
      );
    }
  });

  it('is deterministic: equal input, in any service order, gives the same bytes', () => {
    const first = renderEnvironment(inputFor('staging'));
    const again = renderEnvironment(structuredClone(inputFor('staging')));
    const reversed = renderEnvironment(inputFor('staging', { services: [...SERVICES].reverse() }));
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
  });

  it('changes only the service file when one digest changes', () => {
    const before = renderEnvironment(inputFor('dev'));
    const services = SERVICES.map((s) =>
      s.name === 'auth-service' ? service('auth-service', 'v2.1.1') : s,
    );
    const after = renderEnvironment(inputFor('dev', { services }));
    const changed = after
      .filter((file, index) => file.content !== before[index]?.content)
      .map((file) => file.path);
    expect(changed).toEqual(['environment/services/auth-service.yaml']);
  });

  it('renders an environment without services', () => {
    const files = renderEnvironment(inputFor('sue', { services: [] }));
    const [kustomize] = objectsOf(fileAt(files, 'environment/kustomization.yaml'));
    expect(kustomize?.['resources']).toEqual([
      'infisical.yaml',
      'namespace.yaml',
      'platform-stacks.yaml',
    ]);
  });

  it('refuses a bad digest, a reserved name and a dependency outside the render', () => {
    const bad = service('user-service', 'v1.2.3', ['billing'], {
      deployment: {
        repository: 'oci-releases/user-service-ansible',
        tag: 'v1.2.3',
        digest: 'v1.2.3',
      },
    });
    const reserved = service('platform-gateway', 'v1.0.0');
    try {
      renderEnvironment(inputFor('dev', { services: [bad, reserved] }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).errors.map((problem) => problem.path)).toEqual([
        'services.user-service.dependsOn',
        'services.user-service.deployment.digest',
        'services.platform-gateway',
      ]);
    }
  });
});
