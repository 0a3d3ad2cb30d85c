import type { Authorizer } from '../../ports/authorizer.js';

/**
 * The authorizer until the tenancy model and Cedar arrive: every authenticated principal
 * may do everything the API offers. Rules that hold for everyone regardless of policy
 * (static environments are read-only through the API) live in the use cases, not here.
 */
export function createAuthenticatedAuthorizer(): Authorizer {
  return {
    authorize: () => Promise.resolve({ allowed: true, policyIds: ['authenticated-allow-all'] }),
    readableFilter: () => Promise.resolve(() => true),
  };
}
