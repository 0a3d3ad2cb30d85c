import { clearedGroupName } from '../../src/domain/access/clearance-gate.js';
import {
  extraRoleGroupName,
  roleGroupName,
  toolGroupName,
} from '../../src/domain/tenancy/group-names.js';
import {
  productClusterName,
  type Member,
  type Organization,
  type Product,
  type Realm,
  type Tenancy,
} from '../../src/domain/tenancy/tenancy-schema.js';
import { atMost, type Level, type Permission } from './output-readers.js';

/**
 * What the tenancy model entitles, written from the rules of the seeds and the schema's
 * docs, not from the access graph: no `effectiveHolders`, `levelHolders` or `memberHolds`,
 * only the group name templates. The entitlement property holds every generated file to it.
 */

/** Model people sign in as users; service accounts are IdP clients (Kubernetes `User`s too). */
export type Kind = 'person' | 'serviceAccount';

export interface Located {
  readonly organization: Organization;
  readonly product: Product;
}

type GrantedTo = Realm['groups'][number]['grantedTo'];

/** What a group name stands for: a role of a product (tool groups: their level's role). */
type Meaning =
  /** `cleared`: a gated product's cleared group, for those of the role with its clearances. */
  | { readonly kind: 'role'; readonly at: Located; readonly role: string; readonly cleared?: true }
  | { readonly kind: 'realm'; readonly grantedTo: GrantedTo };

/** Seed 000: `write` is for developers, `read` for collaborators (developers included). */
const LEVEL_ROLE = { read: 'collaborator', write: 'developer', admin: 'admin' } as const;

/**
 * The product role a Kubernetes ClusterRole (seed 001's tenant RoleBindings) or a GitHub
 * team permission (seed 000 step 6) needs; team maintainers add members (seed 003 self
 * management).
 */
const NEEDS: Readonly<Record<string, string>> = {
  view: 'collaborator',
  'tenant-developer': 'developer',
  'tenant-builder': 'builder',
  'tenant-deployer': 'deployer',
  'cluster-admin': 'admin',
  pull: 'collaborator',
  push: 'developer',
  maintain: 'admin',
  maintainer: 'manager',
};

/** Argo CD level of a product role: deployers deploy through Argo CD (seed 001). */
const ARGOCD_LEVEL: Readonly<Record<string, Level | undefined>> = {
  collaborator: 'read',
  developer: 'write',
  deployer: 'write',
  admin: 'admin',
};

/** Seed 001's `edp-default` template groups, one per level. */
const SONAR_GROUPS: Readonly<Record<Level, string>> = {
  read: 'non-interactive-users',
  write: 'sonar-developers',
  admin: 'sonar-administrators',
};

/** Every role a member entry gives (admin only where the product opts in, seed 000). */
function memberRoles(member: Member, product: Product): string[] {
  return [
    ...(member.role ? [member.role] : []),
    ...member.extensions,
    ...(member.manager ? ['manager'] : []),
    ...(member.admin && product.customerAdmin ? ['admin'] : []),
    ...member.roles.map((role) => `extra:${role}`),
  ];
}

/** The conventional groups of a product: `[role, group name]` for roleGroups and extraRoles. */
function conventionalGroups({ organization, product }: Located): [string, string][] {
  return [
    ...organization.groupNaming.roleGroups
      .filter((role) => role !== 'admin' || product.customerAdmin)
      .map((role): [string, string] => [role, roleGroupName(organization, product, role)]),
    ...product.extraRoles.map((role): [string, string] => [
      `extra:${role}`,
      extraRoleGroupName(organization, product, role),
    ]),
  ];
}

/**
 * Groups that hold a role of a product by its member entries: `[role, group name]` (the
 * product's tools bind them for the member's base and extension roles, manager and admin).
 */
function memberGroups({ product }: Located): [string, string][] {
  return product.members.flatMap((member) =>
    member.group === undefined
      ? []
      : memberRoles(member, product)
          .filter((role) => !role.startsWith('extra:'))
          .map((role): [string, string] => [role, member.group ?? '']),
  );
}

