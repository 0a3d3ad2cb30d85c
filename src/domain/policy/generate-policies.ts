import {
  clearanceGroupId,
  PLATFORM_ADMINS_GROUP,
  productRoleGroupId,
} from '../tenancy/role-groups.js';
import type { Tenancy } from '../tenancy/tenancy-schema.js';
import { ACTIONS } from './actions.js';
import { actionRef, cedarString, ENTITY, entityRef } from './cedar-names.js';

/** Policy id → Cedar text. Ids are stable, so audit records and `explain` name them. */
export type PolicyTexts = Record<string, string>;

const ENVIRONMENT_WRITES = [
  'environment:create',
  'environment:update',
  'environment:delete',
  'environment:extend',
] as const;

const actions = (names: readonly string[]): string => `[${names.map(actionRef).join(', ')}]`;
const group = (id: string): string => entityRef(ENTITY.group, id);
const product = (name: string): string => entityRef(ENTITY.product, name);

/** Rules that hold whatever the model says. */
function platformPolicies(): PolicyTexts {
  const policies: PolicyTexts = {
    'platform-admins': `permit (principal in ${group(PLATFORM_ADMINS_GROUP)}, action, resource);`,
    // Static environments are changed through Git only (seed: static vs dynamic).
    'static-environments-read-only': `forbid (principal, action in ${actions(ENVIRONMENT_WRITES)}, resource is ${ENTITY.environment})
  when { resource.static };`,
    // Whoever created a `sue` environment may always see and remove it.
    'sue-creator-reads-and-deletes': `permit (principal, action in ${actions(['environment:read', 'environment:delete'])}, resource is ${ENTITY.environment})
  when { resource.type == "sue" && resource.owner == principal.subject };`,
    'environment-types-public': `permit (principal, action == ${actionRef('environment-types:read')}, resource);`,
    'explain-yourself': `permit (principal is ${ENTITY.user}, action == ${actionRef('access:explain')}, resource is ${ENTITY.user})
  when { resource == principal };`,
    'explain-yourself-service': `permit (principal is ${ENTITY.serviceAccount}, action == ${actionRef('access:explain')}, resource is ${ENTITY.serviceAccount})
  when { resource == principal };`,
  };
  // A service token's scopes narrow what its account may do; they never widen it.
  for (const action of ACTIONS) {
    policies[`service-token-scope:${action}`] =
      `forbid (principal is ${ENTITY.serviceAccount}, action == ${actionRef(action)}, resource)
  when { principal has scopes && !principal.scopes.contains(${cedarString(action)}) };`;
  }
  return policies;
}

/**
 * The Cedar policies of a tenancy model (issue 3's rules): developers of the owning product
 * create, update, extend and delete its pools' environments; collaborators read them
 * (developers are collaborators too); deployers, on top of their base role, update them;
 * managers read the tenancy status; the product's clearances gate the listed environment
 * types for everyone but platform admins.
 */
export function generatePolicies(model: Tenancy): PolicyTexts {
  const policies = platformPolicies();
  for (const organization of model.organizations) {
    for (const p of organization.products) {
      const id = (rule: string): string => `product:${p.name}:${rule}`;
      const resource = `resource is ${ENTITY.environment} in ${product(p.name)}`;
      policies[id('developers-manage')] =
        `permit (principal in ${group(productRoleGroupId(p.name, 'developer'))}, action in ${actions(ENVIRONMENT_WRITES)}, ${resource});`;
      policies[id('collaborators-read')] =
        `permit (principal in ${group(productRoleGroupId(p.name, 'collaborator'))}, action == ${actionRef('environment:read')}, ${resource});`;
      policies[id('deployers-update')] =
        `permit (principal in ${group(productRoleGroupId(p.name, 'deployer'))}, action == ${actionRef('environment:update')}, ${resource})
  when { principal in ${group(productRoleGroupId(p.name, 'collaborator'))} };`;
      policies[id('managers-read-tenancy')] =
        `permit (principal in ${group(productRoleGroupId(p.name, 'manager'))}, action == ${actionRef('tenancy:read')}, resource);`;
      if (p.clearance) {
        const types = `[${p.clearance.environmentTypes.map(cedarString).join(', ')}]`;
        const cleared = p.clearance.requires
          .map((name) => `principal in ${group(clearanceGroupId(name))}`)
          .join(' && ');
        policies[id('clearance')] = `forbid (principal, action, ${resource})
  when { ${types}.contains(resource.type) }
  unless { principal in ${group(PLATFORM_ADMINS_GROUP)} || (${cleared}) };`;
      }
    }
  }
  return Object.fromEntries(
    Object.entries(policies).map(([policyId, text]) => [
      policyId,
      `@id(${cedarString(policyId)})\n${text}`,
    ]),
  );
}
