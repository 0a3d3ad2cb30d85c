import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { ConfigMap } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { AccessFile } from '../../access-output.js';
import { compileArgoCd } from './compile-argocd.js';
import { csvField, POLICY_FILE_PATH, RBAC_CONFIG_MAP_PATH } from './rbac-config-map.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';

/** A generated file read back as kubectl would, re-created as its kubernetes-models object. */
function objectOf<T extends AppProject | ConfigMap>(
  file: AccessFile | undefined,
  Model: new (data: never) => T,
): T {
  if (!file) throw new Error('file missing');
  const documents = parseAllDocuments(file.content);
  expect(documents).toHaveLength(1);
  const data = documents[0]?.toJS() as unknown;
  const object = new Model(data as never);
  expect(object.toJSON()).toEqual(data);
  return object;
}

const output = compileArgoCd(compileAccessGraph(exampleModel()));
const fileAt = (path: string): AccessFile | undefined =>
  output.files.find((file) => file.path === path);
const project = (name: string): AppProject =>
  objectOf(fileAt(`argocd/projects/${name}.yaml`), AppProject);
const rbac = objectOf(fileAt(RBAC_CONFIG_MAP_PATH), ConfigMap);
const policyCsv = fileAt(POLICY_FILE_PATH)?.content ?? '';

