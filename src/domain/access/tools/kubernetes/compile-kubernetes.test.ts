import { ClusterRole, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { AccessFile } from '../../access-output.js';
import { cdPipelineTemplatePath, CD_PIPELINE_NAMESPACES } from './cd-pipeline-template.js';
import {
  AGGREGATE_TO_VIEW,
  aggregationLabel,
  defaultsRoleName,
  KUBEROCKETCI_VIEW_ROLE,
  TENANT_CLUSTER_ROLES,
} from './cluster-roles.js';
import { CLUSTER_ROLES_PATH, compileKubernetes } from './compile-kubernetes.js';

const MODELS = { Namespace, RoleBinding, ClusterRole } as const;
type KubernetesObject = Namespace | RoleBinding | ClusterRole;

/** A generated file read back the way kubectl would: YAML documents into model objects. */
function objectsOf(file: AccessFile | undefined): KubernetesObject[] {
  if (!file) throw new Error('file missing');
  return parseAllDocuments(file.content).map((document) => {
    const data = document.toJS() as { kind: keyof typeof MODELS };
    const Model = MODELS[data.kind];
    expect(Model, `unexpected kind ${data.kind}`).toBeDefined();
    const object = new Model(data as never);
    expect(object.toJSON()).toEqual(data);
    return object;
  });
}

const output = compileKubernetes(compileAccessGraph(exampleModel()));
const fileAt = (path: string): AccessFile | undefined =>
  output.files.find((file) => file.path === path);
const bindingsIn = (namespace: string): RoleBinding[] =>
  objectsOf(fileAt(`kubernetes/namespaces/${namespace}.yaml`)).filter(
    (object): object is RoleBinding => object.kind === 'RoleBinding',
  );

describe('compileKubernetes on examples/tenancy.yaml', () => {
  it('writes objects that pass their kubernetes-models schema after a YAML round trip', () => {
    expect(output.files.length).toBeGreaterThan(10);
    for (const file of output.files) for (const object of objectsOf(file)) object.validate();
  });

  it('would notice a broken object: validation is not a no-op', () => {
    const broken = new RoleBinding({
      metadata: { name: 'tenant-viewer', namespace: 'edp' },
      subjects: [{ kind: 'Group', name: 'edp-oidc-viewers' }],
    } as never);
    expect(() => broken.validate()).toThrow(/roleRef/);
    const badRule = new ClusterRole({
      metadata: { name: 'tenant-builder-defaults' },
      rules: [{ apiGroups: ['tekton.dev'], resources: ['pipelineruns'], verbs: 'create' }],
    } as never);
    expect(() => badRule.validate()).toThrow();
  });

  it('binds edp exactly as seed 001’s Cluster RBAC Resources table', () => {
    const table = bindingsIn('edp').map((binding) => ({
      name: binding.metadata?.name,
      role: binding.roleRef.name,
      kind: binding.roleRef.kind,
      groups: (binding.subjects ?? []).filter((s) => s.kind === 'Group').map((s) => s.name),
    }));
    expect(table).toEqual([
      {
        name: 'tenant-admin',
        role: 'cluster-admin',
        kind: 'ClusterRole',
        groups: ['edp-oidc-admins'],
      },
      {
        name: 'tenant-builder',
        role: 'tenant-builder',
        kind: 'ClusterRole',
        groups: ['edp-oidc-builders'],
      },
      {
        name: 'tenant-deployer',
        role: 'tenant-deployer',
        kind: 'ClusterRole',
        groups: ['edp-oidc-deployers'],
      },
      {
        name: 'tenant-developer',
        role: 'tenant-developer',
        kind: 'ClusterRole',
        groups: ['edp-oidc-developers'],
      },
      {
        name: 'tenant-viewer',
        role: 'view',
        kind: 'ClusterRole',
        groups: ['edp-oidc-developers', 'edp-oidc-viewers'],
      },
    ]);
  });

  it('adds listed users and IdP-client service accounts as User subjects, sorted', () => {
    const [admin, , , developer] = bindingsIn('edp');
    expect(admin?.subjects?.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'Group edp-oidc-admins',
      'User olena@edp.example',
    ]);
    expect(developer?.subjects?.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'Group edp-oidc-developers',
      'User gitlab-ci-edp',
      'User olena@edp.example',
      'User taras@edp.example',
    ]);
    expect(developer?.subjects?.every((s) => s.apiGroup === 'rbac.authorization.k8s.io')).toBe(
      true,
    );
  });

  it('binds Kubernetes service accounts as ServiceAccount of their namespace, no apiGroup', () => {
    const [, builder, , , viewer] = bindingsIn('edp');
    for (const binding of [builder, viewer])
      expect(binding?.subjects).toContainEqual({
        kind: 'ServiceAccount',
        name: 'edp-tekton',
        namespace: 'edp',
      });
    expect(viewer?.subjects?.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'Group edp-oidc-developers',
      'Group edp-oidc-viewers',
      'ServiceAccount edp-tekton',
      'User gitlab-ci-edp',
      'User olena@edp.example',
      'User taras@edp.example',
    ]);
    const grants = output.grants.filter((grant) => grant.subject.name === 'edp-tekton');
    expect(grants.map((grant) => grant.permission)).toEqual([
      'ClusterRole tenant-builder',
      'ClusterRole view',
    ]);
    // Without a kubernetes entry the same member would be a User.
    const model = exampleModel();
    model.serviceAccounts = model.serviceAccounts.filter((sa) => sa.name !== 'edp-tekton');
    const plain = compileKubernetes(compileAccessGraph(model)).files.find(
      (file) => file.path === 'kubernetes/namespaces/edp.yaml',
    );
    expect(plain?.content).toContain('kind: User\n    name: edp-tekton');
    expect(plain?.content).not.toContain('ServiceAccount');
  });

  it('gives koa (no customer admin) no tenant-admin, and omits bindings without subjects', () => {
    for (const namespace of ['koa-dev', 'koa-test', 'koa-prod'])
      expect(bindingsIn(namespace).map((binding) => binding.metadata?.name)).toEqual([
        'tenant-developer',
        'tenant-viewer',
      ]);
  });

  it('labels each namespace with its product and organization', () => {
    const [namespace] = objectsOf(fileAt('kubernetes/namespaces/koa-dev.yaml'));
    expect(namespace?.kind).toBe('Namespace');
    expect(namespace?.metadata?.labels).toMatchObject({
      'platform.example.io/product': 'koa',
      'platform.example.io/organization': 'jppol',
    });
    expect(fileAt('kubernetes/namespaces/koa-dev.yaml')?.objects).toEqual([
      'Namespace koa-dev',
      'RoleBinding koa-dev/tenant-developer',
      'RoleBinding koa-dev/tenant-viewer',
    ]);
  });

  it('defines aggregated tenant ClusterRoles and labelled defaults that feed them', () => {
    const roles = objectsOf(fileAt(CLUSTER_ROLES_PATH)) as ClusterRole[];
    for (const role of TENANT_CLUSTER_ROLES) {
      const aggregated = roles.find((candidate) => candidate.metadata?.name === role);
      const defaults = roles.find(
        (candidate) => candidate.metadata?.name === defaultsRoleName(role),
      );
      expect(aggregated?.aggregationRule?.clusterRoleSelectors).toEqual([
        { matchLabels: { [aggregationLabel(role)]: 'true' } },
      ]);
      expect(aggregated?.rules).toEqual([]);
      expect(defaults?.metadata?.labels?.[aggregationLabel(role)]).toBe('true');
      expect(defaults?.rules?.length).toBeGreaterThan(0);
    }
    expect(aggregationLabel('tenant-builder')).toBe(
      'platform.example.io/aggregate-to-tenant-builder',
    );
    const builder = roles.find((role) => role.metadata?.name === 'tenant-builder-defaults');
    expect(builder?.rules).toEqual([
      { apiGroups: ['tekton.dev'], resources: ['pipelineruns'], verbs: ['create'] },
    ]);
  });

  it('grants one entry per subject and RoleBinding, with the normalised level', () => {
    const edp = output.grants.filter((grant) => grant.namespace === 'edp');
    expect(edp).toHaveLength(2 + 2 + 1 + 4 + 6);
    expect(edp).toContainEqual({
      tool: 'kubernetes',
      subject: { kind: 'serviceAccount', name: 'gitlab-ci-edp' },
      permission: 'ClusterRole tenant-developer',
      level: 'write',
      product: 'edp',
      namespace: 'edp',
      file: 'kubernetes/namespaces/edp.yaml',
    });
    const levels = new Map(edp.map((grant) => [grant.permission, grant.level]));
    expect(Object.fromEntries(levels)).toEqual({
      'ClusterRole cluster-admin': 'admin',
      'ClusterRole tenant-builder': 'write',
      'ClusterRole tenant-deployer': 'write',
      'ClusterRole tenant-developer': 'write',
      'ClusterRole view': 'read',
    });
    expect(output.grants.some((grant) => grant.product === 'koa' && grant.level === 'admin')).toBe(
      false,
    );
  });

  it('is deterministic and writes every product namespace once', () => {
    const again = compileKubernetes(compileAccessGraph(exampleModel()));
    expect(again).toEqual(output);
    const namespaces = exampleModel().organizations.flatMap((o) =>
      o.products.flatMap((p) => p.namespaces),
    );
    expect(output.files.map((file) => file.path)).toEqual(
      [
        CLUSTER_ROLES_PATH,
        cdPipelineTemplatePath('edp'),
        ...namespaces.map((n) => `kubernetes/namespaces/${n}.yaml`),
      ].sort(),
    );
  });

  it('refuses a namespace listed by two products', () => {
    const model = exampleModel();
    const products = model.organizations.flatMap((organization) => organization.products);
    products.find((product) => product.name === 'ai')?.namespaces.push('koa-dev');
    expect(() => compileKubernetes(compileAccessGraph(model))).toThrow(TypeError);
  });

  it('quotes namespaces YAML would read as something else, as a full dump would', () => {
    const model = tenancySchema.parse({
      organizations: [
        {
          name: 'o',
          products: [
            {
              name: 'p',
              namespaces: ['true', '0123', 'p-dev'],
              members: [{ user: 'ann', role: 'developer' }],
            },
          ],
        },
      ],
    });
    const files = compileKubernetes(compileAccessGraph(model)).files;
    for (const namespace of ['true', '0123', 'p-dev']) {
      const file = files.find((f) => f.path === `kubernetes/namespaces/${namespace}.yaml`);
      const documents = parseAllDocuments(file?.content ?? '').map(
        (document) => document.toJSON() as { metadata: { name: string; namespace?: string } },
      );
      expect(documents[0]?.metadata.name).toBe(namespace);
      expect(documents.slice(1).map((document) => document.metadata.namespace)).toEqual([
        namespace,
        namespace,
      ]);
    }
  });
});

