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
  type Tool,
} from '../tenancy/tenancy-schema.js';
import {
  HoldersBuilder,
  memberHolds,
  memberReason,
  unionHolders,
  type Holders,
} from './role-holders.js';

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

/** Who holds what in one product: its roles, extra roles and tool groups. */
export function productAccess(
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
