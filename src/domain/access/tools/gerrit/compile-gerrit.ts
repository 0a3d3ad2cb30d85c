import { levelHolders, type AccessGraph, type ProductAccess } from '../../access-graph.js';
import type { Grant, ToolOutput } from '../../access-output.js';
import { compareText, generatedYaml, sortedUnique } from '../../serialize.js';
import type { AccessLevel } from '../../../tenancy/tenancy-schema.js';
import type { GerritGroup, GerritGroupMember } from './gerrit-schema.js';
import { objectName } from '../../../shared/object-name.js';

/**
 * One file for every product: Gerrit groups and accounts belong to the one Gerrit, and two
 * products sharing a group (seed 001's `edp-oidc-developers` is one group for all of an
 * organization's products) must share one GerritGroupMember. Two objects for one
 * membership would fight: deleting either removes the member (the operator's finalizer).
 */
export const GERRIT_PATH = 'gerrit/group-members.yaml';

/**
 * The Gerrit group of a product level: the product's developer group for `write`, its
 * collaborator group for `read`, by the organization's naming convention; products of an
 * organization without such role groups get `<product>-developers` / `-collaborators`.
 */
export function gerritGroupName(access: ProductAccess, level: AccessLevel): string {
  const role = level === 'write' ? 'developer' : 'collaborator';
  return access.roleGroups.get(role) ?? `${access.product.name}-${role}s`;
}

function groupObject(name: string, uses: readonly string[]): GerritGroup {
  return {
    apiVersion: 'v2.edp.epam.com/v1',
    kind: 'GerritGroup',
    metadata: { name: objectName([name]) },
    spec: { name, description: `Gerrit group for ${uses.join(', ')} access`, visibleToAll: false },
  };
}

function memberObject(group: string, email: string): GerritGroupMember {
  return {
    apiVersion: 'v2.edp.epam.com/v1',
    kind: 'GerritGroupMember',
    metadata: { name: objectName([group, email]) },
    spec: { groupId: group, accountId: email },
  };
}

/**
 * Gerrit (seed 001: "the user is not automatically attached to any groups"): for products
 * with `tools.gerrit`, a GerritGroup per level group (created when Gerrit lacks it) and a
 * GerritGroupMember per person with an e-mail and group, for the edp-gerrit-operator, all
 * in `gerrit/group-members.yaml`. People come from the level's holders (`read` includes
 * developers); people without an e-mail have no Gerrit account to add and are left out.
 */
export function compileGerrit(graph: AccessGraph): ToolOutput {
  // A group name shared by several products (one `edp-oidc-developers` for all) means each
  // of their levels: a person joins it only when they hold every one of them.
  const meanings = new Map<string, Set<string>[]>();
  for (const access of graph.products)
    for (const level of ['read', 'write'] as const) {
      const name = gerritGroupName(access, level);
      meanings.set(name, [
        ...(meanings.get(name) ?? []),
        new Set(levelHolders(access, level).people.keys()),
      ]);
    }
  const qualifies = (group: string, person: string): boolean =>
    (meanings.get(group) ?? []).every((people) => people.has(person));
  const groups = new Map<string, string[]>();
  const members = new Map<string, { group: string; email: string }>();
  const grants: Grant[] = [];
  for (const access of graph.products) {
    const listed = access.product.tools.gerrit;
    if (!listed) continue;
    const product = access.product.name;
    for (const level of sortedUnique(listed) as AccessLevel[]) {
      const group = gerritGroupName(access, level);
      groups.set(group, [...(groups.get(group) ?? []), `${product} ${level}`]);
      for (const person of levelHolders(access, level).people.keys()) {
        const email = graph.people.get(person)?.email;
        if (email === undefined || !qualifies(group, person)) continue;
        members.set(`${group}\n${email}`, { group, email });
        grants.push({
          tool: 'gerrit',
          subject: { kind: 'user', name: person },
          permission: `member of ${group}`,
          level,
          product,
          file: GERRIT_PATH,
        });
      }
    }
  }
  if (groups.size === 0) return { tool: 'gerrit', files: [], grants };

  const objects = [
    ...[...groups]
      .sort(([a], [b]) => compareText(a, b))
      .map(([name, uses]) => groupObject(name, uses)),
    ...[...members]
      .sort(([a], [b]) => compareText(a, b))
      .map(([, { group, email }]) => memberObject(group, email)),
  ];
  const file = {
    path: GERRIT_PATH,
    content: generatedYaml(objects),
    objects: objects.map((object) => `${object.kind} ${object.metadata.name}`),
  };
  return { tool: 'gerrit', files: [file], grants };
}
