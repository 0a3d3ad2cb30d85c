import type { Claim, Services } from '../domain/claims/claim-schema.js';

/** Beyond this many distinct values the interner stops learning new ones (it still serves). */
const MAX_INTERNED = 50_000;

/**
 * Shares one copy of the strings many claims repeat (types, pools, users, deployment
 * methods, service names and versions): at 100,000 claims each parsed document would
 * otherwise carry its own copies. The returned claim is equal to the given one, field for
 * field and in the same key order. Bounded: a flood of unique values cannot grow it forever.
 */
export function createClaimInterner(): (claim: Claim) => Claim {
  const strings = new Map<string, string>();
  const intern = (value: string): string => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    if (strings.size < MAX_INTERNED) strings.set(value, value);
    return value;
  };
  const internServices = (services: Services): Services => {
    const shared: Services = {};
    for (const [name, spec] of Object.entries(services)) {
      shared[intern(name)] =
        typeof spec === 'string'
          ? intern(spec)
          : (Object.fromEntries(
              Object.entries(spec).map(([field, value]) => [
                field,
                typeof value === 'string' ? intern(value) : value,
              ]),
            ) as typeof spec);
    }
    return shared;
  };
  return (claim) => ({
    ...claim,
    environment_type: intern(claim.environment_type),
    environment_pool: intern(claim.environment_pool),
    user: intern(claim.user),
    ...(claim.deployment_method === undefined
      ? {}
      : { deployment_method: intern(claim.deployment_method) as typeof claim.deployment_method }),
    ...(claim.git_repository === undefined ? {} : { git_repository: intern(claim.git_repository) }),
    ...(claim.branch === undefined ? {} : { branch: intern(claim.branch) }),
    services: internServices(claim.services),
  });
}
