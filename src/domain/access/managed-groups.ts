import { extraRoleGroupName } from '../tenancy/group-names.js';
import { GROUP_ROLES, type Realm, type Tenancy } from '../tenancy/tenancy-schema.js';
import { effectiveHolders, type ProductAccess } from './product-access.js';
import { HoldersBuilder, memberHolds, type Holders } from './role-holders.js';

/** Why a managed group exists, for docs and `explain`. */
export type ManagedGroupKind = 'role' | 'extraRole' | 'tool' | 'realm' | 'clearance';

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

/** The realm roles of a group granted none (shared: group objects are never changed). */
export const NO_REALM_ROLES: readonly string[] = Object.freeze([]);

/** A managed group with other members, as a literal of the one group shape. */
function withMembers(group: ManagedGroup, members: ReadonlyMap<string, string>): ManagedGroup {
  const { name, kind, description, realm, organization, realmRoles } = group;
  return { name, kind, description, realm, organization, realmRoles, members };
}

/**
 * Everything the model makes a group name stand for, as the people each meaning admits: a
 * product role (conventional, extra-role and member-entry groups), a tool level, a realm
 * group, platform admins, a clearance, a gated product's cleared group. Tokens carry only the name, so a tool that reads a
 * group grants all of its meanings at once.
 */
export function groupMeanings(
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
    for (const [role, name] of access.roleGroups) mean(name, access.held[role].people);
    for (const [role, holders] of access.extraRoles)
      mean(extraRoleGroupName(organization, product, role), holders.people);
    for (const group of access.toolGroups) mean(group.name, group.holders.people);
    for (const member of product.members) {
      if (member.group === undefined) continue;
      for (const role of GROUP_ROLES)
        if (memberHolds(member, role)) mean(member.group, access.held[role].people);
      for (const role of member.roles) {
        const holders = access.extraRoles.get(role);
        if (holders) mean(member.group, holders.people);
      }
    }
    // A cleared group stands for the cleared holders of each role it is bound for.
    if (access.clearance)
      for (const role of GROUP_ROLES)
        for (const name of access.roles[role].groups) mean(name, access.roles[role].people);
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
export class GroupCollector {
  private readonly byKey = new Map<string, ManagedGroup>();

  add(group: ManagedGroup): void {
    const key = `${group.realm ?? ''}\u0000${group.name}`;
    const existing = this.byKey.get(key);
    this.byKey.set(
      key,
      existing
        ? {
            name: existing.name,
            kind: existing.kind,
            description: `${existing.description}; ${group.description}`,
            realm: existing.realm,
            organization: existing.organization,
            realmRoles: [...new Set([...existing.realmRoles, ...group.realmRoles])].sort(),
            members: existing.members,
          }
        : group,
    );
  }

  sorted(meanings: ReadonlyMap<string, readonly ReadonlyMap<string, string>[]>): ManagedGroup[] {
    // By name, then realm: `name \0 realm` keys in the built-in (code-unit) order sort the
    // same way, NUL being below every character a name holds, without a callback per pair.
    const byOrder = new Map<string, ManagedGroup>();
    for (const group of this.byKey.values())
      byOrder.set(`${group.name}\u0000${group.realm ?? ''}`, group);
    return [...byOrder.keys()].sort().map((key) => {
      const group = byOrder.get(key) as ManagedGroup;
      const all = meanings.get(group.name) ?? [];
      // Members arrive sorted (holders are built sorted); filtering keeps the order.
      if (all.every((people) => people === group.members)) return group;
      const members = [...group.members].filter(([person]) =>
        all.every((people) => people.has(person)),
      );
      return withMembers(group, new Map(members));
    });
  }
}

/** The Keycloak realm an organization's groups live in, if any. */
export function realmOf(model: Tenancy, organization: string): string | undefined {
  return model.keycloak?.realms.find((realm) => realm.organizations.includes(organization))?.name;
}

/** A realm's own groups, with the people of the product roles each is granted to. */
export function realmGroups(realm: Realm, products: readonly ProductAccess[]): ManagedGroup[] {
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
