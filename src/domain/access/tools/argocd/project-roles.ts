import type { AccessGraph, ProductAccess } from '../../access-graph.js';
import type { GrantLevel } from '../../access-output.js';
import { compareText, sortedUnique } from '../../serialize.js';
import type { GroupRole } from '../../../tenancy/tenancy-schema.js';

/**
 * Application actions per level. Seed 000: "`write` simple signifies, that the user may be
 * able to … restart a service or similar operations": sync, update and the resource actions
 * (`restart` is one); never delete or create, which stay with the application repository.
 */
export const LEVEL_ACTIONS: Readonly<Record<GrantLevel, readonly string[]>> = {
  read: ['get'],
  write: ['get', 'sync', 'update', 'action/*'],
  admin: ['*'],
};

/** An Argo CD role of a product's project, with the IdP groups bound to it. */
export interface ProjectRoleSpec {
  /** `<namespace>-<level>` (seed 000 groups) or `admin|write|read` (realm groups, seed 001). */
  readonly name: string;
  readonly level: GrantLevel;
  /** Set for a role limited to one namespace's applications. */
  readonly namespace?: string;
  readonly groups: readonly string[];
  /** The RBAC object: `<project>/<namespace>/*`, or `<project>/*` for every namespace. */
  readonly object: string;
}

/**
 * Realm group role → Argo CD level. Seed 001: deployers deploy "via Argo CD Application",
 * builders start pipeline runs (not Argo CD), and `manager` manages membership only (seed
 * 003 self management): those two reach Argo CD through their base role, if at all.
 */
const REALM_ROLE_LEVEL: Readonly<Record<GroupRole, GrantLevel | undefined>> = {
  admin: 'admin',
  developer: 'write',
  builder: undefined,
  deployer: 'write',
  collaborator: 'read',
  manager: undefined,
};

const REALM_ROLE_NAME: Readonly<Record<GrantLevel, string>> = {
  admin: 'admin',
  write: 'write',
  read: 'read',
};

const LEVEL_ORDER: readonly GrantLevel[] = ['read', 'write', 'admin'];

/**
 * The level a realm group may have on one product's project: its members are everyone
 * holding any of its `grantedTo` roles, so it gets what all of them may have (the weakest
 * level), and nothing when it also stands for another product's people or for a role with
 * no Argo CD meaning.
 */
function realmGroupLevel(
  grantedTo: readonly { product: string; role: GroupRole }[],
  project: string,
): GrantLevel | undefined {
  if (grantedTo.length === 0 || grantedTo.some((grant) => grant.product !== project))
    return undefined;
  const levels = grantedTo.map((grant) => REALM_ROLE_LEVEL[grant.role]);
  if (levels.some((level) => level === undefined)) return undefined;
  return (levels as GrantLevel[]).sort(
    (a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b),
  )[0];
}

/**
 * The roles of a product's AppProject, sorted by name: one per namespace and level listed
 * in `tools.argocd`, bound to the seed 000 group (`koa-dev-argocd-write`); and product-wide
 * `admin|write|read` roles for Keycloak realm groups granted to the product (seed 001
 * `ArgoCDAdmins`, `ArgoCD-edp-users`) granted to this product only, at the weakest level
 * of the roles they are granted to.
 */
export function projectRoles(graph: AccessGraph, access: ProductAccess): ProjectRoleSpec[] {
  const project = access.product.name;
  const roles: ProjectRoleSpec[] = access.toolGroups
    .filter((group) => group.tool === 'argocd')
    .map((group) => ({
      name: `${group.namespace}-${group.level}`,
      level: group.level,
      namespace: group.namespace,
      groups: [group.name],
      // Apps in any namespace: the team's Applications live in its own namespaces, and
      // Argo CD names them `<project>/<namespace>/<application>` in RBAC.
      object: `${project}/${group.namespace}/*`,
    }));

  const realmGroupsByLevel = new Map<GrantLevel, string[]>();
  for (const realm of graph.model.keycloak?.realms ?? [])
    for (const group of realm.groups) {
      const level = realmGroupLevel(group.grantedTo, project);
      if (level === undefined) continue;
      realmGroupsByLevel.set(level, [...(realmGroupsByLevel.get(level) ?? []), group.name]);
    }
  for (const [level, groups] of realmGroupsByLevel)
    roles.push({
      name: REALM_ROLE_NAME[level],
      level,
      groups: sortedUnique(groups),
      // `*` matches across `/` in Argo CD's glob mode, so this covers every namespace.
      object: `${project}/*`,
    });
  return roles.sort((a, b) => compareText(a.name, b.name));
}

/**
 * The policy lines of a role for `subject` (`proj:<project>:<role>` in the AppProject,
 * `role:<project>:<role>` globally): its application actions, then reading logs, which
 * Argo CD checks separately from `applications, get`.
 */
export function policyLines(subject: string, role: ProjectRoleSpec): string[] {
  return [
    ...LEVEL_ACTIONS[role.level].map(
      (action) => `p, ${subject}, applications, ${action}, ${role.object}, allow`,
    ),
    `p, ${subject}, logs, get, ${role.object}, allow`,
  ];
}

/** The subject of a project role inside its AppProject. */
export function projectRoleSubject(project: string, role: ProjectRoleSpec): string {
  return `proj:${project}:${role.name}`;
}

/**
 * The global role in `argocd/policy.csv` that mirrors a project role. `:` cannot occur in a
 * product or role name, so product `a` with namespace `b-c` and product `a-b` with namespace
 * `c` never share one (`role:a-b-c-write` would have merged their rights).
 */
export function globalRoleSubject(project: string, role: ProjectRoleSpec): string {
  return `role:${project}:${role.name}`;
}

/** The grant text of a project role: `proj:koa:koa-dev-write (get, sync, update, action/*)`. */
export function rolePermission(project: string, role: ProjectRoleSpec): string {
  return `${projectRoleSubject(project, role)} (${LEVEL_ACTIONS[role.level].join(', ')})`;
}
