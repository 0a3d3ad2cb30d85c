import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../src/domain/environment-types/catalogue.js';
import {
  DEFAULT_INFISICAL_SETTINGS,
  renderEnvironment,
} from '../../src/domain/render/render-environment.js';
import type { RenderedFile } from '../../src/domain/render/render-input.js';
import {
  infisicalCrdFixture,
  infisicalSecretValidator,
  terraformObjectValidator,
} from './infisical-crd.js';
import {
  fileAt,
  inputFor,
  objectsOf,
  service,
  SERVICES,
  SETTINGS,
  TYPE_NAMES,
  type KubeObject,
} from './render-fixtures.js';
import { loadProvidersSchema, terraformErrors } from './terraform-schema.js';

const SCHEMA = loadProvidersSchema(
  new URL('../fixtures/infisical/providers-schema.json', import.meta.url),
);
const validateSecret = infisicalSecretValidator();
const validateTerraformObject = terraformObjectValidator();

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   the rendered JSON is walked by path here; terraformErrors and the CRD check vouch for its shape */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = Record<string, any>;

function terraformOf(files: readonly RenderedFile[]): Json {
  return JSON.parse(fileAt(files, 'infisical/main.tf.json').content) as Json;
}

function secretsOf(files: readonly RenderedFile[]): KubeObject[] {
  return objectsOf(fileAt(files, 'environment/infisical/secrets.yaml'));
}

/** Per role, the `secretPath` conditions it grants, from the rendered JSON conditions. */
function grantedPaths(terraform: Json): Map<string, { environment: unknown; paths: unknown[] }> {
  const roles = terraform['resource']['infisical_project_role'] as Record<string, Json>;
  return new Map(
    Object.entries(roles).map(([key, role]) => {
      const conditions = (role['permissions_v2'] as Json[]).map(
        (permission) => JSON.parse(permission['conditions'] as string) as Json,
      );
      return [
        key,
        {
          environment: conditions[0]?.['environment'],
          paths: conditions.map((condition) => condition['secretPath']),
        },
      ];
    }),
  );
}

const clone = <T>(value: T): T => structuredClone(value);

describe('Infisical: the Terraform JSON against the providers schema', () => {
  it.each(TYPE_NAMES)('%s: every resource, data source and provider block conforms', (type) => {
    const terraform = terraformOf(renderEnvironment(inputFor(type)));
    expect(terraformErrors(SCHEMA, terraform)).toEqual([]);
    expect(Object.keys(terraform['resource']).length).toBeGreaterThanOrEqual(6);
  });

  it('fails on an unknown attribute, a missing required one, a wrong type and a computed one', () => {
    const good = terraformOf(renderEnvironment(inputFor('prod')));
    const unknown = clone(good);
    unknown['resource']['infisical_identity']['flux']['permissions'] = [];
    const missing = clone(good);
    delete missing['resource']['infisical_project_identity']['flux']['roles'];
    const wrongType = clone(good);
    wrongType['resource']['infisical_identity_kubernetes_auth']['flux']['access_token_ttl'] = '1h';
    const computed = clone(good);
    computed['resource']['infisical_project']['environment']['id'] = 'fixed';
    const nested = clone(good);
    nested['resource']['infisical_project_role']['flux']['permissions_v2'][0]['actions'] = ['read'];
    const badReference = clone(good);
    badReference['resource']['infisical_project_identity']['flux']['identity_id'] =
      '${infisical_identity.nobody.id}';
    const tooManyMetadata = clone(good);
    const configMap = tooManyMetadata['resource']['kubernetes_config_map_v1']['identities'];
    configMap['metadata'] = [...configMap['metadata'], ...configMap['metadata']];
    expect(terraformErrors(SCHEMA, unknown)).toEqual([
      'resource.infisical_identity.flux.permissions: unknown attribute',
    ]);
    expect(terraformErrors(SCHEMA, missing)).toEqual([
      'resource.infisical_project_identity.flux.roles: required attribute missing',
    ]);
    expect(terraformErrors(SCHEMA, wrongType)).toEqual([
      'resource.infisical_identity_kubernetes_auth.flux.access_token_ttl: expected number, got "1h"',
    ]);
    expect(terraformErrors(SCHEMA, computed)).toEqual([
      'resource.infisical_project.environment.id: computed only, cannot be set',
    ]);
    expect(terraformErrors(SCHEMA, nested)).toEqual([
      'resource.infisical_project_role.flux.permissions_v2[0].actions: unknown attribute',
    ]);
    expect(terraformErrors(SCHEMA, badReference)).toEqual([
      'infisical_identity.nobody.id: no such resource',
    ]);
    expect(terraformErrors(SCHEMA, tooManyMetadata)).toEqual([
      'resource.kubernetes_config_map_v1.identities.metadata: at most 1 block(s)',
    ]);
  });

  it('names its sources: the provider tags and commits the fixture was transcribed from', () => {
    const fixture = loadProvidersSchema(
      new URL('../fixtures/infisical/providers-schema.json', import.meta.url),
    ) as unknown as Json;
    expect(fixture['x_source']['registry.terraform.io/infisical/infisical']).toMatchObject({
      tag: 'v0.19.24',
      commit: 'e64b1b7a4a6173e047ea78f02f594a104ac77c48',
    });
    expect(Object.keys(fixture['provider_schemas'])).toEqual([
      'registry.terraform.io/infisical/infisical',
      'registry.terraform.io/hashicorp/kubernetes',
    ]);
  });

  it('holds no secret: credentials are variables or the applier environment', () => {
    const text = fileAt(renderEnvironment(inputFor('prod')), 'infisical/main.tf.json').content;
    const terraform = JSON.parse(text) as Json;
    expect(terraform['provider']['infisical']).toEqual({
      host: 'http://infisical.platform.svc:8080',
    });
    expect(Object.keys(terraform['variable'])).toEqual(['kubeconfig']);
    expect(terraform['variable']['kubeconfig']['sensitive']).toBe(true);
    expect(terraform['provider']['kubernetes']['host']).toBe('${local.cluster.server}');
    expect(text).not.toMatch(/client_secret|token_reviewer_jwt|service_token/);
  });
});