/** A small model: one organization with the given settings and products. */
const small = (organization: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  tenancySchema.parse({ ...top, organizations: [{ name: 'o', ...organization }] });

describe('KubeRocketCI objects (seed 001)', () => {
  const roles = (model = exampleModel()): ClusterRole[] =>
    objectsOf(
      compileKubernetes(compileAccessGraph(model)).files.find((f) => f.path === CLUSTER_ROLES_PATH),
    ) as ClusterRole[];

  it('defines edp-aggregate-view-edp: read of KubeRocketCI’s API groups, aggregated into view', () => {
    const view = roles().find((role) => role.metadata?.name === KUBEROCKETCI_VIEW_ROLE);
    expect(view?.metadata?.labels?.[AGGREGATE_TO_VIEW]).toBe('true');
    expect(AGGREGATE_TO_VIEW).toBe('rbac.authorization.k8s.io/aggregate-to-view');
    expect(view?.rules).toEqual([
      {
        apiGroups: ['edp.epam.com', 'v2.edp.epam.com'],
        resources: ['*'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    expect(view?.aggregationRule).toBeUndefined();
  });

  it('leaves it out of a model without KubeRocketCI', () => {
    const model = small({
      products: [{ name: 'p', namespaces: ['p'], tools: { grafana: ['write'] } }],
    });
    const names = roles(model).map((role) => role.metadata?.name);
    expect(names).toHaveLength(TENANT_CLUSTER_ROLES.length * 2);
    expect(names).not.toContain(KUBEROCKETCI_VIEW_ROLE);
    const withPipeline = small({ cdPipelineNamespaces: true, products: [{ name: 'p' }] });
    expect(roles(withPipeline).map((role) => role.metadata?.name)).toContain(
      KUBEROCKETCI_VIEW_ROLE,
    );
  });

  it('renders the tenant-admin template: admin to admins and developers, no namespace', () => {
    const output = compileKubernetes(compileAccessGraph(exampleModel()));
    const file = output.files.find((f) => f.path === cdPipelineTemplatePath('edp'));
    expect(file?.path).toBe('kubernetes/cd-pipeline/edp/tenant-admin.yaml');
    const [binding, ...rest] = objectsOf(file) as RoleBinding[];
    expect(rest).toEqual([]);
    binding?.validate();
    expect(binding?.metadata?.name).toBe('tenant-admin');
    expect(binding?.metadata?.namespace).toBeUndefined();
    expect(binding?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    });
    expect(binding?.subjects?.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'Group edp-oidc-admins',
      'Group edp-oidc-developers',
      'User gitlab-ci-edp',
      'User olena@edp.example',
      'User taras@edp.example',
    ]);
    const grants = output.grants.filter((grant) => grant.file === file?.path);
    expect(grants).toHaveLength(5);
    expect(grants[0]).toMatchObject({
      tool: 'kubernetes',
      permission: 'ClusterRole admin',
      level: 'admin',
      product: 'edp',
      namespace: CD_PIPELINE_NAMESPACES,
    });
    // Only organizations whose CD pipeline creates namespaces get one.
    expect(output.files.filter((f) => f.path.startsWith('kubernetes/cd-pipeline/'))).toHaveLength(
      1,
    );
  });

  it('binds no admins in the template where the product gives customers no admin', () => {
    const model = small({
      cdPipelineNamespaces: true,
      groupNaming: { roles: 'edp-oidc-{role}s', roleGroups: ['admin', 'developer'] },
      products: [{ name: 'p', namespaces: ['p'], members: [{ user: 'ann', role: 'developer' }] }],
    });
    const file = compileKubernetes(compileAccessGraph(model)).files.find(
      (f) => f.path === cdPipelineTemplatePath('p'),
    );
    const [binding] = objectsOf(file) as RoleBinding[];
    expect(binding?.subjects?.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'Group edp-oidc-developers',
      'User ann',
    ]);
  });
});
