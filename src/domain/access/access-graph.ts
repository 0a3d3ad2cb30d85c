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

class GroupCollector {
  private readonly byName = new Map<string, ManagedGroup>();

  add(group: ManagedGroup): void {
    const existing = this.byName.get(group.name);
    if (!existing) {
      this.byName.set(group.name, group);
      return;
    }
    // Shared conventions (one `edp-oidc-developers` for many products) merge members.
    const members = new Map(existing.members);
    for (const [person, why] of group.members) if (!members.has(person)) members.set(person, why);
    this.byName.set(group.name, {
      ...existing,
      members,
      realmRoles: [...new Set([...existing.realmRoles, ...group.realmRoles])].sort(),
    });
  }

  sorted(): ManagedGroup[] {
    return [...this.byName.values()]
      .map((group) => ({
        ...group,
        members: new Map([...group.members].sort(([a], [b]) => compareText(a, b))),
      }))
      .sort((a, b) => compareText(a.name, b.name));
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
  for (const realm of model.keycloak?.realms ?? [])
    for (const group of realmGroups(realm, products)) collector.add(group);

  const platformAdmins = new HoldersBuilder();
  for (const user of model.platformAdmins.users)
    platformAdmins.addUser(user, 'listed in platformAdmins.users');
  for (const group of model.platformAdmins.groups)
    platformAdmins.addGroup(group, declared.get(group) ?? [], 'is listed in platformAdmins.groups');

  const people = new Map<string, User>();
  for (const user of model.users) people.set(user.name, user);
  for (const access of products)
    for (const role of GROUP_ROLES)
      for (const person of access.roles[role].people.keys())
        if (!people.has(person)) people.set(person, { name: person });

  return {
    model,
    products,
    groups: collector.sorted(),
    platformAdmins: platformAdmins.build(),
    people,
  };
}