describe('Infisical: projects, paths and lifetimes per type', () => {
  it('staging and prod get a dedicated project with the type as its one environment', () => {
    for (const type of ['staging', 'prod']) {
      const name = `${type}-team1-feature-x`;
      const files = renderEnvironment(inputFor(type));
      const resource = terraformOf(files)['resource'];
      expect(resource['infisical_project']['environment']).toMatchObject({
        slug: name,
        should_create_default_envs: false,
      });
      expect(resource['infisical_project_environment']['environment']).toMatchObject({
        slug: type,
        project_id: '${infisical_project.environment.id}',
      });
      for (const secret of secretsOf(files))
        expect(secret.spec?.['authentication']).toMatchObject({
          kubernetesAuth: { secretsScope: { projectSlug: name, envSlug: type } },
        });
    }
  });

  it("dev and sue use the platform's shared project, by slug, and create no project", () => {
    for (const type of ['dev', 'sue']) {
      const files = renderEnvironment(inputFor(type));
      const terraform = terraformOf(files);
      expect(terraform['resource']['infisical_project']).toBeUndefined();
      expect(terraform['data']).toEqual({
        infisical_projects: { shared: { slug: 'platform-shared' } },
      });
      const folders = terraform['resource']['infisical_project_secret_folder'] as Json;
      for (const folder of Object.values(folders))
        expect(folder['project_id']).toBe('${data.infisical_projects.shared.id}');
      for (const secret of secretsOf(files))
        expect(secret.spec?.['authentication']).toMatchObject({
          kubernetesAuth: { secretsScope: { projectSlug: 'platform-shared', envSlug: type } },
        });
    }
    const custom = renderEnvironment(
      inputFor('dev', {
        settings: {
          ...SETTINGS,
          infisical: {
            ...DEFAULT_INFISICAL_SETTINGS,
            hostAPI: 'https://vault.example/api',
            sharedProject: 'idp',
          },
        },
      }),
    );
    expect(terraformOf(custom)['data']['infisical_projects']['shared']['slug']).toBe('idp');
    expect(secretsOf(custom)[0]?.spec?.['hostAPI']).toBe('https://vault.example/api');
  });

  it('the placement follows the type setting, not the type name', () => {
    const staging = DEFAULT_ENVIRONMENT_TYPES['staging'];
    if (!staging) throw new Error('no staging');
    const shared = renderEnvironment(
      inputFor('staging', {
        environmentType: { ...staging, secrets: { ...staging.secrets, project: 'shared' } },
      }),
    );
    expect(terraformOf(shared)['resource']['infisical_project']).toBeUndefined();
  });

  it('Flux reads /<environment>, each service only /<environment>/<service>', () => {
    const files = renderEnvironment(inputFor('dev'));
    const granted = grantedPaths(terraformOf(files));
    expect(granted.get('flux')).toEqual({
      environment: { $eq: 'dev' },
      paths: [
        { $eq: '/dev-team1-feature-x' },
        { $glob: '/dev-team1-feature-x/**' },
        { $eq: '/dev-team1-feature-x' },
        { $glob: '/dev-team1-feature-x/**' },
      ],
    });
    expect(granted.get('service_user_service')?.paths).toContainEqual({
      $glob: '/dev-team1-feature-x/user-service/**',
    });
    expect([...granted.keys()].sort()).toEqual([
      'flux',
      'service_api_gateway',
      'service_auth_service',
      'service_user_service',
    ]);
    const roles = terraformOf(files)['resource']['infisical_project_role'] as Json;
    for (const role of Object.values(roles))
      for (const permission of role['permissions_v2'] as Json[])
        expect(['describeSecret', 'readValue', 'read']).toEqual(
          expect.arrayContaining(permission['action'] as string[]),
        );
    const byName = new Map(secretsOf(files).map((secret) => [secret.metadata.name, secret]));
    expect(byName.get('environment-secrets')?.spec?.['authentication']).toMatchObject({
      kubernetesAuth: {
        identityId: '${INFISICAL_IDENTITY_FLUX_SYSTEM}',
        serviceAccountRef: { name: 'infisical-flux', namespace: 'flux-system' },
        secretsScope: { secretsPath: '/dev-team1-feature-x', recursive: false },
      },
    });
    expect(byName.get('user-service-secrets')?.metadata.namespace).toBe('dev-team1-feature-x');
    expect(byName.get('user-service-secrets')?.spec?.['managedKubeSecretReferences']).toEqual([
      {
        secretName: 'user-service-secrets',
        secretNamespace: 'dev-team1-feature-x',
        creationPolicy: 'Owner',
      },
    ]);
  });

  it('token lifetimes come from the type: short for sue', () => {
    const auth = (type: string) =>
      terraformOf(renderEnvironment(inputFor(type)))['resource'][
        'infisical_identity_kubernetes_auth'
      ] as Json;
    for (const identity of Object.values(auth('sue')))
      expect([identity['access_token_ttl'], identity['access_token_max_ttl']]).toEqual([900, 3600]);
    for (const identity of Object.values(auth('prod')))
      expect([identity['access_token_ttl'], identity['access_token_max_ttl']]).toEqual([
        3600, 86400,
      ]);
    const user = auth('dev')['service_user_service'] as Json;
    expect(user).toMatchObject({
      allowed_namespaces: ['dev-team1-feature-x'],
      allowed_service_account_names: ['user-service-infisical'],
      identity_id: '${infisical_identity.service_user_service.id}',
    });
  });

  it('renders no Infisical file when settings.infisical is null', () => {
    const files = renderEnvironment(
      inputFor('dev', { settings: { ...SETTINGS, infisical: null } }),
    );
    expect(files.filter((file) => file.path.includes('infisical'))).toEqual([]);
  });
});

