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
import { clearedFor, gateHolders, type ClearanceGate } from './clearance-gate.js';
import { compareText } from './serialize.js';
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

/** A group the compiler creates for a gated product: the cleared members of `source`. */
export interface ClearedGroup {
  readonly name: string;
  /** The group it stands in for: a role group, a member entry's group, a tool group. */
  readonly source: string;
  /** person → why. */
  readonly members: ReadonlyMap<string, string>;
}

export interface ProductAccess {
  readonly organization: Organization;
  readonly product: Product;
  /**
   * Who each role binds in the product's tool outputs (developers are not repeated among
   * collaborators): `held`, or for a product with a clearance only the principals holding
   * every clearance it requires, each group replaced by its cleared group.
   */
  readonly roles: Readonly<Record<GroupRole, Holders>>;
  /**
   * Who holds each role by the organization's facts, cleared or not: the members of the
   * role groups the compiler creates, and what `explain` lists as the person's roles.
   */
  readonly held: Readonly<Record<GroupRole, Holders>>;
  /** Set for a product with a clearance: who and what its tools may bind. */
  readonly clearance: ClearanceGate | undefined;
  /** The intersection groups its tools bind, to be created in the IdP (empty when ungated). */
  readonly clearedGroups: readonly ClearedGroup[];
  readonly extraRoles: ReadonlyMap<string, Holders>;
  /** Conventional role group names, for the roles the organization has. */
  readonly roleGroups: ReadonlyMap<GroupRole, string>;
  /**
   * Argo CD and Grafana groups per namespace and listed level; for a gated product, with
   * cleared holders, and named as cleared groups unless the compiler manages tool groups.
   */
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

/**
 * Who holds what in one product: its roles, extra roles and tool groups. With a clearance
 * gate (the product's `clearance`), the roles and tool groups its tools bind are cleared
 * only, computed here once for all of its namespaces and tools.
 */
export function productAccess(
  organization: Organization,
  product: Product,
  declared: ReadonlyMap<string, readonly string[]>,
  gate?: ClearanceGate,
): ProductAccess {
  const roleGroups = new Map<GroupRole, string>();
  for (const role of conventionalRoles(organization, product))
    roleGroups.set(role, roleGroupName(organization, product, role));

  const held = {} as Record<GroupRole, Holders>;
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
    held[role] = builder.build();
  }
  const { roles, clearedGroups } = gateRoles(held, declared, gate);

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

  const toolGroups: ToolGroup[] = [];
  const access: ProductAccess = {
    organization,
    product,
    roles,
    held,
    clearance: gate,
    clearedGroups,
    extraRoles,
    roleGroups,
    toolGroups,
  };
  // A tool group the compiler does not create has members it cannot vouch for: a gated
  // product binds a cleared group in its place, made of that level's cleared people.
  const renamed = gate !== undefined && !organization.groupNaming.managed.includes('tools');
  for (const tool of NAMESPACE_TOOLS) {
    const levels = product.tools[tool];
    if (!levels) continue;
    for (const namespace of product.namespaces)
      for (const level of [...new Set(levels)].sort()) {
        const name = toolGroupName(organization, product, namespace, tool, level);
        const holders = levelHolders(access, level);
        toolGroups.push({
          tool,
          namespace,
          level,
          name: renamed ? gate.groupName(name) : name,
          holders,
        });
        if (renamed)
          clearedGroups.push({ name: gate.groupName(name), source: name, members: holders.people });
      }
  }
  return access;
}

/**
 * The roles a gated product's tools bind, and the cleared groups standing in for each group
 * (its declared members who hold every clearance); the roles themselves when ungated.
 */
function gateRoles(
  held: Readonly<Record<GroupRole, Holders>>,
  declared: ReadonlyMap<string, readonly string[]>,
  gate: ClearanceGate | undefined,
): { roles: Readonly<Record<GroupRole, Holders>>; clearedGroups: ClearedGroup[] } {
  if (gate === undefined) return { roles: held, clearedGroups: [] };
  const roles = {} as Record<GroupRole, Holders>;
  const groups = new Map<string, ClearedGroup>();
  const cleared = clearedFor(gate);
  for (const role of GROUP_ROLES) {
    roles[role] = gateHolders(held[role], gate);
    for (const source of held[role].groups) {
      const name = gate.groupName(source);
      if (groups.has(name)) continue;
      const reason = `member of '${source}', ${cleared}`;
      const members = (declared.get(source) ?? [])
        .filter((person) => gate.person(person))
        .map((person): [string, string] => [person, reason]);
      members.sort(([a], [b]) => compareText(a, b));
      groups.set(name, { name, source, members: new Map(members) });
    }
  }
  return { roles, clearedGroups: [...groups.values()] };
}