/** The cleared group a gated product binds instead of `group` (seed 003; see access-compiler.md). */
function clearedName({ organization, product }: Located, group: string): string | undefined {
  return product.clearance && clearedGroupName(organization, group, product.clearance.requires);
}

/** A realm role and every role it contains through composites (seed 001 ⊇). */
export function closure(realm: Realm | undefined, role: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    realm?.roles.find((r) => r.name === name)?.composites.forEach(visit);
  };
  visit(role);
  return seen;
}

export class EntitlementReference {
  readonly products: readonly Located[];
  /** person → the IdP groups some organization declares them in (the IdP is one for all). */
  private readonly declared = new Map<string, Set<string>>();

  constructor(readonly model: Tenancy) {
    this.products = model.organizations.flatMap((organization) =>
      organization.products.map((product) => ({ organization, product })),
    );
    for (const organization of model.organizations)
      for (const group of organization.groups)
        for (const person of group.members)
          this.declared.set(person, (this.declared.get(person) ?? new Set()).add(group.name));
  }

  /** People the model names anywhere: members, declared group members, the directory. */
  people(): string[] {
    const names = new Set([...this.declared.keys(), ...this.model.users.map((u) => u.name)]);
    for (const { product } of this.products)
      for (const member of product.members) if (member.user) names.add(member.user);
    return [...names].sort();
  }

  byName(name: string): Located | undefined {
    return this.products.find(({ product }) => product.name === name);
  }

  owner(namespace: string): Located | undefined {
    return this.products.find(({ product }) => product.namespaces.includes(namespace));
  }

  /**
   * Whether the model places a product's namespace on an EKS cluster: a cluster entry that
   * is a name holds all of its namespaces, `{ name, namespaces }` the listed ones (seed 002).
   */
  onCluster(at: Located | undefined, cluster: string, namespace: string): boolean {
    return (at?.product.aws?.clusters ?? []).some(
      (entry) =>
        productClusterName(entry) === cluster &&
        at?.product.namespaces.includes(namespace) === true &&
        (typeof entry === 'string' || entry.namespaces.includes(namespace)),
    );
  }

  /**
   * Whether a service account is a Kubernetes ServiceAccount (`serviceAccounts[].kubernetes`):
   * bound as `kind: ServiceAccount`, never as a `User` of its name, which is someone else.
   */
  inKubernetes(name: string): boolean {
    return this.model.serviceAccounts.some(
      (account) => account.name === name && account.kubernetes !== undefined,
    );
  }

  /**
   * Roles held in a product (`developer`, `builder`, `extra:ADMIN`, …): from member entries
   * naming the subject or a group it is declared in, and from the conventional groups.
   */
  held(name: string, kind: Kind, at: Located): Set<string> {
    const groups = kind === 'person' ? (this.declared.get(name) ?? new Set()) : new Set();
    const held = new Set<string>();
    for (const member of at.product.members) {
      const matches =
        kind === 'person'
          ? member.user === name || (member.group !== undefined && groups.has(member.group))
          : member.serviceAccount === name;
      if (matches) for (const role of memberRoles(member, at.product)) held.add(role);
    }
    for (const [role, group] of conventionalGroups(at)) if (groups.has(group)) held.add(role);
    return held;
  }

  /** Developers have collaborator rights too (seed 003; seed 001 binds them to `view`). */
  holds(name: string, kind: Kind, at: Located | undefined, role: string): boolean {
    if (!at) return false;
    const held = this.held(name, kind, at);
    return held.has(role) || (role === 'collaborator' && held.has('developer'));
  }

  /**
   * Whether `name` holds every clearance the product requires (seed 003: "IL2 Authorized and
   * P1/Product/Unicorn/developer would both be required"): listed in the clearance's
   * `users`, or, for a person, a declared member of its group. Service accounts join no
   * IdP group, so only `users` clears them.
   */
  clearedFor(name: string, kind: Kind, at: Located): boolean {
    const groups = kind === 'person' ? this.declared.get(name) : undefined;
    return (at.product.clearance?.requires ?? []).every((required) => {
      const clearance = this.model.clearances.find((c) => c.name === required);
      return (
        clearance !== undefined &&
        (clearance.users.includes(name) ||
          (clearance.group !== undefined && groups?.has(clearance.group) === true))
      );
    });
  }

