import { clearedGroupName } from '../access/clearance-gate.js';
import { memberHolds } from '../access/role-holders.js';
import {
  conventionalRoles,
  extraRoleGroupName,
  roleGroupName,
  toolGroupName,
} from './group-names.js';
import { GROUP_ROLES, NAMESPACE_TOOLS } from './tenancy-schema.js';
import type { Organization, Product, Tenancy } from './tenancy-schema.js';

type Report = (path: string, message: string) => void;

/** Why a tool cannot keep a product to its cleared people (seed 001's roles are global). */
const GLOBAL_TOOLS = {
  sonarqube:
    "SonarQube's edp-default permission template (seed 001) gives its groups every project (projectKeyPattern .+), so uncleared sonar-developers would read this product's code",
  nexus:
    "Nexus's edp-viewer and edp-admin roles (seed 001) reach every repository, so uncleared viewers of other products would read this product's artifacts",
} as const;

/**
 * A product with a clearance may only use tools whose access the compiler can limit to
 * its cleared people (seed 003: "IL2 Authorized and P1/Product/Unicorn/developer would
 * both be required"). SonarQube and Nexus, as seed 001 configures them, grant per tool,
 * not per product.
 */
export function checkClearedTools(model: Tenancy, report: Report): void {
  model.organizations.forEach((organization, o) =>
    organization.products.forEach((product, p) => {
      if (!product.clearance) return;
      const requires = product.clearance.requires.join(' and ');
      for (const [tool, why] of Object.entries(GLOBAL_TOOLS))
        if (product.tools[tool as keyof typeof GLOBAL_TOOLS])
          report(
            `organizations.${o}.products.${p}.tools.${tool}`,
            `product ${product.name} requires clearance ${requires}, but ${why}; remove tools.${tool} or the clearance`,
          );
    }),
  );
}

/** A group name the model binds, and where: `organizations.0.groups.1.name`, … */
interface BoundName {
  readonly name: string;
  readonly path: string;
  readonly what: string;
}

/** The group names the model binds or declares that are in `wanted`, with their key paths. */
function boundNames(model: Tenancy, wanted: ReadonlyMap<string, string>): BoundName[] {
  const names: BoundName[] = [];
  const add = (name: string, path: string, what: string): void => {
    if (wanted.has(name)) names.push({ name, path, what });
  };
  // A tool group's name holds its namespace as it is, so only namespaces that some wanted
  // name contains can collide: rendering every tool group is the check's main cost at scale.
  const joined = [...wanted.keys()].join('\n');
  const mayCollide = (namespace: string): boolean =>
    joined.length > 10_000 || joined.includes(namespace);
  model.platformAdmins.groups.forEach((name, i) =>
    add(name, `platformAdmins.groups.${i}`, 'a platform admin group'),
  );
  model.clearances.forEach((clearance, i) => {
    if (clearance.group !== undefined)
      add(clearance.group, `clearances.${i}.group`, `clearance ${clearance.name}'s group`);
  });
  model.keycloak?.realms.forEach((realm, r) =>
    realm.groups.forEach((group, g) =>
      add(group.name, `keycloak.realms.${r}.groups.${g}.name`, `a group of realm ${realm.name}`),
    ),
  );
  model.organizations.forEach((organization, o) => {
    organization.groups.forEach((group, g) =>
      add(group.name, `organizations.${o}.groups.${g}.name`, 'a declared group'),
    );
    organization.products.forEach((product, p) => {
      const at = `organizations.${o}.products.${p}`;
      for (const role of conventionalRoles(organization, product))
        add(roleGroupName(organization, product, role), at, `${product.name}'s ${role} group`);
      for (const role of product.extraRoles)
        add(extraRoleGroupName(organization, product, role), at, `${product.name}'s ${role} group`);
      const byNamespace = organization.groupNaming.tools.includes('{namespace}');
      for (const name of toolGroups(organization, product, byNamespace ? mayCollide : undefined))
        add(name, at, `${product.name}'s tool group`);
      product.members.forEach((member, m) => {
        if (member.group !== undefined)
          add(member.group, `${at}.members.${m}.group`, `a member group of ${product.name}`);
      });
    });
  });
  return names;
}

/** A product's Argo CD and Grafana groups, one per namespace (those `keep` keeps) and level. */
function toolGroups(
  organization: Organization,
  product: Product,
  keep: (namespace: string) => boolean = () => true,
): string[] {
  const namespaces = product.namespaces.filter(keep);
  if (namespaces.length === 0) return [];
  return NAMESPACE_TOOLS.flatMap((tool) =>
    [...new Set(product.tools[tool] ?? [])].flatMap((level) =>
      namespaces.map((namespace) => toolGroupName(organization, product, namespace, tool, level)),
    ),
  );
}

/**
 * The groups a gated product's tools bind in place of its groups (see `productAccess`): the
 * cleared group of each group holding one of its roles (conventional or member entry), and
 * of each tool group where the organization does not manage tool groups. `cleared → source`.
 */
function clearedGroups(organization: Organization, product: Product): Map<string, string> {
  const cleared = new Map<string, string>();
  if (!product.clearance) return cleared;
  const requires = product.clearance.requires;
  const sources = [
    ...conventionalRoles(organization, product).map((role) =>
      roleGroupName(organization, product, role),
    ),
    ...product.members.flatMap((member) =>
      member.group !== undefined && GROUP_ROLES.some((role) => memberHolds(member, role))
        ? [member.group]
        : [],
    ),
    ...(organization.groupNaming.managed.includes('tools')
      ? []
      : toolGroups(organization, product)),
  ];
  for (const source of sources)
    cleared.set(clearedGroupName(organization, source, requires), source);
  return cleared;
}

/**
 * No group the model binds or declares may be named like a cleared group the compiler
 * creates (`groupNaming.cleared`, e.g. `team-a+il2`): the compiler would bind or fill the
 * two as one, so the model's group would receive the cleared group's grants, or the cleared
 * group the model's members, who need not hold the clearances.
 */
export function checkClearedGroupNames(model: Tenancy, report: Report): void {
  const made = new Map<string, string>();
  for (const organization of model.organizations)
    for (const product of organization.products)
      for (const [name, source] of clearedGroups(organization, product))
        if (!made.has(name))
          made.set(
            name,
            `the cleared group the compiler creates for '${source}' (product ${product.name} requires ${product.clearance?.requires.join(' and ')})`,
          );
  if (made.size === 0) return;
  const reported = new Set<string>();
  for (const { name, path, what } of boundNames(model, made)) {
    const cleared = made.get(name);
    if (cleared === undefined || reported.has(`${path}\u0000${name}`)) continue;
    reported.add(`${path}\u0000${name}`);
    report(
      path,
      `group '${name}' (${what}) has the name of ${cleared}; rename the group, or change groupNaming.cleared`,
    );
  }
}