describe('compileArgoCd on examples/tenancy.yaml', () => {
  it('writes objects that pass their schema after a YAML round trip', () => {
    for (const file of output.files)
      if (file.path === RBAC_CONFIG_MAP_PATH) objectOf(file, ConfigMap).validate();
      else if (file.path !== POLICY_FILE_PATH) objectOf(file, AppProject).validate();
    expect(output.files.map((file) => file.path)).toContain('argocd/projects/valkyrie.yaml');
  });

  it('would notice a broken object: validation is not a no-op', () => {
    const broken = new AppProject({
      metadata: { name: 'koa', namespace: 'argocd' },
      spec: { roles: [{ policies: ['p, proj:koa:x, applications, get, koa/*, allow'] }] },
    } as never);
    expect(() => broken.validate()).toThrow(/name/);
    const badConfigMap = new ConfigMap({
      metadata: { name: 'argocd-rbac-cm' },
      data: { scopes: 1 },
    } as never);
    expect(() => badConfigMap.validate()).toThrow();
  });

  it('restricts koa’s AppProject to its namespaces, repository and no cluster resources', () => {
    const koa = project('koa');
    expect(koa.metadata).toMatchObject({ name: 'koa', namespace: 'argocd' });
    expect(koa.spec.destinations?.map((d) => d.namespace).sort()).toEqual([
      'koa-dev',
      'koa-prod',
      'koa-test',
    ]);
    expect(koa.spec.destinations?.every((d) => d.server === '*')).toBe(true);
    expect(koa.spec.sourceRepos).toEqual(['https://github.com/jppol-idp/apps-koa.git']);
    expect(koa.spec.sourceNamespaces).toEqual(['koa-dev', 'koa-prod', 'koa-test']);
    expect(koa.spec.clusterResourceWhitelist).toEqual([]);
    expect(koa.spec.namespaceResourceBlacklist).toContainEqual({
      group: 'rbac.authorization.k8s.io',
      kind: 'RoleBinding',
    });
  });

  it('binds koa’s per-namespace roles to seed 000’s groups', () => {
    const roles = project('koa').spec.roles ?? [];
    expect(roles.map((role) => [role.name, role.groups])).toEqual([
      ['koa-dev-write', ['koa-dev-argocd-write']],
      ['koa-prod-write', ['koa-prod-argocd-write']],
      ['koa-test-write', ['koa-test-argocd-write']],
    ]);
    expect(roles[0]?.policies).toEqual([
      'p, proj:koa:koa-dev-write, applications, get, koa/koa-dev/*, allow',
      'p, proj:koa:koa-dev-write, applications, sync, koa/koa-dev/*, allow',
      'p, proj:koa:koa-dev-write, applications, update, koa/koa-dev/*, allow',
      'p, proj:koa:koa-dev-write, applications, action/*, koa/koa-dev/*, allow',
      'p, proj:koa:koa-dev-write, logs, get, koa/koa-dev/*, allow',
    ]);
  });

  it('binds edp’s product-wide roles to seed 001’s realm groups', () => {
    const roles = project('edp').spec.roles ?? [];
    expect(roles.map((role) => [role.name, role.groups])).toEqual([
      ['admin', ['ArgoCDAdmins']],
      ['write', ['ArgoCD-edp-users']],
    ]);
    expect(roles[0]?.policies).toContain('p, proj:edp:admin, applications, *, edp/*, allow');
  });

  it('leaves a product without repositories unable to deploy anything', () => {
    expect(project('unicorn').spec.sourceRepos).toEqual([]);
    expect(project('unicorn').spec.roles).toEqual([]);
  });

  it('writes argocd-rbac-cm with no default access and the platform admins only', () => {
    expect(rbac.metadata).toMatchObject({ name: 'argocd-rbac-cm', namespace: 'argocd' });
    expect(rbac.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('argocd');
    expect(rbac.data?.['policy.default']).toBe('');
    expect(rbac.data?.scopes).toBe('[groups]');
    expect(rbac.data?.['policy.csv']).toBe('g, platform-admins, role:admin\n');
  });

  it('writes argocd/policy.csv with every project role as a global role, for offline checks', () => {
    const [header, ...lines] = policyCsv.trimEnd().split('\n');
    // Casbin skips `#` lines, so `argocd admin settings rbac can --policy-file` reads it as is.
    expect(header).toMatch(/^# Generated by `platformctl access render`/);
    expect(lines).toEqual(
      expect.arrayContaining([
        'p, role:koa:koa-dev-write, applications, sync, koa/koa-dev/*, allow',
        'p, role:koa:koa-dev-write, logs, get, koa/koa-dev/*, allow',
        'p, role:edp:admin, applications, *, edp/*, allow',
        'g, koa-dev-argocd-write, role:koa:koa-dev-write',
        'g, ArgoCDAdmins, role:edp:admin',
        'g, ArgoCD-edp-users, role:edp:write',
        'g, platform-admins, role:admin',
      ]),
    );
    // Each role's `p` lines, then its groups; every line once.
    const koaDevWrite = lines.filter((line) => line.includes('role:koa:koa-dev-write'));
    expect(koaDevWrite.at(-1)).toBe('g, koa-dev-argocd-write, role:koa:koa-dev-write');
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('gives every project role its own global role, even where names would run together', () => {
    const model = tenancySchema.parse({
      organizations: [
        {
          name: 'acme',
          products: [
            {
              name: 'a',
              namespaces: ['b-c'],
              repositories: ['acme/a'],
              tools: { argocd: ['write'] },
            },
            {
              name: 'a-b',
              namespaces: ['c'],
              repositories: ['acme/ab'],
              tools: { argocd: ['read'] },
            },
          ],
        },
      ],
    });
    const csv = compileArgoCd(compileAccessGraph(model)).files.find(
      (file) => file.path === POLICY_FILE_PATH,
    )?.content;
    expect(csv).toContain('g, b-c-argocd-write, role:a:b-c-write\n');
    expect(csv).toContain('g, c-argocd-read, role:a-b:c-read\n');
    expect(csv).not.toContain('p, role:a-b:c-read, applications, sync');
  });

  it('keeps argocd-rbac-cm the same size however many products there are (1 MiB API limit)', () => {
    const modelOf = (products: number) =>
      tenancySchema.parse({
        platformAdmins: { groups: ['platform-admins'] },
        organizations: [
          {
            name: 'acme',
            products: Array.from({ length: products }, (_, i) => ({
              name: `team-${i}`,
              namespaces: [`team-${i}-dev`, `team-${i}-prod`],
              repositories: [`acme/team-${i}`],
              tools: { argocd: ['read', 'write'] },
            })),
          },
        ],
      });
    const sizes = [1, 800].map((products) => {
      const files = compileArgoCd(compileAccessGraph(modelOf(products))).files;
      const sizeOf = (path: string) => files.find((file) => file.path === path)?.content.length;
      return { configMap: sizeOf(RBAC_CONFIG_MAP_PATH), policy: sizeOf(POLICY_FILE_PATH) ?? 0 };
    });
    expect(sizes[1]?.configMap).toBe(sizes[0]?.configMap);
    // The offline copy grows with the products, past what one ConfigMap may hold.
    expect(sizes[1]?.policy).toBeGreaterThan(1024 * 1024);
  });

  it('grants one entry per group and role, and role:admin to platform admin groups', () => {
    expect(output.grants).toContainEqual({
      tool: 'argocd',
      subject: { kind: 'group', name: 'koa-dev-argocd-write' },
      permission: 'proj:koa:koa-dev-write (get, sync, update, action/*)',
      level: 'write',
      product: 'koa',
      namespace: 'koa-dev',
      file: 'argocd/projects/koa.yaml',
    });
    expect(output.grants).toContainEqual({
      tool: 'argocd',
      subject: { kind: 'group', name: 'ArgoCDAdmins' },
      permission: 'proj:edp:admin (*)',
      level: 'admin',
      product: 'edp',
      file: 'argocd/projects/edp.yaml',
    });
    expect(output.grants).toContainEqual({
      tool: 'argocd',
      subject: { kind: 'group', name: 'platform-admins' },
      permission: 'role:admin',
      level: 'admin',
      file: RBAC_CONFIG_MAP_PATH,
    });
    expect(output.grants).toHaveLength(5 + 2 + 1);
  });

  it('maps realm group roles to levels: the weakest per group, nothing across products or for builders', () => {
    const model = exampleModel();
    const edpRealm = model.keycloak?.realms.find((realm) => realm.name === 'edp');
    edpRealm?.groups.push(
      {
        name: 'EDP, readers',
        realmRoles: [],
        grantedTo: [{ product: 'edp', role: 'collaborator' }],
      },
      { name: 'EDP-managers', realmRoles: [], grantedTo: [{ product: 'edp', role: 'manager' }] },
      {
        name: 'EDP-mixed',
        realmRoles: [],
        grantedTo: [
          { product: 'edp', role: 'collaborator' },
          { product: 'edp', role: 'deployer' },
        ],
      },
      { name: 'EDP-deployers', realmRoles: [], grantedTo: [{ product: 'edp', role: 'deployer' }] },
      { name: 'EDP-builders', realmRoles: [], grantedTo: [{ product: 'edp', role: 'builder' }] },
      {
        name: 'Cross-product',
        realmRoles: [],
        grantedTo: [
          { product: 'edp', role: 'developer' },
          { product: 'koa', role: 'developer' },
        ],
      },
    );
    const result = compileArgoCd(compileAccessGraph(model));
    const edp = objectOf(
      result.files.find((file) => file.path === 'argocd/projects/edp.yaml'),
      AppProject,
    );
    expect(edp.spec.roles?.map((role) => [role.name, role.groups])).toEqual([
      ['admin', ['ArgoCDAdmins']],
      ['read', ['EDP, readers', 'EDP-mixed']],
      ['write', ['ArgoCD-edp-users', 'EDP-deployers']],
    ]);
    const csv = result.files.find((file) => file.path === POLICY_FILE_PATH)?.content;
    expect(csv).toContain('g, "EDP, readers", role:edp:read\n');
    expect(csv).not.toContain('EDP-managers');
    expect(csv).not.toContain('EDP-builders');
    expect(csv).not.toContain('Cross-product');
  });

  it('quotes policy fields that CSV would split', () => {
    expect(csvField('koa-dev-argocd-write')).toBe('koa-dev-argocd-write');
    expect(csvField('USMC/Marine Coders/developer')).toBe('USMC/Marine Coders/developer');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('is deterministic', () => {
    expect(compileArgoCd(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});