  /**
   * The products with a clearance whose scope a permission is in: a namespace's, a
   * product's project, repository, Gerrit group or tool level. Realm roles and group
   * memberships belong to no product, and are held to the clearance where they are bound.
   */
  gatedScopes(permission: Permission): Located[] {
    const scopes = ((): (Located | undefined)[] => {
      switch (permission.tool) {
        case 'kubernetes':
        case 'grafana':
          return [this.owner(permission.namespace)];
        case 'cd-pipeline':
          return [this.byName(permission.product)];
        case 'argocd':
          return [
            this.byName(permission.product),
            ...(permission.namespace === undefined ? [] : [this.owner(permission.namespace)]),
          ];
        case 'github': {
          const wanted = permission.repository.toLowerCase();
          return this.products.filter(({ product }) =>
            product.repositories.some((repository) => repository.toLowerCase() === wanted),
          );
        }
        case 'gerrit':
          return permission.product === undefined
            ? this.gerritUses(permission.group).map((use) => use.at)
            : [this.byName(permission.product)];
        case 'nexus':
          return permission.product === undefined ? [] : [this.byName(permission.product)];
        case 'sonarqube':
          return [this.byName(permission.product)];
        case 'keycloak':
        case 'group':
        case 'eks':
          return [];
      }
    })();
    return scopes.filter(
      (at): at is Located => at !== undefined && at.product.clearance !== undefined,
    );
  }

  /**
   * Seed 001: the namespaces KubeRocketCI's CD pipeline creates get `tenant-admin`, the
   * `admin` ClusterRole for the admins and developers groups; only where the organization
   * says its CD pipeline creates namespaces (`cdPipelineNamespaces`).
   */
  private cdPipelineAdmin(at: Located | undefined, clusterRole: string): boolean {
    return at?.organization.cdPipelineNamespaces === true && clusterRole === 'admin';
  }

  /** Per-product tooling (Gerrit, Nexus, SonarQube): customer admins reach every level. */
  private reaches(name: string, kind: Kind, at: Located, level: Level): boolean {
    return this.holds(name, kind, at, LEVEL_ROLE[level]) || this.holds(name, kind, at, 'admin');
  }

  private listed(at: Located | undefined, tool: keyof Product['tools'], level: Level): boolean {
    return (at?.product.tools[tool] ?? []).some((listed) => listed === level);
  }

