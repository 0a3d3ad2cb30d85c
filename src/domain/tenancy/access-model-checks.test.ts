import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAccessModel } from './access-model-checks.js';
import { checkTenancy } from './model-checks.js';
import { parseTenancy } from './parse-tenancy.js';
import { tenancySchema } from './tenancy-schema.js';

const check = (input: unknown) => checkAccessModel(tenancySchema.parse(input));
/** One organization `p1` with the given products and extra organization fields. */
const org = (products: unknown[], extra: Record<string, unknown> = {}) => ({
  organizations: [{ name: 'p1', products, ...extra }],
});
const realm = (fields: Record<string, unknown>) => ({
  keycloak: { realms: [{ name: 'r', ...fields }] },
});
const AWS = {
  aws: {
    region: 'eu-west-1',
    registry: { account: '354918371398' },
    clusters: [{ name: 'c1', account: '111111111111' }],
  },
};
const ACCOUNT = '222222222222';

describe('checkAccessModel', () => {
  it.each([
    [
      'users: a duplicate name',
      { users: [{ name: 'a' }, { name: 'a' }] },
      'users.1.name',
      "duplicate user 'a' (also users.0)",
    ],
    [
      'users: a GitHub handle twice, ignoring case',
      {
        users: [
          { name: 'a', github: 'Koa-Dev' },
          { name: 'b', github: 'koa-dev' },
        ],
      },
      'users.1.github',
      "GitHub user 'koa-dev' is already users.0 (GitHub names ignore case)",
    ],
    [
      'users: an e-mail twice',
      {
        users: [
          { name: 'a', email: 'A@x.example' },
          { name: 'b', email: 'a@x.example' },
        ],
      },
      'users.1.email',
      "e-mail 'a@x.example' is already users.0",
    ],
    [
      'keycloak: a duplicate realm',
      { keycloak: { realms: [{ name: 'r' }, { name: 'r' }] } },
      'keycloak.realms.1.name',
      "duplicate realm 'r' (also keycloak.realms.0)",
    ],
    [
      'keycloak: a realm naming an unknown organization',
      { ...realm({ organizations: ['p1', 'nope'] }), ...org([]) },
      'keycloak.realms.0.organizations.1',
      "unknown organization 'nope'; known: p1",
    ],
    [
      'keycloak: an organization in two realms',
      {
        keycloak: {
          realms: [
            { name: 'a', organizations: ['p1'] },
            { name: 'b', organizations: ['p1'] },
          ],
        },
        ...org([]),
      },
      'keycloak.realms.1.organizations.0',
      "organization 'p1' is already in realm a (keycloak.realms.0)",
    ],
    [
      'keycloak: a duplicate role',
      realm({ roles: [{ name: 'x' }, { name: 'x' }] }),
      'keycloak.realms.0.roles.1.name',
      "duplicate role 'x' in realm r (also keycloak.realms.0.roles.0)",
    ],
    [
      'keycloak: a composite naming an undeclared role',
      realm({ roles: [{ name: 'admin', composites: ['viewer'] }] }),
      'keycloak.realms.0.roles.0.composites.0',
      "unknown role 'viewer'; realm r declares roles: admin",
    ],
    [
      'keycloak: a composite cycle',
      realm({
        roles: [
          { name: 'a', composites: ['b'] },
          { name: 'b', composites: ['c'] },
          { name: 'c', composites: ['a'] },
        ],
      }),
      'keycloak.realms.0.roles.2.composites.0',
      'composite cycle a -> b -> c -> a: a role cannot contain itself',
    ],
    [
      'keycloak: a role that is its own composite',
      realm({ roles: [{ name: 'a', composites: ['a'] }] }),
      'keycloak.realms.0.roles.0.composites.0',
      'composite cycle a -> a',
    ],
    [
      'keycloak: a duplicate realm group',
      realm({ groups: [{ name: 'G' }, { name: 'G' }] }),
      'keycloak.realms.0.groups.1.name',
      "duplicate group 'G' in realm r (also keycloak.realms.0.groups.0)",
    ],
    [
      'keycloak: a group with an undeclared realm role',
      realm({ roles: [{ name: 'x' }], groups: [{ name: 'G', realmRoles: ['y'] }] }),
      'keycloak.realms.0.groups.0.realmRoles.0',
      "unknown role 'y'; realm r declares roles: x",
    ],
    [
      'keycloak: a group granted to an unknown product',
      realm({ groups: [{ name: 'G', grantedTo: [{ product: 'nope', role: 'developer' }] }] }),
      'keycloak.realms.0.groups.0.grantedTo.0.product',
      "unknown product 'nope'",
    ],
    [
      'keycloak: a group granted to admins of a product without customer admin',
      {
        ...realm({ groups: [{ name: 'G', grantedTo: [{ product: 'v', role: 'admin' }] }] }),
        ...org([{ name: 'v' }]),
      },
      'keycloak.realms.0.groups.0.grantedTo.0.role',
      'set customerAdmin: true on the product',
    ],
    [
      'aws: a duplicate cluster',
      {
        aws: {
          region: 'eu-west-1',
          clusters: [
            { name: 'c1', account: ACCOUNT },
            { name: 'c1', account: ACCOUNT },
          ],
        },
      },
      'aws.clusters.1.name',
      "duplicate cluster 'c1' (also aws.clusters.0)",
    ],
    [
      'aws: a product on an unknown cluster',
      { ...AWS, ...org([{ name: 'v', aws: { account: ACCOUNT, clusters: ['c2'] } }]) },
      'organizations.0.products.0.aws.clusters.0',
      "unknown cluster 'c2'; aws.clusters declares: c1",
    ],
    [
      'aws: an unknown cluster in a cluster entry with namespaces',
      {
        ...AWS,
        ...org([
          {
            name: 'v',
            namespaces: ['v'],
            aws: { account: ACCOUNT, clusters: [{ name: 'c2', namespaces: ['v'] }] },
          },
        ]),
      },
      'organizations.0.products.0.aws.clusters.0.name',
      "unknown cluster 'c2'",
    ],
    [
      'aws: a cluster entry naming a namespace of another product',
      {
        ...AWS,
        ...org([
          {
            name: 'v',
            namespaces: ['v-dev'],
            aws: { account: ACCOUNT, clusters: [{ name: 'c1', namespaces: ['v-dev', 'w-dev'] }] },
          },
          { name: 'w', namespaces: ['w-dev'] },
        ]),
      },
      'organizations.0.products.0.aws.clusters.0.namespaces.1',
      "namespace 'w-dev' is not one of product v's namespaces (v-dev)",
    ],
    [
      'aws: a cluster listed twice',
      {
        ...AWS,
        ...org([
          {
            name: 'v',
            namespaces: ['v'],
            aws: { account: ACCOUNT, clusters: ['c1', { name: 'c1', namespaces: ['v'] }] },
          },
        ]),
      },
      'organizations.0.products.0.aws.clusters.1',
      "cluster 'c1' is listed twice (also organizations.0.products.0.aws.clusters.0)",
    ],
    [
      'aws: a product with aws while the model has none',
      org([{ name: 'v', aws: { account: ACCOUNT } }]),
      'organizations.0.products.0.aws',
      'add aws: { region: … }',
    ],
    [
      'aws: images without a registry namespace',
      { ...AWS, ...org([{ name: 'v', aws: { account: ACCOUNT, images: ['api'] } }]) },
      'organizations.0.products.0.registryNamespace',
      'is required for aws.images',
    ],
    [
      'aws: images without aws.registry',
      {
        aws: { region: 'eu-west-1' },
        ...org([{ name: 'v', registryNamespace: 'v', aws: { account: ACCOUNT, images: ['api'] } }]),
      },
      'organizations.0.products.0.aws.images',
      'add aws.registry',
    ],
    [
      'aws: a shared secrets namespace',
      org([
        { name: 'v', secretsNamespace: 's' },
        { name: 'w', secretsNamespace: 's' },
      ]),
      'organizations.0.products.1.secretsNamespace',
      'already used by product v (organizations.0.products.0); two teams sharing a secrets prefix would read each other',
    ],
    [
      'aws: a shared registry namespace',
      org([
        { name: 'v', registryNamespace: 'r' },
        { name: 'w', registryNamespace: 'r' },
      ]),
      'organizations.0.products.1.registryNamespace',
      "registry namespace 'r' is already used by product v",
    ],
    [
      'aws: a duplicate image',
      {
        ...AWS,
        ...org([
          { name: 'v', registryNamespace: 'v', aws: { account: ACCOUNT, images: ['api', 'api'] } },
        ]),
      },
      'organizations.0.products.0.aws.images.1',
      "duplicate image 'api'",
    ],
    [
      'groupNaming: two roles given one name',
      org([], { groupNaming: { roleNames: { collaborator: 'member', developer: 'member' } } }),
      'organizations.0.groupNaming.roleNames.developer',
      "roles 'collaborator' and 'developer' are both named 'member'",
    ],
    [
      "groupNaming: a role named like another role's default",
      org([], { groupNaming: { roleNames: { collaborator: 'developer' } } }),
      'organizations.0.groupNaming.roleNames.collaborator',
      "roles 'collaborator' and 'developer' are both named 'developer'",
    ],
    [
      'groupNaming: a duplicate role group',
      org([], { groupNaming: { roleGroups: ['developer', 'collaborator', 'developer'] } }),
      'organizations.0.groupNaming.roleGroups.2',
      "duplicate role 'developer'",
    ],
    [
      'tools: argocd on a product without namespaces',
      org([{ name: 'v', tools: { argocd: ['write'] } }]),
      'organizations.0.products.0.tools.argocd',
      'has no namespaces, so no argocd groups would be made',
    ],
    [
      'tools: two products producing one tool group',
      org(
        [
          { name: 'v', namespaces: ['v-dev'], tools: { grafana: ['write'] } },
          { name: 'w', namespaces: ['w-dev'], tools: { grafana: ['write'] } },
        ],
        { groupNaming: { tools: '{tool}-{level}' } },
      ),
      'organizations.0.products.1.tools.grafana',
      "tool group 'grafana-write' of product w is also made for product v (organizations.0.products.0)",
    ],
  ])('reports %s', (_kind, model, path, fragment) => {
    expect(check(model)).toEqual([{ path, message: expect.stringContaining(fragment) as string }]);
  });

  it.each([
    [
      'a product with secrets and aws but no repositories',
      { ...AWS, ...org([{ name: 'v', secretsNamespace: 'v', aws: { account: ACCOUNT } }]) },
    ],
    [
      'a cluster entry with some of the product’s namespaces',
      {
        ...AWS,
        ...org([
          {
            name: 'v',
            namespaces: ['v-dev', 'v-prod'],
            aws: { account: ACCOUNT, clusters: [{ name: 'c1', namespaces: ['v-prod'] }] },
          },
        ]),
      },
    ],
    [
      'a roleNames entry for a role without a group',
      org([], { groupNaming: { roleNames: { admin: 'developer' } } }),
    ],
    [
      "one product's namespaces folded into one tool group",
      org([{ name: 'v', namespaces: ['a', 'b'], tools: { argocd: ['read', 'write'] } }], {
        groupNaming: { tools: '{product}-{tool}-{level}' },
      }),
    ],
    [
      'admin granted to a product that opts in to customer admin',
      {
        ...realm({
          roles: [{ name: 'x' }],
          groups: [{ name: 'G', realmRoles: ['x'], grantedTo: [{ product: 'v', role: 'admin' }] }],
        }),
        ...org([{ name: 'v', customerAdmin: true }]),
      },
    ],
  ])('accepts %s', (_kind, model) => {
    expect(check(model)).toEqual([]);
  });

  it('runs as part of checkTenancy', () => {
    expect(checkTenancy(tenancySchema.parse({ users: [{ name: 'a' }, { name: 'a' }] }))).toEqual([
      { path: 'users.1.name', message: "duplicate user 'a' (also users.0)" },
    ]);
  });

  it('passes examples/tenancy.yaml', () => {
    const text = readFileSync(new URL('../../../examples/tenancy.yaml', import.meta.url), 'utf8');
    const index = parseTenancy(text, {
      source: 'examples/tenancy.yaml',
      knownEnvironmentTypes: ['dev', 'staging', 'prod', 'sue'],
    });
    expect(index.productOfPool.get('koa')).toBe('koa');
  });
});
