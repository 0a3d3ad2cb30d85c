import { GROUP_ROLES } from '../tenancy/tenancy-schema.js';
import type { AccessGraph } from './access-graph.js';
import { clearedFor } from './clearance-gate.js';
import { levelAtLeast, type Grant } from './access-output.js';
import { compareText } from './serialize.js';

export interface Because {
  readonly because: string;
}

/** Everything a user gets from the model, and through which membership. */
export interface UserAccessReport {
  readonly user: string;
  readonly known: boolean;
  readonly platformAdmin: string | undefined;
  /** IdP groups the user is in: declared in the model or created with them as a member. */
  readonly groups: readonly ({ readonly group: string } & Because)[];
  /** Product roles, e.g. koa developer. */
  readonly roles: readonly ({ readonly product: string; readonly role: string } & Because)[];
  /** Every permission a generated file gives the user, a group of theirs or their repository. */
  readonly grants: readonly (Grant & { readonly via: string })[];
}

/**
 * Explains one user's access from the same grants the generated files carry, so the answer
 * cannot drift from what is rendered. Repositories count as the user's when a GitHub grant
 * lets them push to it: cloud roles those repositories may assume are reached that way.
 */
export function explainUser(
  graph: AccessGraph,
  grants: readonly Grant[],
  user: string,
): UserAccessReport {
  const groups = new Map<string, string>();
  for (const organization of graph.model.organizations)
    for (const group of organization.groups)
      if (group.members.includes(user))
        groups.set(
          group.name,
          `declared member of '${group.name}' in organization ${organization.name}`,
        );
  for (const group of graph.groups) {
    const why = group.members.get(user);
    if (why !== undefined && !groups.has(group.name)) groups.set(group.name, why);
  }

  const roles: ({ product: string; role: string } & Because)[] = [];
  for (const access of graph.products) {
    for (const role of GROUP_ROLES) {
      const why = access.held[role].people.get(user);
      if (why === undefined) continue;
      // Held, yet not bound anywhere: say so, or the missing grants would look like a bug.
      const gate = access.clearance;
      const because =
        gate && !access.roles[role].people.has(user)
          ? `${why}; not ${clearedFor(gate)}, so the product's tools do not bind them`
          : why;
      roles.push({ product: access.product.name, role, because });
    }
    for (const [role, holders] of access.extraRoles) {
      const why = holders.people.get(user);
      if (why !== undefined)
        roles.push({ product: access.product.name, role: `roles/${role}`, because: why });
    }
  }

  const platformAdmin = graph.platformAdmins.people.get(user);
  const found: (Grant & { via: string })[] = [];
  const repositories = new Map<string, string>();
  for (const grant of grants) {
    if (grant.subject.kind === 'user' && grant.subject.name === user) {
      found.push({ ...grant, via: 'granted to the user directly' });
      const { repository } = grant;
      if (grant.tool === 'github' && repository && levelAtLeast(grant.level, 'write'))
        repositories.set(repository, `may push to ${repository} (${grant.permission})`);
    } else if (grant.subject.kind === 'group' && groups.has(grant.subject.name)) {
      found.push({ ...grant, via: `member of '${grant.subject.name}'` });
    }
  }
  for (const grant of grants)
    if (grant.subject.kind === 'repository') {
      const why = repositories.get(grant.subject.name);
      if (why !== undefined) found.push({ ...grant, via: why });
    }

  return {
    user,
    known: graph.people.has(user) || groups.size > 0 || platformAdmin !== undefined,
    platformAdmin,
    groups: [...groups]
      .map(([group, because]) => ({ group, because }))
      .sort((a, b) => compareText(a.group, b.group)),
    roles,
    grants: found.sort(
      (a, b) =>
        compareText(a.tool, b.tool) ||
        compareText(a.namespace ?? a.product ?? '', b.namespace ?? b.product ?? '') ||
        compareText(a.permission, b.permission),
    ),
  };
}