  /** Whether the model entitles `name` (a person or a service account) to `permission`. */
  entitled(name: string, kind: Kind, permission: Permission): boolean {
    const holds = (at: Located | undefined, role: string): boolean =>
      this.holds(name, kind, at, role);
    switch (permission.tool) {
      case 'kubernetes': {
        return holds(this.owner(permission.namespace), NEEDS[permission.clusterRole] ?? '-');
      }
      case 'cd-pipeline': {
        const at = this.byName(permission.product);
        return (
          this.cdPipelineAdmin(at, permission.clusterRole) &&
          (holds(at, 'developer') || holds(at, 'admin'))
        );
      }
      case 'argocd': {
        if (permission.product === '*') {
          const { users, groups } = this.model.platformAdmins;
          const declared = kind === 'person' ? this.declared.get(name) : undefined;
          return (
            kind === 'person' &&
            (users.includes(name) || groups.some((group) => declared?.has(group) === true))
          );
        }
        const at = this.byName(permission.product);
        if (permission.namespace === undefined)
          return [...(at ? this.held(name, kind, at) : [])].some((role) =>
            atMost(permission.level, ARGOCD_LEVEL[role]),
          );
        return (
          at === this.owner(permission.namespace) &&
          this.listed(at, 'argocd', permission.level) &&
          holds(at, LEVEL_ROLE[permission.level])
        );
      }
      case 'grafana': {
        const at = this.owner(permission.namespace);
        return (
          this.listed(at, 'grafana', permission.level) && holds(at, LEVEL_ROLE[permission.level])
        );
      }
      case 'github': {
        const wanted = permission.repository.toLowerCase();
        const at = this.products.find(({ product }) =>
          product.repositories.some((repository) => repository.toLowerCase() === wanted),
        );
        return holds(at, NEEDS[permission.permission] ?? '-');
      }
      case 'gerrit': {
        // A Gerrit group is one for all the products it serves: each use must be entitled.
        const { group, product, level } = permission;
        const uses = this.gerritUses(group);
        const named = uses.some((use) => use.at.product.name === product && use.level === level);
        return (
          uses.length > 0 &&
          (product === undefined || named) &&
          uses.every((use) => this.reaches(name, kind, use.at, use.level))
        );
      }
      case 'nexus':
        return this.products.some(
          (at) =>
            (permission.product ?? at.product.name) === at.product.name &&
            this.nexusAt(name, kind, at, permission.role),
        );
      case 'keycloak': {
        const realm = this.model.keycloak?.realms.find((r) => r.name === permission.realm);
        return (realm?.groups ?? []).some(
          (group) =>
            group.realmRoles.some((role) => closure(realm, role).has(permission.role)) &&
            this.grantedToAny(name, kind, group.grantedTo),
        );
      }
      case 'sonarqube': {
        const at = this.byName(permission.product);
        return at !== undefined && this.reaches(name, kind, at, permission.level);
      }
      case 'eks':
        // IAM roles are assumed by whom the cluster account allows, never given to people.
        return false;
      case 'group': {
        // Every role a group name stands for must be held: a shared convention such as
        // `edp-oidc-developers` stands for all its products. A realm group takes the people
        // of any product role it is granted to, as the model says.
        const meanings = this.meanings(permission.group);
        const realm = meanings.flatMap((m) => (m.kind === 'realm' ? [m.grantedTo] : []));
        return (
          meanings.length > 0 &&
          meanings.every(
            (m) =>
              m.kind === 'realm' ||
              (holds(m.at, m.role) && (!m.cleared || this.clearedFor(name, kind, m.at))),
          ) &&
          (realm.length === 0 || realm.some((granted) => this.grantedToAny(name, kind, granted)))
        );
      }
    }
  }

  /**
   * Nexus roles a product with `tools.nexus` entitles (seed 001): `edp-admin` (reads and
   * writes every repository) for its `write` level and customer admins, `edp-viewer` (reads
   * only) for its `read` level and anyone entitled to `edp-admin`.
   */
  private nexusAt(name: string, kind: Kind, at: Located, role: string): boolean {
    if (!at.product.tools.nexus) return false;
    const publisher =
      (this.listed(at, 'nexus', 'write') && this.holds(name, kind, at, 'developer')) ||
      this.holds(name, kind, at, 'admin');
    if (role === 'edp-admin') return publisher;
    const reader = this.listed(at, 'nexus', 'read') && this.holds(name, kind, at, 'collaborator');
    return role === 'edp-viewer' && (publisher || reader);
  }

  private grantedToAny(name: string, kind: Kind, grantedTo: GrantedTo): boolean {
    return grantedTo.some(({ product, role }) =>
      this.holds(name, kind, this.byName(product), role),
    );
  }

  /** What a group name stands for: conventional, extra-role, tool and realm groups. */
  meanings(group: string): Meaning[] {
    const meanings: Meaning[] = [];
    for (const at of this.products) {
      for (const [role, name] of conventionalGroups(at))
        if (name === group) meanings.push({ kind: 'role', at, role });
      for (const [role, name] of [...conventionalGroups(at), ...memberGroups(at)])
        if (clearedName(at, name) === group)
          meanings.push({ kind: 'role', at, role, cleared: true });
      for (const tool of ['argocd', 'grafana'] as const)
        for (const level of at.product.tools[tool] ?? [])
          for (const namespace of at.product.namespaces)
            if (toolGroupName(at.organization, at.product, namespace, tool, level) === group)
              meanings.push({ kind: 'role', at, role: LEVEL_ROLE[level] });
            else if (
              clearedName(
                at,
                toolGroupName(at.organization, at.product, namespace, tool, level),
              ) === group
            )
              meanings.push({ kind: 'role', at, role: LEVEL_ROLE[level], cleared: true });
    }
    for (const realm of this.model.keycloak?.realms ?? [])
      for (const { name, grantedTo } of realm.groups)
        if (name === group) meanings.push({ kind: 'realm', grantedTo });
    return meanings;
  }

