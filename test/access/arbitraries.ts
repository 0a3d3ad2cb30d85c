import fc from 'fast-check';
import type { EnvironmentResource } from '../../src/ports/authorizer.js';
import type { Principal } from '../../src/ports/principal.js';
import { checkTenancy } from '../../src/domain/tenancy/model-checks.js';
import { roleGroupName } from '../../src/domain/tenancy/group-names.js';
import {
  GROUP_ROLES,
  organizationSchema,
  tenancySchema,
  type Tenancy,
} from '../../src/domain/tenancy/tenancy-schema.js';

/**
 * fast-check arbitraries for the access properties: small tenancy models that pass
 * `checkTenancy`, principals that hold a random selection of the groups those models
 * mention, and environments in owned, unowned and operator-policy pools.
 */

export const USERS = ['ann@p1.example', 'bob@p1.example', 'cy@jp.example', 'dee@jp.example'];
export const SERVICE_ACCOUNTS = ['ci-bot', 'deploy-bot'];
export const STRANGERS = ['mallory@evil.example'];
export const SUBJECTS = [...USERS, ...SERVICE_ACCOUNTS, ...STRANGERS];

const PRODUCT_NAMES = ['koa', 'ai', 'valkyrie', 'genesis', 'edp'];
/** Pools a product may own; `x` and `shared-a` are also named by the operator test policies. */
const OWNABLE_POOLS = ['alpha', 'beta', 'gamma', 'delta', 'x', 'shared-a'];
export const POOLS = [...OWNABLE_POOLS, 'shared-b', 'nowhere'];
export const ENVIRONMENT_TYPES = ['dev', 'staging', 'prod', 'sue'];
export const ENVIRONMENT_NAMES = ['web', 'api', 'secret', 'e1', 'e2'];
export const ENVIRONMENT_ACTIONS = [
  'environment:create',
  'environment:read',
  'environment:update',
  'environment:delete',
  'environment:extend',
] as const;
/** IdP groups used in member entries, platform admins and by operator policies. */
const TEAM_GROUPS = ['team-a', 'team-b', 'ops'];
const ADMIN_GROUPS = ['platform-admins', 'ops'];
const CLEARANCES = [
  { name: 'il2', group: 'IL2 Authorized' },
  { name: 'il4', group: 'IL4 Authorized' },
];
/** Groups a principal may carry that no model names (the operator policies do). */
export const OUTSIDE_GROUPS = ['auditors', 'unrelated'];

const NAMINGS = [
  '{org}/{path}/{product}/{role}',
  '{product}-{role}',
  // One group per role for all the org's products (seed 001 `edp-oidc-{role}s`).
  'shared-{role}s',
  '{org}_{path}_{product}_{role}',
];

const member = fc.record({
  who: fc.oneof(
    fc.constantFrom(...USERS).map((user) => ({ user })),
    fc.constantFrom(...TEAM_GROUPS).map((group) => ({ group })),
    fc.constantFrom(...SERVICE_ACCOUNTS).map((serviceAccount) => ({ serviceAccount })),
  ),
  role: fc.constantFrom('collaborator', 'developer'),
  extensions: fc.subarray(['builder', 'deployer']),
  roles: fc.subarray(['ADMIN']),
  manager: fc.boolean(),
});
const whoKey = (entry: { who: Record<string, string> }): string => JSON.stringify(entry.who);

function productArb(name: string, pools: string[], clearances: string[]) {
  return fc.record({
    name: fc.constant(name),
    groupName: fc.option(fc.constantFrom('Valkyrie', 'Marine Coders', 'KOA'), { nil: undefined }),
    path: fc.constantFrom([], ['Products'], ['Products', 'Air']),
    pools: fc.constant(pools),
    extraRoles: fc.constant(['ADMIN']),
    members: fc
      .uniqueArray(member, { selector: whoKey, maxLength: 4 })
      .map((entries) => entries.map(({ who, ...rest }) => ({ ...who, ...rest }))),
    clearance:
      clearances.length === 0
        ? fc.constant(undefined)
        : fc.option(
            fc.record({
              requires: fc.subarray(clearances, { minLength: 1 }),
              environmentTypes: fc.subarray(ENVIRONMENT_TYPES, { minLength: 1 }),
            }),
            { nil: undefined },
          ),
  });
}

/** Splits `items` into `parts` consecutive chunks at random cut points (chunks may be empty). */
const partition = <T>(items: readonly T[], parts: number) =>
  fc.array(fc.nat(items.length), { minLength: parts - 1, maxLength: parts - 1 }).map((cuts) => {
    const bounds = [0, ...cuts.sort((a, b) => a - b), items.length];
    return Array.from({ length: parts }, (_, i) => items.slice(bounds[i], bounds[i + 1]));
  });

