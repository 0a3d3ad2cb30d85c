import { PLATFORM_ADMINS_GROUP, PRODUCT_MANAGERS_GROUP } from '../tenancy/role-groups.js';
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
 * The Cedar policies of the platform (issue 3's rules). The tenancy model's products, pools
 * and role groups become entity data (see `cedar-schema.ts`), so each rule is one policy for every
 * product and a decision costs the same with 10 products or 10,000:
 * developers of the owning product create, update, extend and delete its pools'
 * environments; collaborators read them (developers are collaborators too); deployers, on
 * top of their base role, update them; managers read the tenancy status; a product's
 * clearances gate its listed environment types for everyone but platform admins.
 */
export function generatePolicies(): PolicyTexts {
  const environment = `resource is ${ENTITY.environment}`;
  const policies: PolicyTexts = {
    ...platformPolicies(),
    'product-developers-manage': `permit (principal, action in ${actions(ENVIRONMENT_WRITES)}, ${environment})
  when { resource has product && principal in resource.product.developers };`,
    'product-collaborators-read': `permit (principal, action == ${actionRef('environment:read')}, ${environment})
  when { resource has product && principal in resource.product.collaborators };`,
    'product-deployers-update': `permit (principal, action == ${actionRef('environment:update')}, ${environment})
  when {
    resource has product &&
    principal in resource.product.deployers &&
    principal in resource.product.collaborators
  };`,
    'product-managers-read-tenancy': `permit (principal in ${group(PRODUCT_MANAGERS_GROUP)}, action == ${actionRef('tenancy:read')}, resource);`,
    'product-clearance': `forbid (principal, action, ${environment})
  when {
    resource has product &&
    resource.product.gatedTypes.contains(resource.type) &&
    !(principal in ${group(PLATFORM_ADMINS_GROUP)} || principal in resource.product.cleared)
  };`,
  };
  return Object.fromEntries(
    Object.entries(policies).map(([policyId, text]) => [
      policyId,
      `@id(${cedarString(policyId)})\n${text}`,
    ]),
  );
}
