import {
  conventionalRoles,
  extraRoleGroupName,
  roleGroupName,
  toolGroupName,
} from '../tenancy/group-names.js';
import {
  GROUP_ROLES,
  NAMESPACE_TOOLS,
  type AccessLevel,
  type GroupRole,
  type Organization,
  type Product,
  type Realm,
  type Tenancy,
  type Tool,
  type User,
} from '../tenancy/tenancy-schema.js';
import {
  HoldersBuilder,
  memberHolds,
  memberReason,
  unionHolders,
  type Holders,
} from './role-holders.js';
import { compareText } from './serialize.js';

/** A per-namespace tool group (seed 000) and who is in it. */
export interface ToolGroup {
  readonly tool: Tool;
  readonly namespace: string;
  readonly level: AccessLevel;
  readonly name: string;
  readonly holders: Holders;
}

export interface ProductAccess {
  readonly organization: Organization;
  readonly product: Product;
  /** Who holds each role directly (developers are not repeated among collaborators). */
  readonly roles: Readonly<Record<GroupRole, Holders>>;
  readonly extraRoles: ReadonlyMap<string, Holders>;
  /** Conventional role group names, for the roles the organization has. */
  readonly roleGroups: ReadonlyMap<GroupRole, string>;
  /** Argo CD and Grafana groups per namespace and listed level. */
  readonly toolGroups: readonly ToolGroup[];
}

/** Why a managed group exists, for docs and `explain`. */
export type ManagedGroupKind = 'role' | 'extraRole' | 'tool' | 'realm' | 'platform';

/** An IdP group the compiler creates, with the people it puts in it. */
export interface ManagedGroup {
  readonly name: string;
  readonly kind: ManagedGroupKind;
  readonly description: string;
  /** The realm it lives in, when Keycloak output is configured for its organization. */
  readonly realm: string | undefined;
  readonly organization: string | undefined;
  readonly realmRoles: readonly string[];
  /** person → why. */
  readonly members: ReadonlyMap<string, string>;
}

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

/**
 * Holders of a role with the seed's implication applied: developers have collaborator
 * rights too (seed 003 "in addition to collaborator tools"; seed 001 binds developers to
 * `view`). Every other role is held only directly.
 */
export function effectiveHolders(access: ProductAccess, role: GroupRole): Holders {
  if (role !== 'collaborator') return access.roles[role];
  // Asked for once per namespace by several generators: computed once per product.
  let union = collaboratorUnions.get(access.roles);
  if (!union) {
    union = unionHolders(access.roles.collaborator, access.roles.developer);
    collaboratorUnions.set(access.roles, union);
  }
  return union;
}

const collaboratorUnions = new WeakMap<object, Holders>();

/** Holders of a tool level: `write` is developers, `read` collaborators and developers. */
export function levelHolders(access: ProductAccess, level: AccessLevel): Holders {
  return effectiveHolders(access, level === 'write' ? 'developer' : 'collaborator');
}

function declaredMembersIndex(model: Tenancy): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const organization of model.organizations)
    for (const group of organization.groups)
      index.set(group.name, [...(index.get(group.name) ?? []), ...group.members]);
  return index;
}

function productAccess(
  organization: Organization,
  product: Product,
  declared: ReadonlyMap<string, readonly string[]>,
): ProductAccess {
  const roleGroups = new Map<GroupRole, string>();
  for (const role of conventionalRoles(organization, product))
    roleGroups.set(role, roleGroupName(organization, product, role));

  const roles = {} as Record<GroupRole, Holders>;
  for (const role of GROUP_ROLES) {
    const builder = new HoldersBuilder();
    const conventional = roleGroups.get(role);
    if (conventional !== undefined)
      builder.addGroup(
        conventional,
        declared.get(conventional) ?? [],
        `is ${product.name}'s ${role} group by ${organization.name}'s naming convention`,
      );
    product.members.forEach((member, position) => {
      if (!memberHolds(member, role)) return;
      const why = memberReason(product, position, role);
      if (member.user !== undefined) builder.addUser(member.user, why);
      if (member.serviceAccount !== undefined) builder.addServiceAccount(member.serviceAccount);
      if (member.group !== undefined)
        builder.addGroup(member.group, declared.get(member.group) ?? [], `is ${why}`);
    });
    roles[role] = builder.build();
  }

  const extraRoles = new Map<string, Holders>();
  for (const role of product.extraRoles) {
    const builder = new HoldersBuilder();
    const name = extraRoleGroupName(organization, product, role);
    builder.addGroup(name, declared.get(name) ?? [], `is ${product.name}'s ${role} role group`);
    product.members.forEach((member, position) => {
      if (!member.roles.includes(role)) return;
      const why = memberReason(product, position, `roles/${role}`);
      if (member.user !== undefined) builder.addUser(member.user, why);
      if (member.serviceAccount !== undefined) builder.addServiceAccount(member.serviceAccount);
      if (member.group !== undefined)
        builder.addGroup(member.group, declared.get(member.group) ?? [], `is ${why}`);
    });
    extraRoles.set(role, builder.build());
  }

  const partial = { organization, product, roles, extraRoles, roleGroups, toolGroups: [] };
  const toolGroups: ToolGroup[] = [];
  for (const tool of NAMESPACE_TOOLS) {
    const levels = product.tools[tool];
    if (!levels) continue;
    for (const namespace of product.namespaces)
      for (const level of [...new Set(levels)].sort())
        toolGroups.push({
          tool,
          namespace,
          level,
          name: toolGroupName(organization, product, namespace, tool, level),
          holders: levelHolders(partial, level),
        });
  }
  return { ...partial, toolGroups };
}