describe('Infisical: the objects the environment cluster applies', () => {
  it.each(TYPE_NAMES)('%s: every InfisicalSecret is valid against the CRD', (type) => {
    const secrets = secretsOf(renderEnvironment(inputFor(type)));
    expect(secrets).toHaveLength(SERVICES.length + 1);
    for (const secret of secrets) expect(validateSecret(secret)).toEqual([]);
  });

  it('the CRD check fails on an unknown field, a missing identity and a wrong type', () => {
    const [secret] = secretsOf(renderEnvironment(inputFor('dev')));
    const auth = (object: Json) => object['spec']['authentication']['kubernetesAuth'] as Json;
    const unknown = clone(secret) as Json;
    auth(unknown)['secretScope'] = {};
    const missing = clone(secret) as Json;
    delete auth(missing)['identityId'];
    const wrongType = clone(secret) as Json;
    auth(wrongType)['secretsScope']['recursive'] = 'yes';
    for (const bad of [unknown, missing, wrongType]) expect(validateSecret(bad)).not.toEqual([]);
    expect(infisicalCrdFixture().source).toMatchObject({
      tag: 'infisical-k8-operator/v0.11.5',
      commit: '8a8a6c7ba4b0d28a16db2e9d4c2972775d9ce57b',
    });
  });

  it('platform-secrets applies environment/infisical with the ids from the Terraform ConfigMap', () => {
    const files = renderEnvironment(inputFor('prod'));
    const [kustomization] = objectsOf(fileAt(files, 'environment/infisical.yaml'));
    expect(kustomization?.metadata.name).toBe('platform-secrets');
    expect(kustomization?.spec).toMatchObject({
      sourceRef: { kind: 'Bucket', name: 'platform-environment' },
      path: './prod-team1-feature-x/environment/infisical',
      postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'infisical-identities' }] },
    });
    const configMap = terraformOf(files)['resource']['kubernetes_config_map_v1']['identities'];
    expect(configMap['metadata'][0]).toMatchObject({
      name: 'infisical-identities',
      namespace: 'flux-system',
    });
    // Every variable an InfisicalSecret uses is a key the Terraform writes.
    const variables = secretsOf(files).map(
      (secret) =>
        /^\$\{(\w+)\}$/.exec(
          (secret.spec?.['authentication'] as Json)['kubernetesAuth']['identityId'] as string,
        )?.[1],
    );
    expect(variables.sort()).toEqual(Object.keys(configMap['data']).sort());
    const [review] = objectsOf(fileAt(files, 'environment/infisical/service-accounts.yaml')).filter(
      (object) => object.kind === 'ClusterRoleBinding',
    );
    expect(review?.['roleRef']).toMatchObject({ name: 'system:auth-delegator' });
    expect((review?.['subjects'] as unknown[]).length).toBe(SERVICES.length + 1);
  });

  it.each(TYPE_NAMES)(
    '%s: the platform applies the Terraform with tofu-controller, valid against its CRD',
    (type) => {
      const files = renderEnvironment(inputFor(type));
      const [applier] = objectsOf(fileAt(files, 'platform/infisical-terraform.yaml'));
      expect(validateTerraformObject(applier)).toEqual([]);
      expect(applier?.metadata.namespace).toBe('platform-environments');
      expect(applier?.spec).toMatchObject({
        approvePlan: 'auto',
        destroyResourcesOnDeletion: true,
        path: `./${type}-team1-feature-x/infisical`,
        sourceRef: { kind: 'Bucket', name: 'rendered-environments', namespace: 'flux-system' },
        varsFrom: [
          { kind: 'Secret', name: `${type}-team1-feature-x-kubeconfig`, varsKeys: ['kubeconfig'] },
        ],
      });
      // The variable it passes is the one the Terraform declares.
      expect(Object.keys(terraformOf(files)['variable'])).toEqual(['kubeconfig']);
      const bad = clone(applier) as Json;
      bad['spec']['approvePlan'] = true;
      bad['spec']['sourceRef'] = { name: 'x' };
      expect(validateTerraformObject(bad).length).toBeGreaterThanOrEqual(2);
    },
  );

  it('keeps label-bound names within 63 characters for the longest environment names', () => {
    const name = `dev-${'x'.repeat(59)}`;
    const files = renderEnvironment(inputFor('dev', {}, name));
    const [applier] = objectsOf(fileAt(files, 'platform/infisical-terraform.yaml'));
    expect(applier?.metadata.name.length).toBeLessThanOrEqual(63);
    const roles = terraformOf(files)['resource']['infisical_project_role'] as Json;
    for (const role of Object.values(roles)) expect(role['slug']).toMatch(/^[a-z0-9-]{1,63}$/);
  });

  it('refuses a service named like the Infisical Kustomization', () => {
    expect(() =>
      renderEnvironment(inputFor('dev', { services: [service('platform-secrets', 'v1.0.0')] })),
    ).toThrow(
      expect.objectContaining({
        errors: [expect.objectContaining({ path: 'services.platform-secrets' })],
      }),
    );
  });
});

