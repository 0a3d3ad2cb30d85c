import type { Action } from '../domain/policy/actions.js';
import type { EnvironmentFilter } from '../domain/policy/environment-filter.js';
import type { Principal } from './principal.js';

export { ACTIONS, MUTATING_ACTIONS, type Action } from '../domain/policy/actions.js';

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

/** A user or service account as the object of an action (`access:explain`). */
export interface PrincipalResource {
  readonly kind: 'principal';
  readonly subject: string;
  readonly principalKind: Principal['kind'];
}

export type Resource = EnvironmentResource | PlatformResource | PrincipalResource;

export interface Decision {
  readonly allowed: boolean;
  /** The policies that decided, for audit and `access explain`. */
  readonly policyIds: readonly string[];
}

/**
 * The environments a principal may read, as data an index compiles to an access path.
 * `filter` is exact: where it has `per-item` leaves, `decide` gives the decision for one
 * environment (one full authorization; called only for environments reaching such a leaf).
 */
export interface ReadableFilter {
  readonly filter: EnvironmentFilter;
  readonly decide: (environment: EnvironmentResource) => boolean;
}

/**
 * Decides whether a principal may perform an action on a resource. `readableFilter`
 * serves listings: one filter per request instead of one decision per environment.
 */
export interface Authorizer {
  authorize(request: {
    principal: Principal;
    action: Action;
    resource: Resource;
  }): Promise<Decision>;
  readableFilter(principal: Principal): Promise<ReadableFilter>;
  /** The decision with its reasons: deciding policies and how the principal got its groups. */
  explain(request: {
    principal: Principal;
    action: Action;
    resource: Resource;
  }): Promise<Explanation>;
}

/** A group the principal is in, and the chain of reasons that put it there. */
export interface GroupPath {
  readonly group: string;
  readonly path: readonly string[];
}

export interface Explanation extends Decision {
  /** Groups named by the deciding policies that the principal is in, with their paths. */
  readonly via: readonly GroupPath[];
  /** Every group the principal is in. */
  readonly memberships: readonly GroupPath[];
}

/** The audit log's name for a resource: `environment/<name>`, `platform`, `user/<subject>`. */
export function targetOf(resource: Resource): string {
  switch (resource.kind) {
    case 'environment':
      return `environment/${resource.name}`;
    case 'platform':
      return 'platform';
    case 'principal':
      return `${resource.principalKind === 'service' ? 'service' : 'user'}/${resource.subject}`;
  }
}