function organizationArb(index: number, products: string[], pools: string[], clearances: string[]) {
  return partition(pools, Math.max(products.length, 1)).chain((poolsOf) =>
    fc
      .record({
        name: fc.constant(`org-${index}`),
        groupName: fc.option(fc.constantFrom('Platform-One', 'USMC', 'SpaceCAMP'), {
          nil: undefined,
        }),
        groupNaming: fc.record({
          roles: fc.constantFrom(...NAMINGS),
          roleGroups: fc.subarray([...GROUP_ROLES]),
        }),
        products: fc.tuple(
          ...products.map((name, p) => productArb(name, poolsOf[p] ?? [], clearances)),
        ),
      })
      .chain((organization) => {
        // Declared groups (like a realm.yaml): conventional, team, clearance and admin groups.
        const parsed = organizationSchema.parse(organization);
        const names = [
          ...new Set([
            ...parsed.products.flatMap((product) =>
              GROUP_ROLES.map((role) => roleGroupName(parsed, product, role)),
            ),
            ...TEAM_GROUPS,
            ...ADMIN_GROUPS,
            ...CLEARANCES.map((clearance) => clearance.group),
          ]),
        ];
        return fc
          .uniqueArray(
            fc.record({ name: fc.constantFrom(...names), members: fc.subarray(USERS) }),
            { selector: (group) => group.name, maxLength: 3 },
          )
          .map((groups) => ({ ...organization, groups }));
      }),
  );
}

/** Models of 1–3 organizations that pass `checkTenancy`, with schema defaults filled in. */
export const tenancyArb: fc.Arbitrary<Tenancy> = fc
  .record({
    clearances: fc.subarray(CLEARANCES).chain((chosen) =>
      fc.tuple(
        ...chosen.map((clearance) =>
          fc.record({
            name: fc.constant(clearance.name),
            group: fc.option(fc.constant(clearance.group), { nil: undefined }),
            users: fc.subarray(USERS, { maxLength: 2 }),
          }),
        ),
      ),
    ),
    organizations: fc.integer({ min: 1, max: 3 }),
    products: fc.shuffledSubarray(PRODUCT_NAMES, { minLength: 1, maxLength: 4 }),
    pools: fc.shuffledSubarray(OWNABLE_POOLS, { minLength: 1 }),
    platformAdmins: fc.record({
      users: fc.subarray(USERS, { maxLength: 1 }),
      groups: fc.subarray(ADMIN_GROUPS, { maxLength: 1 }),
    }),
  })
  .chain(({ clearances, organizations, products, pools, platformAdmins }) =>
    fc
      .tuple(partition(products, organizations), partition(pools, organizations))
      .chain(([productsOf, poolsOf]) =>
        fc.tuple(
          ...productsOf.map((names, o) =>
            organizationArb(
              o,
              names,
              poolsOf[o] ?? [],
              clearances.map((clearance) => clearance.name),
            ),
          ),
        ),
      )
      .map((organizationsList) =>
        tenancySchema.parse({ platformAdmins, clearances, organizations: organizationsList }),
      ),
  )
  // Only rejects a user made both collaborator and developer of a product through groups.
  .filter((model) => checkTenancy(model).length === 0);

/** Every IdP group name a model gives meaning to, plus a few it does not. */
export function relevantGroups(model: Tenancy): string[] {
  const names = new Set<string>([...model.platformAdmins.groups, ...OUTSIDE_GROUPS]);
  for (const clearance of model.clearances) if (clearance.group) names.add(clearance.group);
  for (const organization of model.organizations) {
    for (const group of organization.groups) names.add(group.name);
    for (const product of organization.products) {
      for (const role of GROUP_ROLES) names.add(roleGroupName(organization, product, role));
      for (const entry of product.members) if (entry.group) names.add(entry.group);
    }
  }
  return [...names].sort();
}

/** Subjects the model lists somewhere (members, declared groups, clearances, admins). */
function namedSubjects(model: Tenancy): string[] {
  const names = new Set(model.platformAdmins.users);
  for (const clearance of model.clearances) for (const user of clearance.users) names.add(user);
  for (const organization of model.organizations) {
    for (const group of organization.groups) for (const user of group.members) names.add(user);
    for (const product of organization.products)
      for (const entry of product.members) names.add(entry.user ?? entry.serviceAccount ?? '');
  }
  names.delete('');
  return [...names];
}

export function principalArb(model: Tenancy): fc.Arbitrary<Principal> {
  return fc
    .record({
      subject: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...namedSubjects(model), ...STRANGERS) },
        { weight: 1, arbitrary: fc.constantFrom(...SUBJECTS) },
      ),
      kind: fc.oneof(
        { weight: 3, arbitrary: fc.constant('user' as const) },
        { weight: 1, arbitrary: fc.constant('service' as const) },
      ),
      groups: fc.subarray(relevantGroups(model), { maxLength: 6 }),
      scopes: fc.option(fc.subarray([...ENVIRONMENT_ACTIONS]), { nil: undefined }),
    })
    .map(({ scopes, ...rest }) => ({
      ...rest,
      authenticatedBy: 'test',
      // Scopes come with service tokens only.
      ...(rest.kind === 'service' && scopes !== undefined ? { scopes } : {}),
    }));
}

/** Environments, mostly in the model's own pools, sometimes in pools nobody owns. */
export function environmentArb(model: Tenancy): fc.Arbitrary<EnvironmentResource> {
  const owned = model.organizations.flatMap((o) => o.products.flatMap((p) => p.pools));
  return fc.record({
    kind: fc.constant('environment' as const),
    name: fc.constantFrom(...ENVIRONMENT_NAMES),
    type: fc.constantFrom(...ENVIRONMENT_TYPES),
    pool: fc.oneof(
      { weight: owned.length > 0 ? 3 : 0, arbitrary: fc.constantFrom(...owned, 'nowhere') },
      { weight: 1, arbitrary: fc.constantFrom(...POOLS) },
    ),
    owner: fc.constantFrom(...SUBJECTS),
    static: fc.oneof(
      { weight: 3, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  });
}

export const actionArb = fc.constantFrom(...ENVIRONMENT_ACTIONS);
