import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exampleModel } from '../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../tenancy/tenancy-schema.js';
import { clearedGroupName } from './clearance-gate.js';
import { compileAccess } from './compile-access.js';
import { explainUser } from './explain-user.js';
import { whoCan } from './who-can.js';

const VALKYRIE = 'Platform-One/Products/Valkyrie';
const { graph, files, grants } = compileAccess(exampleModel());
const file = (path: string) => files.find((f) => f.path === path)?.content ?? '';
type Binding = { kind: string; metadata: { name: string }; subjects: object[] };
const bindings = (namespace: string) =>
  parseAllDocuments(file(`kubernetes/namespaces/${namespace}.yaml`))
    .map((doc) => doc.toJS() as Binding)
    .filter((doc) => doc.kind === 'RoleBinding');
type IdpGroup = { name: string; kind: string; members: string[] };
const idpGroups = (JSON.parse(file('idp/groups.json')) as { groups: IdpGroup[] }).groups;

describe('a product with a clearance (seed 003: IL2 Authorized and the developer group)', () => {
  it('binds the cleared groups in every namespace, and no uncleared user', () => {
    for (const namespace of ['valkyrie-dev', 'valkyrie-staging', 'valkyrie-prod'])
      expect(bindings(namespace).map((b) => [b.metadata.name, b.subjects])).toEqual([
        [
          'tenant-developer',
          [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: `${VALKYRIE}/developer+il2`,
            },
          ],
        ],
        [
          'tenant-viewer',
          [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: `${VALKYRIE}/collaborator+il2`,
            },
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: `${VALKYRIE}/developer+il2`,
            },
          ],
        ],
      ]);
    // val.lead is listed as developer, but holds no clearance.
    expect(file('kubernetes/namespaces/valkyrie-prod.yaml')).not.toContain('val.lead');
  });

  it('creates the cleared groups with the cleared members only, and keeps the role groups', () => {
    const group = (name: string) => idpGroups.find((g) => g.name === name);
    expect(group(`${VALKYRIE}/developer+il2`)).toMatchObject({
      kind: 'clearance',
      members: ['val.cleared@p1.example.mil'],
    });
    expect(group(`${VALKYRIE}/collaborator+il2`)).toMatchObject({ kind: 'clearance', members: [] });
    expect(group(`${VALKYRIE}/developer`)).toMatchObject({
      kind: 'role',
      members: ['val.cleared@p1.example.mil', 'val.dev@p1.example.mil', 'val.lead@p1.example.mil'],
    });
  });

  it('still explains the role of an uncleared developer, with no access to its namespaces', () => {
    const report = explainUser(graph, grants, 'val.dev@p1.example.mil');
    expect(report.roles.map((r) => `${r.product} ${r.role}`)).toEqual(['valkyrie developer']);
    expect(report.grants.filter((g) => g.product === 'valkyrie')).toEqual([]);
    expect(report.roles[0]?.because).toMatch(/; not cleared for il2, so the product's tools/);
    const cleared = explainUser(graph, grants, 'val.cleared@p1.example.mil');
    expect(cleared.roles[0]?.because).not.toMatch(/not cleared/);
    expect(
      cleared.grants.filter((g) => g.namespace === 'valkyrie-prod').map((g) => g.via),
    ).toContain(`member of '${VALKYRIE}/developer+il2'`);
  });

  it('answers who-can with the cleared group and its members', () => {
    const answer = whoCan(graph, grants, {
      tool: 'kubernetes',
      level: 'write',
      namespace: 'valkyrie-prod',
    });
    expect(answer.users).toEqual([]);
    expect(answer.groups).toEqual([
      { name: `${VALKYRIE}/developer+il2`, members: ['val.cleared@p1.example.mil'] },
    ]);
  });

  it('names cleared groups by the template, clearances sorted and once', () => {
    const [org] = tenancySchema.parse({
      organizations: [
        { name: 'usmc', groupName: 'USMC', groupNaming: { cleared: '{org}/{group}+{clearances}' } },
      ],
    }).organizations;
    expect(org && clearedGroupName(org, 'team-a', ['il4', 'il2', 'il4'])).toBe(
      'USMC/team-a+il2+il4',
    );
  });

  it('binds a cleared user and a service account listed in the clearance, not one that is not', () => {
    const model = tenancySchema.parse({
      clearances: [{ name: 'il2', users: ['ann', 'ci-bot'] }],
      organizations: [
        {
          name: 'p1',
          groupNaming: { roles: '{product}-{role}', managed: [] },
          products: [
            {
              name: 'unicorn',
              namespaces: ['unicorn-prod'],
              tools: { argocd: ['write'] },
              clearance: { requires: ['il2'] },
              members: [
                { user: 'ann', role: 'developer' },
                { user: 'bob', role: 'developer' },
                { serviceAccount: 'ci-bot', role: 'developer' },
                { serviceAccount: 'cd-bot', role: 'developer' },
              ],
            },
          ],
        },
      ],
    });
    const compiled = compileAccess(model);
    const developers = compiled.grants
      .filter((g) => g.tool === 'kubernetes' && g.permission === 'ClusterRole tenant-developer')
      .map((g) => `${g.subject.kind} ${g.subject.name}`);
    expect(developers).toEqual([
      'group unicorn-developer+il2',
      'user ann',
      'serviceAccount ci-bot',
    ]);
    // Tool groups the organization keeps for itself are bound as cleared groups the compiler makes.
    const argocd = compiled.grants.filter((g) => g.tool === 'argocd' && g.namespace);
    expect(argocd.map((g) => g.subject.name)).toEqual(['unicorn-prod-argocd-write+il2']);
    const tool = compiled.graph.groups.find((g) => g.name === 'unicorn-prod-argocd-write+il2');
    expect([...(tool?.members.keys() ?? [])]).toEqual(['ann']);
  });

  it('gates the tenant-admin template of CD pipeline namespaces too', () => {
    const model = tenancySchema.parse({
      clearances: [{ name: 'il2', users: ['ann'] }],
      organizations: [
        {
          name: 'krci',
          cdPipelineNamespaces: true,
          groupNaming: { roles: 'edp-oidc-{role}s', roleGroups: ['developer'] },
          products: [
            {
              name: 'edp',
              clearance: { requires: ['il2'] },
              members: [
                { user: 'ann', role: 'developer' },
                { user: 'bob', role: 'developer' },
              ],
            },
          ],
        },
      ],
    });
    const template = compileAccess(model).grants.filter((g) =>
      g.file.startsWith('kubernetes/cd-pipeline/'),
    );
    expect(template.map((g) => `${g.subject.kind} ${g.subject.name}`)).toEqual([
      'group edp-oidc-developers+il2',
      'user ann',
    ]);
  });
});
