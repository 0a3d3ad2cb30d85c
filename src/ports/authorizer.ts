import type { Principal } from './principal.js';

export const ACTIONS = [
  'environment:create',
  'environment:read',
  'environment:update',
  'environment:delete',
  'environment:extend',
  'environment-types:read',
  'rejected-claims:read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What an environment looks like to the authorizer: attributes, not the whole claim. */
export interface EnvironmentResource {
  readonly kind: 'environment';
  readonly name: string;
  readonly type: string;
  readonly pool: string;
  readonly owner: string;
  readonly static: boolean;
}

/** Resources that are not an environment: the platform itself (catalogues, rejected claims). */
export interface PlatformResource {
  readonly kind: 'platform';
}

export type Resource = EnvironmentResource | PlatformResource;

export interface Decision {
  readonly allowed: boolean;
  /** The policies that decided, for audit and `access explain`. */
  readonly policyIds: readonly string[];
}

/**
 * Decides whether a principal may perform an action on a resource. `readableFilter`
 * serves listings: one predicate per request instead of one decision per environment.
 */
export interface Authorizer {
  authorize(request: {
    principal: Principal;
    action: Action;
    resource: Resource;
  }): Promise<Decision>;
  readableFilter(principal: Principal): Promise<(environment: EnvironmentResource) => boolean>;
}
