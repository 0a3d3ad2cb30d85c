import { realmImportSchema } from './realm-import-schema.js';
import { checkTenancy } from '../../../tenancy/model-checks.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import { compileKeycloak } from './compile-keycloak.js';
import type { KeycloakGroup, RealmImport } from './realm-import-schema.js';

const output = compileKeycloak(compileAccessGraph(exampleModel()));

function realmFile(realm: string): RealmImport {
  const file = output.files.find((f) => f.path === `keycloak/${realm}.json`);
  if (!file) throw new Error(`no file for realm ${realm}`);
  return parse(file.content) as RealmImport;
}

/** Group names with their sub-groups, e.g. `{ USMC: { 'Marine Coders': { … } } }`. */
function shape(groups: readonly KeycloakGroup[] = []): Record<string, unknown> {
  return Object.fromEntries(groups.map((g) => [g.name, shape(g.subGroups)]));
}

describe('compileKeycloak on examples/tenancy.yaml', () => {
  it('writes one generated realm import per realm of the model', () => {
    expect(output.tool).toBe('keycloak');
    expect(output.files.map((f) => f.path).sort()).toEqual([
      'keycloak/broker.json',
      'keycloak/edp.json',
      'keycloak/p1.json',
    ]);
    // JSON has no comments: the manifest marks these files as generated.
    for (const file of output.files)
      expect(() => JSON.parse(file.content) as unknown).not.toThrow();
  });

  it('gives seed 001’s edp realm its composite roles and Argo CD groups', () => {
    const edp = realmFile('edp');
    expect(edp).toMatchObject({ realm: 'edp', enabled: true });
    expect(edp.roles?.realm).toEqual([
      { name: 'administrator', composite: true, composites: { realm: ['sonar-administrators'] } },
      { name: 'developer', composite: true, composites: { realm: ['sonar-developers'] } },
      { name: 'sonar-administrators', composite: false, composites: { realm: [] } },
      { name: 'sonar-developers', composite: false, composites: { realm: [] } },
    ]);
    expect(edp.groups).toEqual([
      {
        name: 'ArgoCD-edp-users',
        path: '/ArgoCD-edp-users',
        realmRoles: ['developer'],
        subGroups: [],
      },
      { name: 'ArgoCDAdmins', path: '/ArgoCDAdmins', realmRoles: ['administrator'], subGroups: [] },
    ]);
    expect(edp.users).toEqual([
      {
        username: 'olena@edp.example',
        email: 'olena@edp.example',
        enabled: true,
        groups: ['/ArgoCD-edp-users', '/ArgoCDAdmins'],
      },
      {
        username: 'taras@edp.example',
        email: 'taras@edp.example',
        enabled: true,
        groups: ['/ArgoCD-edp-users'],
      },
    ]);
  });

  it('gives seed 001’s broker realm the five edp-oidc groups and no roles', () => {
    const broker = realmFile('broker');
    expect(broker).not.toHaveProperty('roles');
    expect(broker.groups?.map((g) => g.name)).toEqual([
      'edp-oidc-admins',
      'edp-oidc-builders',
      'edp-oidc-deployers',
      'edp-oidc-developers',
      'edp-oidc-viewers',
    ]);
    expect(broker.users?.find((u) => u.username === 'olena@edp.example')?.groups).toEqual([
      '/edp-oidc-admins',
      '/edp-oidc-developers',
    ]);
  });

  it('nests seed 003’s hierarchical groups in the p1 realm', () => {
    const p1 = realmFile('p1');
    const roles = { collaborator: {}, developer: {} };
    // Valkyrie and Unicorn require il2: their tools bind the cleared groups beside the roles.
    const gated = { ...roles, 'collaborator+il2': {}, 'developer+il2': {} };
    expect(shape(p1.groups)).toEqual({
      'Platform-One': {
        Products: {
          Unicorn: gated,
          Valkyrie: { ...gated, roles: { ADMIN: {} } },
        },
      },
      SpaceCAMP: { Genesis: roles },
      USMC: { 'Marine Coders': roles },
    });
    const admin = p1.groups?.[0]?.subGroups?.[0]?.subGroups?.[1]?.subGroups?.[4]?.subGroups?.[0];
    expect(admin?.path).toBe('/Platform-One/Products/Valkyrie/roles/ADMIN');
  });

  it('lists the p1 people in their groups by path, with e-mails only where known', () => {
    const users = realmFile('p1').users ?? [];
    expect(users.map((u) => [u.username, u.groups])).toEqual([
      [
        'val.cleared@p1.example.mil',
        [
          '/Platform-One/Products/Valkyrie/developer',
          '/Platform-One/Products/Valkyrie/developer+il2',
        ],
      ],
      ['val.dev@p1.example.mil', ['/Platform-One/Products/Valkyrie/developer']],
      [
        'val.lead@p1.example.mil',
        [
          '/Platform-One/Products/Valkyrie/developer',
          '/Platform-One/Products/Valkyrie/roles/ADMIN',
        ],
      ],
      ['val.viewer@p1.example.mil', ['/Platform-One/Products/Valkyrie/collaborator']],
    ]);
    for (const user of users) expect(user).not.toHaveProperty('email');
  });

  it('names the realm, roles, every group by path and the users as objects for plan', () => {
    const objects = output.files.find((f) => f.path === 'keycloak/edp.json')?.objects;
    expect(objects).toEqual([
      'Realm edp',
      'RealmRole administrator',
      'RealmRole developer',
      'RealmRole sonar-administrators',
      'RealmRole sonar-developers',
      'Group /ArgoCD-edp-users',
      'Group /ArgoCDAdmins',
      'User olena@edp.example',
      'User taras@edp.example',
    ]);
    const p1 = output.files.find((f) => f.path === 'keycloak/p1.json')?.objects ?? [];
    expect(p1).toContain('Group /Platform-One/Products');
    expect(p1).toContain('Group /USMC/Marine Coders/developer');
  });

  it('grants each realm group its realm roles with their composites and level', () => {
    expect(output.grants).toEqual([
      {
        tool: 'keycloak',
        subject: { kind: 'group', name: 'ArgoCD-edp-users' },
        permission: 'realm role developer (⊇ sonar-developers)',
        level: 'write',
        product: 'edp',
        realm: 'edp',
        file: 'keycloak/edp.json',
      },
      {
        tool: 'keycloak',
        subject: { kind: 'group', name: 'ArgoCDAdmins' },
        permission: 'realm role administrator (⊇ sonar-administrators)',
        level: 'admin',
        product: 'edp',
        realm: 'edp',
        file: 'keycloak/edp.json',
      },
    ]);
  });

  it('is deterministic', () => {
    const again = compileKeycloak(compileAccessGraph(exampleModel()));
    expect(again.files).toEqual(output.files);
    expect(again.grants).toEqual(output.grants);
  });

  it('writes nothing without keycloak realms', () => {
    const { keycloak: _ignored, ...model } = exampleModel();
    expect(compileKeycloak(compileAccessGraph(model))).toEqual({
      tool: 'keycloak',
      files: [],
      grants: [],
    });
  });
});

