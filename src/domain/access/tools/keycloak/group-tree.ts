import type { ManagedGroup } from '../../access-graph.js';
import { compareText, sortedUnique } from '../../serialize.js';
import { groupPathSegments } from '../idp/group-path.js';
import type { KeycloakGroup } from './realm-import-schema.js';

/** The Keycloak path of an IdP group name: `Platform-One/Products/Valkyrie/developer` → `/Platform-One/Products/Valkyrie/developer`. */
export function keycloakGroupPath(name: string): string {
  return `/${groupPathSegments(name).join('/')}`;
}

interface Node {
  readonly name: string;
  readonly path: string;
  readonly realmRoles: Set<string>;
  readonly children: Map<string, Node>;
}

/**
 * The groups of one realm as Keycloak's tree: a hierarchical name becomes nested
 * `subGroups` (seed 003 `Platform-One` → `Products` → `Valkyrie` → `developer`), with the
 * levels between created as plain groups and groups that share a path merged. Siblings are
 * sorted by name.
 *
 * Every group carries `realmRoles` and `subGroups`, empty ones too: keycloak-config-cli
 * updates a group's realm roles and removes stale sub-groups only when the import lists
 * them (GroupImportService.updateGroup), so leaving them out would keep what the model no
 * longer says.
 */
export function groupTree(groups: readonly ManagedGroup[]): KeycloakGroup[] {
  const roots = new Map<string, Node>();
  for (const group of groups) {
    let level = roots;
    let node: Node | undefined;
    for (const segment of groupPathSegments(group.name)) {
      const existing = level.get(segment);
      node = existing ?? {
        name: segment,
        path: `${node?.path ?? ''}/${segment}`,
        realmRoles: new Set(),
        children: new Map(),
      };
      if (!existing) level.set(segment, node);
      level = node.children;
    }
    for (const role of group.realmRoles) node?.realmRoles.add(role);
  }
  return toGroups(roots);
}

function toGroups(level: ReadonlyMap<string, Node>): KeycloakGroup[] {
  return [...level.values()]
    .sort((a, b) => compareText(a.name, b.name))
    .map((node) => ({
      name: node.name,
      path: node.path,
      realmRoles: sortedUnique(node.realmRoles),
      subGroups: toGroups(node.children),
    }));
}

/** Every group of a tree, parents before their sub-groups. */
export function flattenGroups(groups: readonly KeycloakGroup[]): KeycloakGroup[] {
  return groups.flatMap((group) => [group, ...flattenGroups(group.subGroups ?? [])]);
}
