import { extraRoleGroupName } from '../tenancy/group-names.js';
import { GROUP_ROLES, type Tenancy, type User } from '../tenancy/tenancy-schema.js';
import {
  groupMeanings,
  GroupCollector,
  realmGroups,
  NO_REALM_ROLES,
  realmOf,
  type ManagedGroup,
  type ManagedGroupKind,
} from './managed-groups.js';
import { ClearanceIndex, clearedFor } from './clearance-gate.js';
import { productAccess, type ProductAccess } from './product-access.js';
import { HoldersBuilder, type Holders } from './role-holders.js';

export { effectiveHolders, levelHolders } from './product-access.js';
export type { ClearedGroup, ProductAccess, ToolGroup } from './product-access.js';
export type { ManagedGroup, ManagedGroupKind } from './managed-groups.js';

/**
 * The tenancy model resolved once for every generator: each product's role holders, its
 * tool groups, the IdP groups to create and who is in them. Pure and deterministic.
 */
export interface AccessGraph {
  readonly model: Tenancy;
  readonly products: readonly ProductAccess[];
  readonly groups: readonly ManagedGroup[];
  readonly platformAdmins: Holders;
  /** Directory entries by name (users the model lists without an entry get a bare one). */
  readonly people: ReadonlyMap<string, User>;
}

function declaredMembersIndex(model: Tenancy): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const organization of model.organizations)
    for (const group of organization.groups)
      index.set(group.name, [...(index.get(group.name) ?? []), ...group.members]);
  return index;
}

/**
 * Resolves a checked model for the generators: products first, then the groups the
 * compiler creates (their members limited by every meaning of their names), then the
 * directory of people.
 */
export function compileAccessGraph(model: Tenancy): AccessGraph {
  const declared = declaredMembersIndex(model);
  const clearances = new ClearanceIndex(model, declared);
  const products: ProductAccess[] = [];
  for (const organization of model.organizations)
    for (const product of organization.products)
      products.push(
        productAccess(organization, product, declared, clearances.gate(organization, product)),
      );

  const collector = new GroupCollector();
  for (const access of products) {
    const { organization, product } = access;
    const managed = organization.groupNaming.managed;
    const realm = realmOf(model, organization.name);
    // Every group one object literal of the same shape: Node 20's V8 gives each object made
    // as `{ ...base, more }` a hidden class of its own, and readers of tens of thousands
    // of groups then miss every inline cache.
    const add = (
      name: string,
      kind: ManagedGroupKind,
      description: string,
      members: ReadonlyMap<string, string>,
    ): void =>
      collector.add({
        name,
        kind,
        description,
        realm,
        organization: organization.name,
        realmRoles: NO_REALM_ROLES,
        members,
      });
    if (managed.includes('roles'))
      for (const [role, name] of access.roleGroups)
        // The organization's fact, cleared or not: a gated product binds its cleared group.
        add(name, 'role', `${product.name} ${role}s`, access.held[role].people);
    if (managed.includes('extraRoles'))
      for (const [role, holders] of access.extraRoles)
        add(
          extraRoleGroupName(organization, product, role),
          'extraRole',
          `${product.name} role ${role}`,
          holders.people,
        );
    // Whatever `managed` says: only the compiler can fill them, and the tools bind them.
    const gate = access.clearance;
    if (gate)
      for (const group of access.clearedGroups)
        add(
          group.name,
          'clearance',
          `${group.source} members ${clearedFor(gate)} (${product.name})`,
          group.members,
        );
    if (managed.includes('tools'))
      for (const group of access.toolGroups)
        add(
          group.name,
          'tool',
          `${group.tool} ${group.level} access to namespace ${group.namespace}`,
          group.holders.people,
        );
  }
  const realmManaged = (model.keycloak?.realms ?? []).flatMap((realm) =>
    realmGroups(realm, products),
  );
  for (const group of realmManaged) collector.add(group);

  const adminsBuilder = new HoldersBuilder();
  for (const user of model.platformAdmins.users)
    adminsBuilder.addUser(user, 'listed in platformAdmins.users');
  for (const group of model.platformAdmins.groups)
    adminsBuilder.addGroup(group, declared.get(group) ?? [], 'is listed in platformAdmins.groups');
  const platformAdmins = adminsBuilder.build();
  const meanings = groupMeanings(model, products, platformAdmins, declared);
  for (const group of realmManaged) {
    // A realm group's own meaning: the people of the roles it is granted to.
    meanings.set(group.name, [...(meanings.get(group.name) ?? []), group.members]);
  }

  const people = new Map<string, User>();
  for (const user of model.users) people.set(user.name, user);
  for (const access of products)
    for (const role of GROUP_ROLES)
      for (const person of access.held[role].people.keys())
        if (!people.has(person)) people.set(person, { name: person });

  return {
    model,
    products,
    groups: collector.sorted(meanings),
    platformAdmins,
    people,
  };
}
