import { describe, expect, it } from 'vitest';
import { checkTenancy } from './model-checks.js';
import { tenancySchema } from './tenancy-schema.js';

const TYPES = ['dev', 'staging', 'prod', 'sue'];
const check = (input: unknown) =>
  checkTenancy(tenancySchema.parse(input), { knownEnvironmentTypes: TYPES });
/** One organization `p1` with the given products and extra organization fields. */
const org = (products: unknown[], extra: Record<string, unknown> = {}) => ({
  organizations: [{ name: 'p1', products, ...extra }],
});

describe('checkTenancy', () => {
  it('accepts a consistent model', () => {
    expect(
      check({
        clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
        ...org([
          {
            name: 'valkyrie',
            pools: ['valkyrie'],
            extraRoles: ['ADMIN'],
            customerAdmin: true,
            clearance: { requires: ['il2'], environmentTypes: ['prod'] },
            members: [{ user: 'a', role: 'developer', roles: ['ADMIN'], admin: true }],
          },
        ]),
      }),
    ).toEqual([]);
  });

  it('reports an unknown clearance reference with the declared ones', () => {
    expect(
      check({
        clearances: [{ name: 'il2' }],
        ...org([{ name: 'v', clearance: { requires: ['il2', 'il5'] } }]),
      }),
    ).toEqual([
      {
        path: 'organizations.0.products.0.clearance.requires.1',
        message: "unknown clearance 'il5'; declared: il2",
      },
    ]);
    expect(check(org([{ name: 'v', clearance: { requires: ['il2'] } }]))[0]?.message).toBe(
      "unknown clearance 'il2'; declared: none",
    );
  });

  it('reports an unknown environment type in a clearance, only when types are known', () => {
    const model = {
      clearances: [{ name: 'il2' }],
      ...org([{ name: 'v', clearance: { requires: ['il2'], environmentTypes: ['prod', 'qa'] } }]),
    };
    expect(check(model)).toEqual([
      {
        path: 'organizations.0.products.0.clearance.environmentTypes.1',
        message: "unknown environment type 'qa'; known: dev, staging, prod, sue",
      },
    ]);
    expect(checkTenancy(tenancySchema.parse(model))).toEqual([]);
  });

  it('reports an extra role the product does not declare', () => {
    const problems = check(
      org([
        {
          name: 'v',
          extraRoles: ['ADMIN'],
          members: [{ user: 'a', role: 'developer', roles: ['OWNER'] }],
        },
      ]),
    );
    expect(problems).toEqual([
      {
        path: 'organizations.0.products.0.members.0.roles.0',
        message: "unknown role 'OWNER'; product v declares extraRoles: ADMIN",
      },
    ]);
  });

  it.each([
    [
      'organization',
      { organizations: [{ name: 'a' }, { name: 'a' }] },
      'organizations.1.name',
      "duplicate organization 'a' (also organizations.0)",
    ],
    [
      'product (across organizations)',
      {
        organizations: [
          { name: 'a', products: [{ name: 'v' }] },
          { name: 'b', products: [{ name: 'v' }] },
        ],
      },
      'organizations.1.products.0.name',
      "duplicate product 'v' (also organizations.0.products.0)",
    ],
    [
      'pool',
      org([
        { name: 'v', pools: ['shared'] },
        { name: 'w', pools: ['shared'] },
      ]),
      'organizations.0.products.1.pools.0',
      "pool 'shared' is already owned by organizations.0.products.0 (v)",
    ],
    [
      'namespace',
      org([
        { name: 'v', namespaces: ['v-dev'] },
        { name: 'w', namespaces: ['x', 'v-dev'] },
      ]),
      'organizations.0.products.1.namespaces.1',
      "namespace 'v-dev' is already owned by organizations.0.products.0 (v)",
    ],
    [
      'clearance',
      { clearances: [{ name: 'il2' }, { name: 'il4' }, { name: 'il2' }] },
      'clearances.2.name',
      "duplicate clearance 'il2' (also clearances.0)",
    ],
    [
      'group',
      org([], { groups: [{ name: 'G' }, { name: 'G' }] }),
      'organizations.0.groups.1.name',
      "duplicate group 'G' (also organizations.0.groups.0)",
    ],
  ])('reports a duplicate %s', (_kind, model, path, message) => {
    expect(check(model)).toEqual([{ path, message }]);
  });

  it('reports a member listed twice, by kind of principal', () => {
    const problems = check(
      org([
        {
          name: 'v',
          members: [
            { user: 'a', role: 'developer' },
            { group: 'a', role: 'developer' },
            { user: 'a', role: 'developer', extensions: ['deployer'] },
          ],
        },
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('organizations.0.products.0.members.2');
    expect(problems[0]?.message).toMatch(
      /^user 'a' is listed twice in product v \(also member #1\); give one entry/,
    );
  });

  it('reports a user who is collaborator and developer of one product directly', () => {
    const problems = check(
      org(
        [
          {
            name: 'v',
            members: [
              { user: 'a', role: 'collaborator' },
              { group: 'devs', role: 'developer' },
            ],
          },
        ],
        { groups: [{ name: 'devs', members: ['a', 'b'] }] },
      ),
    );
    expect(problems).toEqual([
      {
        path: 'organizations.0.products.0.members',
        message: expect.stringMatching(
          /^user 'a' is both collaborator \(listed as a user\) and developer \(through group 'devs'\) of product v;/,
        ) as string,
      },
    ]);
  });

  it('reports a user made collaborator and developer through declared conventional groups', () => {
    const problems = check(
      org([{ name: 'valkyrie', groupName: 'Valkyrie', path: ['Products'] }], {
        groupName: 'Platform-One',
        groups: [
          { name: 'Platform-One/Products/Valkyrie/collaborator', members: ['c'] },
          { name: 'Platform-One/Products/Valkyrie/developer', members: ['c', 'd'] },
        ],
      }),
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining(
        "user 'c' is both collaborator (through group 'Platform-One/Products/Valkyrie/collaborator') and developer (through group 'Platform-One/Products/Valkyrie/developer') of product valkyrie",
      ),
    ]);
  });

  it('counts seats with a developer anywhere taking only a developer seat', () => {
    const products = [
      { name: 'v', members: [{ user: 'a', role: 'developer' }] },
      {
        name: 'w',
        members: [
          { user: 'a', role: 'collaborator' },
          { user: 'b', role: 'collaborator' },
        ],
      },
    ];
    // a is a developer of v and a collaborator of w: one developer seat, not a collaborator seat.
    expect(check(org(products, { seats: { collaborator: 1, developer: 1 } }))).toEqual([]);
    const crowded = [...products, { name: 'x', members: [{ user: 'c', role: 'collaborator' }] }];
    expect(check(org(crowded, { seats: { collaborator: 1, developer: 0 } }))).toEqual([
      {
        path: 'organizations.0.seats.collaborator',
        message: "2 collaborators exceed the organization's 1 collaborator seats",
      },
      {
        path: 'organizations.0.seats.developer',
        message: "1 developers exceed the organization's 0 developer seats",
      },
    ]);
  });

  it('counts declared group members towards seats', () => {
    const model = org([{ name: 'v', members: [{ group: 'devs', role: 'developer' }] }], {
      seats: { developer: 2 },
      groups: [{ name: 'devs', members: ['a', 'b', 'c'] }],
    });
    expect(check(model)).toEqual([
      {
        path: 'organizations.0.seats.developer',
        message: "3 developers exceed the organization's 2 developer seats",
      },
    ]);
  });

  it('reports an extension role without a base role', () => {
    const problems = check(
      org([{ name: 'v', members: [{ group: 'g', extensions: ['deployer'] }] }]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('organizations.0.products.0.members.0.role');
    expect(problems[0]?.message).toMatch(
      /^extension role 'deployer' needs a base role: add role: collaborator or role: developer/,
    );
  });

  it('reports a member without any role', () => {
    expect(check(org([{ name: 'v', members: [{ serviceAccount: 'ci' }] }]))).toEqual([
      {
        path: 'organizations.0.products.0.members.0.role',
        message: 'is required: every member holds exactly one base role, collaborator or developer',
      },
    ]);
  });

  it('reports admin on a product without customerAdmin', () => {
    expect(
      check(org([{ name: 'v', members: [{ user: 'a', role: 'developer', admin: true }] }])),
    ).toEqual([
      {
        path: 'organizations.0.products.0.members.0.admin',
        message:
          'product v does not give customers admin on tooling; set customerAdmin: true on the product to opt in',
      },
    ]);
  });
});