describe('compileKeycloak on a small model', () => {
  const model = tenancySchema.parse({
    keycloak: {
      realms: [
        {
          name: 'corp',
          organizations: ['acme'],
          roles: [
            { name: 'lead', description: 'Team leads', composites: ['dev'] },
            { name: 'dev', composites: ['viewer'] },
            { name: 'viewer' },
          ],
          groups: [
            {
              name: 'leads',
              realmRoles: ['lead'],
              grantedTo: [
                { product: 'alpha', role: 'collaborator' },
                { product: 'beta', role: 'manager' },
              ],
            },
            { name: 'lurkers', realmRoles: ['viewer'] },
          ],
        },
      ],
    },
    organizations: [
      {
        name: 'acme',
        groupNaming: { roles: '{org}/{product}/{role}' },
        products: [
          { name: 'alpha', members: [{ user: 'ann', role: 'developer', manager: true }] },
          { name: 'beta', members: [{ user: 'bob', role: 'collaborator', manager: true }] },
        ],
      },
    ],
  });
  const small = compileKeycloak(compileAccessGraph(model));
  const corp = parse(small.files[0]?.content ?? '') as RealmImport;

  it('lists transitive composites, takes the highest level and drops a shared product', () => {
    expect(small.grants.map((g) => [g.subject.name, g.permission, g.level, g.product])).toEqual([
      ['leads', 'realm role lead (⊇ dev, viewer)', 'write', undefined],
      ['lurkers', 'realm role viewer', 'read', undefined],
    ]);
  });

  it('keeps role descriptions and puts flat realm groups beside the hierarchical tree', () => {
    expect(corp.roles?.realm.find((r) => r.name === 'lead')).toEqual({
      name: 'lead',
      description: 'Team leads',
      composite: true,
      composites: { realm: ['dev'] },
    });
    expect(shape(corp.groups)).toEqual({
      acme: {
        alpha: { collaborator: {}, developer: {} },
        beta: { collaborator: {}, developer: {} },
      },
      leads: {},
      lurkers: {},
    });
  });
});

describe('compileKeycloak on a model its schema refuses', () => {
  it('leaves an import Keycloak would merge users in to the model checks and the schema', () => {
    // Keycloak lowercases usernames, so `Ann` and `ann` would become one account.
    const model = tenancySchema.parse({
      keycloak: { realms: [{ name: 'corp', organizations: ['acme'] }] },
      organizations: [
        {
          name: 'acme',
          products: [
            {
              name: 'alpha',
              members: [
                { user: 'Ann', role: 'developer' },
                { user: 'ann', role: 'collaborator' },
              ],
            },
          ],
        },
      ],
    });
    expect(checkTenancy(model).map((problem) => problem.message)).toEqual([
      "users 'ann' and 'Ann' differ only in case; Keycloak would make them one user",
    ]);
    const [file] = compileKeycloak(compileAccessGraph(model)).files;
    const checked = realmImportSchema.safeParse(JSON.parse(file?.content ?? '{}'));
    expect(checked.success).toBe(false);
    expect(checked.error?.message).toContain('duplicate user ann');
  });
});