/**
 * Everything the model makes a group name stand for, as the people each meaning admits: a
 * product role (conventional, extra-role and member-entry groups), a tool level, a realm
 * group, platform admins, a clearance. Tokens carry only the name, so a tool that reads a
 * group grants all of its meanings at once.
 */
function groupMeanings(
  model: Tenancy,
  products: readonly ProductAccess[],
  platformAdmins: Holders,
  declared: ReadonlyMap<string, readonly string[]>,
): Map<string, ReadonlyMap<string, string>[]> {
  const meanings = new Map<string, ReadonlyMap<string, string>[]>();
  const mean = (name: string, people: ReadonlyMap<string, string>): void => {
    meanings.set(name, [...(meanings.get(name) ?? []), people]);
  };
  for (const access of products) {
    const { organization, product } = access;
    for (const [role, name] of access.roleGroups) mean(name, access.roles[role].people);
    for (const [role, holders] of access.extraRoles)
      mean(extraRoleGroupName(organization, product, role), holders.people);
    for (const group of access.toolGroups) mean(group.name, group.holders.people);
    for (const member of product.members) {
      if (member.group === undefined) continue;
      for (const role of GROUP_ROLES)
        if (memberHolds(member, role)) mean(member.group, access.roles[role].people);
      for (const role of member.roles) {
        const holders = access.extraRoles.get(role);
        if (holders) mean(member.group, holders.people);
      }
    }
  }
  for (const group of model.platformAdmins.groups) mean(group, platformAdmins.people);
  for (const clearance of model.clearances) {
    if (clearance.group === undefined) continue;
    const cleared = new Map<string, string>();
    for (const user of clearance.users) cleared.set(user, `cleared for ${clearance.name}`);
    for (const user of declared.get(clearance.group) ?? [])
      cleared.set(user, `member of '${clearance.group}'`);
    mean(clearance.group, cleared);
  }
  return meanings;
}

/**
 * The managed groups by realm and name. A person joins a group only when every meaning of
 * its name admits them (one `edp-oidc-developers` for all of an organization's products
 * means developer of each; a group named like a platform admin group means admin), so
 * creating a group never grants more than the model entitles.
 */
class GroupCollector {
  private readonly byKey = new Map<string, ManagedGroup>();

  add(group: ManagedGroup): void {
    const key = `${group.realm ?? ''}\u0000${group.name}`;
    const existing = this.byKey.get(key);
    this.byKey.set(
      key,
      existing
        ? {
            ...existing,
            description: `${existing.description}; ${group.description}`,
            realmRoles: [...new Set([...existing.realmRoles, ...group.realmRoles])].sort(),
          }
        : group,
    );
  }

  sorted(meanings: ReadonlyMap<string, readonly ReadonlyMap<string, string>[]>): ManagedGroup[] {
    return [...this.byKey.values()]
      .map((group) => {
        const all = meanings.get(group.name) ?? [];
        // Members arrive sorted (holders are built sorted); filtering keeps the order.
        if (all.every((people) => people === group.members)) return group;
        const members = [...group.members].filter(([person]) =>
          all.every((people) => people.has(person)),
        );
        return { ...group, members: new Map(members) };
      })
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.realm ?? '', b.realm ?? ''));
  }
}

function realmOf(model: Tenancy, organization: string): string | undefined {
  return model.keycloak?.realms.find((realm) => realm.organizations.includes(organization))?.name;
}

function realmGroups(realm: Realm, products: readonly ProductAccess[]): ManagedGroup[] {
  return realm.groups.map((group) => {
    const builder = new HoldersBuilder();
    for (const { product, role } of group.grantedTo) {
      const access = products.find((candidate) => candidate.product.name === product);
      if (access) builder.addAll(effectiveHolders(access, role));
    }
    const holders = builder.build();
    const members = new Map<string, string>();
    for (const [person, why] of holders.people) members.set(person, why);
    return {
      name: group.name,
      kind: 'realm' as const,
      description: `Realm ${realm.name} group for ${group.grantedTo.map((g) => `${g.product} ${g.role}s`).join(', ') || 'no product'}`,
      realm: realm.name,
      organization: undefined,
      realmRoles: [...group.realmRoles].sort(),
      members,
    };
  });
}

export function compileAccessGraph(model: Tenancy): AccessGraph {
  const declared = declaredMembersIndex(model);
  const products: ProductAccess[] = [];
  for (const organization of model.organizations)
    for (const product of organization.products)
      products.push(productAccess(organization, product, declared));

  const collector = new GroupCollector();
  for (const access of products) {
    const { organization, product } = access;
    const managed = organization.groupNaming.managed;
    const realm = realmOf(model, organization.name);
    const base = { realm, organization: organization.name, realmRoles: [] };
    if (managed.includes('roles'))
      for (const [role, name] of access.roleGroups)
        collector.add({
          ...base,
          name,
          kind: 'role',
          description: `${product.name} ${role}s`,
          members: access.roles[role].people,
        });
    if (managed.includes('extraRoles'))
      for (const [role, holders] of access.extraRoles)
        collector.add({
          ...base,
          name: extraRoleGroupName(organization, product, role),
          kind: 'extraRole',
          description: `${product.name} role ${role}`,
          members: holders.people,
        });
    if (managed.includes('tools'))
      for (const group of access.toolGroups)
        collector.add({
          ...base,
          name: group.name,
          kind: 'tool',
          description: `${group.tool} ${group.level} access to namespace ${group.namespace}`,
          members: group.holders.people,
        });
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
      for (const person of access.roles[role].people.keys())
        if (!people.has(person)) people.set(person, { name: person });

  return {
    model,
    products,
    groups: collector.sorted(meanings),
    platformAdmins,
    people,
  };
}
