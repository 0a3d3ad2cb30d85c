import { roleGroupName } from '../../src/domain/tenancy/group-names.js';
import type { Organization, Product, Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import type { EnvironmentResource } from '../../src/ports/authorizer.js';
import type { Principal } from '../../src/ports/principal.js';

/**
 * The access rules of the issue, written out directly: no Cedar, no generated policies, no
 * tenancy index. The property tests hold the Cedar authorizer to this function.
 */
export function referenceDecide(
  model: Tenancy,
  principal: Pick<Principal, 'subject' | 'kind' | 'groups' | 'scopes'>,
  action: string,
  environment: Omit<EnvironmentResource, 'kind'>,
): boolean {
  const { subject } = principal;
  const isUser = principal.kind === 'user';

  // The IdP groups the principal is in: its token's, and (users) the declared groups listing it.
  const idpGroups = new Set(principal.groups);
  if (isUser)
    for (const organization of model.organizations)
      for (const group of organization.groups)
        if (group.members.includes(subject)) idpGroups.add(group.name);

  const isAdmin =
    (isUser && model.platformAdmins.users.includes(subject)) ||
    model.platformAdmins.groups.some((group) => idpGroups.has(group));

  const hasClearance = (name: string): boolean => {
    const clearance = model.clearances.find((candidate) => candidate.name === name);
    if (!clearance) return false;
    return (
      (clearance.group !== undefined && idpGroups.has(clearance.group)) ||
      (isUser && clearance.users.includes(subject))
    );
  };

  /** The roles held in a product: member entries (user, service account, group) and convention. */
  const rolesIn = (organization: Organization, product: Product): Set<string> => {
    const roles = new Set<string>();
    for (const member of product.members) {
      const matches =
        (isUser && member.user === subject) ||
        (!isUser && member.serviceAccount === subject) ||
        (member.group !== undefined && idpGroups.has(member.group));
      if (!matches) continue;
      if (member.role) roles.add(member.role);
      for (const extension of member.extensions) roles.add(extension);
    }
    for (const role of organization.groupNaming.roleGroups) {
      if (role === 'admin' && !product.customerAdmin) continue;
      if (idpGroups.has(roleGroupName(organization, product, role))) roles.add(role);
    }
    return roles;
  };

  // A scoped service token may only do what its scopes list, whoever it belongs to.
  if (principal.kind === 'service' && principal.scopes && !principal.scopes.includes(action))
    return false;
  // Static environments change through Git only, for everyone.
  if (environment.static && action !== 'environment:read') return false;
  if (isAdmin) return true;

  const organization = model.organizations.find((o) =>
    o.products.some((p) => p.pools.includes(environment.pool)),
  );
  const product = organization?.products.find((p) => p.pools.includes(environment.pool));

  const gate = product?.clearance;
  if (gate?.environmentTypes.includes(environment.type) && !gate.requires.every(hasClearance))
    return false;

  const ownSue = environment.type === 'sue' && environment.owner === subject;
  if (ownSue && (action === 'environment:read' || action === 'environment:delete')) return true;

  if (!organization || !product) return false;
  const roles = rolesIn(organization, product);
  const developer = roles.has('developer');
  const collaborator = developer || roles.has('collaborator');
  switch (action) {
    case 'environment:read':
      return collaborator;
    case 'environment:update':
      return developer || (collaborator && roles.has('deployer'));
    case 'environment:create':
    case 'environment:delete':
    case 'environment:extend':
      return developer;
    default:
      return false;
  }
}