  /** A role group of a product: its conventional group, or a member entry's holding it. */
  isRoleGroup(group: string, at: Located | undefined, role: string): boolean {
    if (!at) return false;
    return (
      conventionalGroups(at).some(([r, name]) => r === role && name === group) ||
      at.product.members.some(
        (member) => member.group === group && memberRoles(member, at.product).includes(role),
      ) ||
      [...conventionalGroups(at), ...memberGroups(at)].some(
        ([r, name]) => r === role && clearedName(at, name) === group,
      )
    );
  }

  /**
   * Whether the model gives `group` a meaning that carries `permission`: a RoleBinding to
   * `tenant-developer` needs a developer group of the namespace's product, an Argo CD or
   * Grafana namespace role that namespace's tool group, a realm role a realm group with it.
   */
  groupMay(group: string, permission: Permission): boolean {
    const toolGroup = (tool: 'argocd' | 'grafana', namespace: string, level: Level): boolean => {
      const at = this.owner(namespace);
      const name = at && toolGroupName(at.organization, at.product, namespace, tool, level);
      return (
        at !== undefined &&
        this.listed(at, tool, level) &&
        (name === group || (name !== undefined && clearedName(at, name) === group))
      );
    };
    switch (permission.tool) {
      case 'cd-pipeline': {
        const at = this.byName(permission.product);
        return (
          this.cdPipelineAdmin(at, permission.clusterRole) &&
          (this.isRoleGroup(group, at, 'developer') || this.isRoleGroup(group, at, 'admin'))
        );
      }
      case 'kubernetes': {
        const at = this.owner(permission.namespace);
        const role = NEEDS[permission.clusterRole] ?? '-';
        return (
          this.isRoleGroup(group, at, role) ||
          (role === 'collaborator' && this.isRoleGroup(group, at, 'developer'))
        );
      }
      case 'argocd':
        if (permission.product === '*')
          return permission.level === 'admin' && this.model.platformAdmins.groups.includes(group);
        if (permission.namespace !== undefined)
          return (
            this.byName(permission.product) === this.owner(permission.namespace) &&
            toolGroup('argocd', permission.namespace, permission.level)
          );
        return this.meanings(group).some(
          (m) =>
            m.kind === 'realm' &&
            m.grantedTo.some(
              ({ product, role }) =>
                product === permission.product && atMost(permission.level, ARGOCD_LEVEL[role]),
            ),
        );
      case 'grafana':
        return toolGroup('grafana', permission.namespace, permission.level);
      case 'keycloak': {
        const realm = this.model.keycloak?.realms.find((r) => r.name === permission.realm);
        const found = realm?.groups.find((candidate) => candidate.name === group);
        return (found?.realmRoles ?? []).some((role) => closure(realm, role).has(permission.role));
      }
      case 'sonarqube': {
        const at = this.byName(permission.product);
        const allowed =
          permission.level === 'admin'
            ? at?.product.customerAdmin === true
            : this.listed(at, 'sonarqube', permission.level);
        return allowed && !!at?.product.tools.sonarqube && SONAR_GROUPS[permission.level] === group;
      }
      default:
        return false;
    }
  }

  /** Gerrit groups per product level (seed 001): the role group, else `<product>-<role>s`. */
  gerritUses(group: string): { at: Located; level: Level }[] {
    return this.products.flatMap((at) =>
      (at.product.tools.gerrit ?? []).flatMap((level) => {
        const role = LEVEL_ROLE[level];
        const { organization, product } = at;
        const name = organization.groupNaming.roleGroups.includes(role)
          ? roleGroupName(organization, product, role)
          : `${product.name}-${role}s`;
        return name === group ? [{ at, level }] : [];
      }),
    );
  }
}
