import { ClusterRole, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { AccessFile } from '../../access-output.js';
import { aggregationLabel, defaultsRoleName, TENANT_CLUSTER_ROLES } from './cluster-roles.js';
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

  it('adds listed users and service accounts as User subjects, sorted', () => {
    const [admin, , , developer, viewer] = bindingsIn('edp');
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
    expect(viewer?.subjects?.every((s) => s.apiGroup === 'rbac.authorization.k8s.io')).toBe(true);
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
    expect(edp).toHaveLength(2 + 1 + 1 + 4 + 5);
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
      [CLUSTER_ROLES_PATH, ...namespaces.map((n) => `kubernetes/namespaces/${n}.yaml`)].sort(),
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
