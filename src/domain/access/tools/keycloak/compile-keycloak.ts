import type { AccessGraph, ManagedGroup } from '../../access-graph.js';
import type { AccessFile, Grant, ToolOutput } from '../../access-output.js';
import type { Realm, User } from '../../../tenancy/tenancy-schema.js';
import { compareText, entriesByKey, sortedUnique, toJsonInSlices } from '../../serialize.js';
import { flattenGroups, groupTree, keycloakGroupPath } from './group-tree.js';
import { realmGrants } from './realm-grants.js';
import type { KeycloakRole, RealmImport } from './realm-import-schema.js';

/** Where a realm's import goes: `keycloak/<realm>.json` (keycloak-config-cli reads JSON natively). */
export function keycloakRealmFile(realm: string): string {
  return `keycloak/${realm}.json`;
}

/**
 * One keycloak-config-cli realm import per realm of `model.keycloak.realms` (none → no
 * files): the realm, its declared
 * roles with their composites (seed 001), the graph's groups of the realm as a tree of
 * sub-groups (seed 003), and every person in those groups as a user listing their groups by
 * path. Lists are sorted, so the same model gives the same bytes. Grants: one per realm role
 * a group holds (see `realmGrants`); memberships are read from the graph.
 * The tests hold every document to `realmImportSchema` (not done here: it costs a third
 * of the render at 50,000 users); what a checked model could still get wrong there, such as
 * usernames differing only in case, the model checks refuse.
 */
export function compileKeycloak(graph: AccessGraph): ToolOutput {
  const files: AccessFile[] = [];
  const grants: Grant[] = [];
  // One pass over the graph's groups (hundreds of thousands at scale), not one per realm.
  const groupsByRealm = new Map<string, ManagedGroup[]>();
  for (const group of graph.groups) {
    if (group.realm === undefined) continue;
    const inRealm = groupsByRealm.get(group.realm);
    if (inRealm) inRealm.push(group);
    else groupsByRealm.set(group.realm, [group]);
  }
  for (const realm of graph.model.keycloak?.realms ?? []) {
    const path = keycloakRealmFile(realm.name);
    const groups = groupsByRealm.get(realm.name) ?? [];
    const head = realmHead(realm, groups);
    const members = realmMembers(groups);
    files.push({
      path,
      // Users last, each made as its slice is written (50,000 at bench scale).
      content: toJsonInSlices(head, 'users', members, ([username, paths]) =>
        keycloakUser(username, paths, graph.people),
      ),
      objects: realmObjects(head, members),
    });
    grants.push(...realmGrants(realm, groups, path));
  }
  return { tool: 'keycloak', files, grants };
}

/** A realm import without its users: {@link realmMembers} lists them. */
function realmHead(realm: Realm, groups: readonly ManagedGroup[]): Omit<RealmImport, 'users'> {
  return {
    realm: realm.name,
    enabled: true,
    // Left out when the model declares none: keycloak-config-cli deletes realm roles missing
    // from a `roles.realm` list, and an empty list says nothing the model meant.
    ...(realm.roles.length === 0 ? {} : { roles: { realm: realmRoles(realm) } }),
    groups: groupTree(groups),
  };
}

function realmRoles(realm: Realm): KeycloakRole[] {
  return [...realm.roles]
    .sort((a, b) => compareText(a.name, b.name))
    .map((role) => {
      const composites = sortedUnique(role.composites);
      return {
        name: role.name,
        ...(role.description === undefined ? {} : { description: role.description }),
        composite: composites.length > 0,
        composites: { realm: composites },
      };
    });
}

/**
 * Everyone in the realm's groups, by username, with the paths of those groups.
 * keycloak-config-cli replaces a user's groups with the listed ones, so the list is
 * complete for this realm.
 */
function realmMembers(groups: readonly ManagedGroup[]): [string, string[]][] {
  const memberships = new Map<string, string[]>();
  for (const group of groups) {
    const path = keycloakGroupPath(group.name);
    for (const person of group.members.keys()) {
      const paths = memberships.get(person);
      if (paths) paths.push(path);
      else memberships.set(person, [path]);
    }
  }
  return [...entriesByKey(memberships)];
}

/** A user as `keycloakUserSchema` reads it; an unknown email is undefined, which JSON leaves out. */
function keycloakUser(
  username: string,
  paths: readonly string[],
  people: ReadonlyMap<string, User>,
): object {
  return {
    username,
    email: people.get(username)?.email,
    enabled: true,
    groups: sortedUnique(paths),
  };
}

function realmObjects(
  head: Omit<RealmImport, 'users'>,
  members: readonly [string, readonly string[]][],
): string[] {
  return [
    `Realm ${head.realm}`,
    ...(head.roles?.realm ?? []).map((role) => `RealmRole ${role.name}`),
    ...flattenGroups(head.groups ?? []).map((group) => `Group ${group.path}`),
    ...members.map(([username]) => `User ${username}`),
  ];
}
