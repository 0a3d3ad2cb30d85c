/** Every action the API asks the authorizer about; the Cedar schema declares the same list. */
export const ACTIONS = [
  'environment:create',
  'environment:read',
  'environment:update',
  'environment:delete',
  'environment:extend',
  'environment-types:read',
  'rejected-claims:read',
  'tenancy:read',
  'access:explain',
  'access:compile',
  'access:render',
  'audit:read',
  'service-tokens:manage',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that change something: each allowed one is audited, not only the denies. */
export const MUTATING_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'environment:create',
  'environment:update',
  'environment:delete',
  'environment:extend',
  'access:render',
  'service-tokens:manage',
]);

/** What each action is performed on: the Cedar schema's `appliesTo` follows this table. */
export const ACTION_RESOURCE_KIND: Readonly<
  Record<Action, 'environment' | 'platform' | 'principal'>
> = {
  'environment:create': 'environment',
  'environment:read': 'environment',
  'environment:update': 'environment',
  'environment:delete': 'environment',
  'environment:extend': 'environment',
  'environment-types:read': 'platform',
  'rejected-claims:read': 'platform',
  'tenancy:read': 'platform',
  'access:explain': 'principal',
  // Read the compiled access configuration (render, plan, entitlements, who-can).
  'access:compile': 'platform',
  // Write it into the configured output directory.
  'access:render': 'platform',
  'audit:read': 'platform',
  'service-tokens:manage': 'platform',
};