describe('Infisical: scoping over random environments', () => {
  it('environments sharing a project never share a role slug, even when names run together', () => {
    const services = [service('b-c', 'v1.0.0'), service('c', 'v1.0.0')];
    const slugs = (name: string) =>
      Object.values(
        terraformOf(renderEnvironment(inputFor('dev', { services }, name)))['resource'][
          'infisical_project_role'
        ] as Json,
      ).map((role) => role['slug'] as string);
    // dev-a + b-c and dev-a-b + c would both be "dev-a-b-c" without the hash.
    const first = slugs('dev-a');
    const second = slugs('dev-a-b');
    expect(first.filter((slug) => second.includes(slug))).toEqual([]);
    for (const slug of [...first, ...second]) expect(slug).toMatch(/^[a-z0-9-]{1,63}$/);
  });

  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/);
  it('no identity reads outside its own folder; two environments share no identity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPE_NAMES),
        label,
        label,
        fc.uniqueArray(label, { maxLength: 4 }),
        (type, first, second, serviceNames) => {
          fc.pre(first !== second);
          const services = serviceNames
            .filter((name) => !name.startsWith('platform-') && name !== 'flux-system')
            .map((name) => service(name, 'v1.0.0'));
          const render = (name: string) =>
            terraformOf(renderEnvironment(inputFor(type, { services }, `${type}-${name}`)));
          const a = render(first);
          const b = render(second);
          for (const [key, granted] of grantedPaths(a)) {
            const folder =
              key === 'flux'
                ? `/${type}-${first}`
                : `/${type}-${first}/${services.find((s) => `service_${s.name.replaceAll('-', '_')}` === key)?.name}`;
            expect(granted.environment).toEqual({ $eq: type });
            for (const path of granted.paths)
              expect([{ $eq: folder }, { $glob: `${folder}/**` }]).toContainEqual(path);
          }
          const names = (terraform: Json) =>
            Object.values(terraform['resource']['infisical_identity'] as Json).map(
              (identity) => identity['name'] as string,
            );
          expect(new Set(names(a)).size).toBe(services.length + 1);
          expect(names(a).filter((name) => names(b).includes(name))).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
