import type { ManagedGroup } from '../../access-graph.js';
import { GRANT_LEVELS, type Grant, type GrantLevel } from '../../access-output.js';
import type { GroupRole, Realm } from '../../../tenancy/tenancy-schema.js';
import { sortedUnique } from '../../serialize.js';

/** How strong a product role is when a realm group is granted to it. */
const LEVEL_OF_ROLE: Readonly<Record<GroupRole, GrantLevel>> = {
  admin: 'admin',
  developer: 'write',
  builder: 'write',
  deployer: 'write',
  manager: 'write',
  collaborator: 'read',
};

/**
 * Every role a realm role contains, directly or through other composites, sorted. Seed 001:
 * `administrator` ⊇ `sonar-administrators`, so holders of the first hold the second too.
 * Safe on cycles (the model checks reject them, but a loop here would hang a render).
 */
export function compositeClosure(realm: Realm, role: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    for (const composite of realm.roles.find((r) => r.name === name)?.composites ?? [])
      if (composite !== role && !seen.has(composite)) {
        seen.add(composite);
        visit(composite);
      }
  };
  visit(role);
  return sortedUnique(seen);
}

/** `realm role administrator (⊇ sonar-administrators)`: the role and what it brings along. */
export function realmRolePermission(realm: Realm, role: string): string {
  const contained = compositeClosure(realm, role);
  return contained.length === 0
    ? `realm role ${role}`
    : `realm role ${role} (⊇ ${contained.join(', ')})`;
}

/**
 * One grant per realm role of each group of the realm that has realm roles. The level is the
 * highest of the product roles the realm config grants the group to (`admin` → admin;
 * developer, builder, deployer, manager → write; collaborator → read), `read` when it names
 * none; `product` is set when the group serves exactly one product. Memberships are not
 * grants: `explain` reads them from the graph.
 */
export function realmGrants(realm: Realm, groups: readonly ManagedGroup[], file: string): Grant[] {
  const grants: Grant[] = [];
  for (const group of groups) {
    if (group.realmRoles.length === 0) continue;
    const grantedTo = realm.groups.find((candidate) => candidate.name === group.name)?.grantedTo;
    const level = (grantedTo ?? [])
      .map(({ role }) => LEVEL_OF_ROLE[role])
      .reduce<GrantLevel>(
        (highest, next) =>
          GRANT_LEVELS.indexOf(next) > GRANT_LEVELS.indexOf(highest) ? next : highest,
        'read',
      );
    const products = sortedUnique((grantedTo ?? []).map(({ product }) => product));
    const product = products.length === 1 ? products[0] : undefined;
    for (const role of group.realmRoles)
      grants.push({
        tool: 'keycloak',
        subject: { kind: 'group', name: group.name },
        permission: realmRolePermission(realm, role),
        level,
        ...(product === undefined ? {} : { product }),
        realm: realm.name,
        file,
      });
  }
  return grants;
}
