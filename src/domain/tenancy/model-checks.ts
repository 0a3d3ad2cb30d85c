import type { FieldError } from '../errors.js';
import { checkAccessOutputs } from '../access/check-access-outputs.js';
import { checkAccessModel, firstSeen } from './access-model-checks.js';
import { identityWarnings } from './identity-checks.js';
import { roleGroupName } from './group-names.js';
import type { BaseRole, Organization, Product, Tenancy } from './tenancy-schema.js';

/**
 * Cross-reference checks the schema cannot express. Each problem names the key path and
 * says what to change. `knownEnvironmentTypes`, when given, checks clearance types too.
 */
export function checkTenancy(
  model: Tenancy,
  options: { knownEnvironmentTypes?: readonly string[] } = {},
): FieldError[] {
  const problems: FieldError[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  const clearances = new Map<string, string>();
  model.clearances.forEach((clearance, i) => {
    const before = firstSeen(clearances, clearance.name, `clearances.${i}`);
    if (before)
      report(`clearances.${i}.name`, `duplicate clearance '${clearance.name}' (also ${before})`);
  });

  const organizations = new Map<string, string>();
  const products = new Map<string, string>();
  const pools = new Map<string, string>();
  const namespaces = new Map<string, string>();
  model.organizations.forEach((organization, o) => {
    const at = `organizations.${o}`;
    const before = firstSeen(organizations, organization.name, at);
    if (before)
      report(`${at}.name`, `duplicate organization '${organization.name}' (also ${before})`);
    const groupNames = new Map<string, string>();
    organization.groups.forEach((group, g) => {
      const earlier = firstSeen(groupNames, group.name, `${at}.groups.${g}`);
      if (earlier)
        report(`${at}.groups.${g}.name`, `duplicate group '${group.name}' (also ${earlier})`);
    });

    organization.products.forEach((product, p) => {
      const pat = `${at}.products.${p}`;
      const earlier = firstSeen(products, product.name, pat);
      if (earlier) report(`${pat}.name`, `duplicate product '${product.name}' (also ${earlier})`);
      product.pools.forEach((pool, i) => {
        const owner = firstSeen(pools, pool, `${pat} (${product.name})`);
        if (owner) report(`${pat}.pools.${i}`, `pool '${pool}' is already owned by ${owner}`);
      });
      product.namespaces.forEach((namespace, i) => {
        const owner = firstSeen(namespaces, namespace, `${pat} (${product.name})`);
        if (owner)
          report(`${pat}.namespaces.${i}`, `namespace '${namespace}' is already owned by ${owner}`);
      });
      product.clearance?.requires.forEach((name, i) => {
        if (!clearances.has(name))
          report(
            `${pat}.clearance.requires.${i}`,
            `unknown clearance '${name}'; declared: ${[...clearances.keys()].join(', ') || 'none'}`,
          );
      });
      const types = options.knownEnvironmentTypes;
      if (types)
        product.clearance?.environmentTypes.forEach((type, i) => {
          if (!types.includes(type))
            report(
              `${pat}.clearance.environmentTypes.${i}`,
              `unknown environment type '${type}'; known: ${types.join(', ')}`,
            );
        });
      checkMembers(product, pat, report);
    });
  });

  for (const organization of model.organizations) checkRoles(organization, model, report);
  problems.push(...checkAccessModel(model));
  // Names the generators derive are only worth checking once the references hold.
  if (problems.length === 0) problems.push(...checkAccessOutputs(model));
  return problems;
}

/**
 * What a checked model may get wrong without being refused: each warning names the key path
 * and what to add. `access check` and `tenancy check` print them and still exit 0.
 */
export function tenancyWarnings(model: Tenancy): FieldError[] {
  return identityWarnings(model);
}

function checkMembers(
  product: Product,
  at: string,
  report: (path: string, message: string) => void,
): void {
  const seen = new Map<string, number>();
  product.members.forEach((member, m) => {
    const path = `${at}.members.${m}`;
    const who = member.user
      ? `user '${member.user}'`
      : member.group
        ? `group '${member.group}'`
        : `service account '${member.serviceAccount ?? ''}'`;
    const earlier = seen.get(who);
    if (earlier !== undefined)
      report(
        path,
        `${who} is listed twice in product ${product.name} (also member #${earlier + 1}); give one entry with all its roles`,
      );
    else seen.set(who, m);
    if (member.role === undefined) {
      const extension = member.extensions[0];
      report(
        `${path}.role`,
        extension
          ? `extension role '${extension}' needs a base role: add role: collaborator or role: developer (an extension group only extends an independent group)`
          : 'is required: every member holds exactly one base role, collaborator or developer',
      );
    }
    member.roles.forEach((role, r) => {
      if (!product.extraRoles.includes(role))
        report(
          `${path}.roles.${r}`,
          `unknown role '${role}'; product ${product.name} declares extraRoles: ${product.extraRoles.join(', ') || 'none'}`,
        );
    });
    if (member.admin && !product.customerAdmin)
      report(
        `${path}.admin`,
        `product ${product.name} does not give customers admin on tooling; set customerAdmin: true on the product to opt in`,
      );
  });
}

/**
 * Seed 003: a user is a collaborator or a developer of a product, not both, and each
 * organization's seats per role are a hard limit. Counted over the users the model can
 * see: listed users and the declared members of listed groups.
 */
function checkRoles(
  organization: Organization,
  model: Tenancy,
  report: (path: string, message: string) => void,
): void {
  const o = model.organizations.indexOf(organization);
  const at = `organizations.${o}`;
  const declared = new Map(organization.groups.map((group) => [group.name, group.members]));
  const seatHolders: Record<BaseRole, Set<string>> = {
    collaborator: new Set(),
    developer: new Set(),
  };
  organization.products.forEach((product, p) => {
    const roles = new Map<string, Map<BaseRole, string>>();
    const hold = (user: string, role: BaseRole, via: string): void => {
      const held = roles.get(user) ?? new Map<BaseRole, string>();
      if (!held.has(role)) held.set(role, via);
      roles.set(user, held);
    };
    for (const member of product.members) {
      if (!member.role) continue;
      if (member.user !== undefined) hold(member.user, member.role, 'listed as a user');
      if (member.group !== undefined)
        for (const user of declared.get(member.group) ?? [])
          hold(user, member.role, `through group '${member.group}'`);
    }
    for (const role of organization.groupNaming.roleGroups) {
      if (role !== 'collaborator' && role !== 'developer') continue;
      const conventional = roleGroupName(organization, product, role);
      for (const user of declared.get(conventional) ?? [])
        hold(user, role, `through group '${conventional}'`);
    }
    for (const [user, held] of roles) {
      const collaborator = held.get('collaborator');
      const developer = held.get('developer');
      if (collaborator && developer)
        report(
          `${at}.products.${p}.members`,
          `user '${user}' is both collaborator (${collaborator}) and developer (${developer}) of product ${product.name}; a user holds one base role (developer includes collaborator rights)`,
        );
      for (const role of held.keys()) seatHolders[role].add(user);
    }
  });
  // A user who is a developer anywhere in the organization takes a developer seat only.
  for (const user of seatHolders.developer) seatHolders.collaborator.delete(user);
  for (const role of ['collaborator', 'developer'] as const) {
    const seats = organization.seats[role];
    const used = seatHolders[role].size;
    if (seats !== undefined && used > seats)
      report(
        `${at}.seats.${role}`,
        `${used} ${role}s exceed the organization's ${seats} ${role} seats`,
      );
  }
}
