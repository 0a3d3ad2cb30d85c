import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Logger } from 'pino';
import { ENTITY } from '../../domain/policy/cedar-names.js';
import { membershipsOf, type Membership } from '../../domain/tenancy/tenancy-index.js';
import type {
  Action,
  Authorizer,
  Decision,
  EnvironmentResource,
  Explanation,
  Resource,
} from '../../ports/authorizer.js';
import type { Principal } from '../../ports/principal.js';
import { principalEntities, principalUid, resourceEntities, resourceUid } from './entities.js';
import type { PolicyBundle } from './policy-bundle.js';
import { compileResiduals, UnsupportedResidualError } from './residual-filter.js';

const MEMBERSHIP_CACHE_SIZE = 1000;

/**
 * The Cedar authorizer (`@cedar-policy/cedar-wasm`, in process). `bundle()` returns the
 * current model and policies; a reload swaps it and the next request sees the new one.
 * Listings use partial evaluation once per request, compiled to a predicate, instead of a
 * decision per environment.
 */
export function createCedarAuthorizer(deps: {
  bundle: () => PolicyBundle;
  logger: Logger;
}): Authorizer {
  const { logger } = deps;
  // Memberships depend only on the model and the principal: cache them per bundle.
  let cachedFor: PolicyBundle | undefined;
  const cache = new Map<string, Membership[]>();

  function memberships(bundle: PolicyBundle, principal: Principal): Membership[] {
    if (cachedFor !== bundle) {
      cache.clear();
      cachedFor = bundle;
    }
    const key = JSON.stringify([principal.kind, principal.subject, principal.groups]);
    let found = cache.get(key);
    if (!found) {
      found = membershipsOf(bundle.index, principal);
      if (cache.size >= MEMBERSHIP_CACHE_SIZE) cache.clear();
      cache.set(key, found);
    }
    return found;
  }

  function entitiesFor(
    bundle: PolicyBundle,
    principal: Principal,
    resource: Resource,
  ): EntityJson[] {
    const own = principalEntities(principal, memberships(bundle, principal));
    const principalKey = JSON.stringify(principalUid(principal));
    const others = resourceEntities(resource, bundle.index).filter(
      (entity) => JSON.stringify(entity.uid) !== principalKey,
    );
    return [...own, ...others];
  }

  function decide(principal: Principal, action: Action, resource: Resource): Decision {
    const bundle = deps.bundle();
    const answer = cedar.statefulIsAuthorized({
      principal: principalUid(principal),
      action: { type: ENTITY.action, id: action },
      resource: resourceUid(resource),
      context: {},
      preparsedPolicySetId: bundle.policySetId,
      entities: entitiesFor(bundle, principal, resource),
    });
    if (answer.type === 'failure') {
      // Fail closed, and loudly: this is a bug in how the request was built, not a deny.
      logger.error(
        { errors: answer.errors.map((error) => error.message), action },
        'cedar request failed',
      );
      return { allowed: false, policyIds: [] };
    }
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0)
      logger.warn(
        {
          action,
          errors: diagnostics.errors.map((error) => `${error.policyId}: ${error.error.message}`),
        },
        'policies failed to evaluate and were skipped',
      );
    return { allowed: decision === 'allow', policyIds: [...diagnostics.reason].sort() };
  }

  return {
    authorize: ({ principal, action, resource }) =>
      Promise.resolve(decide(principal, action, resource)),

    readableFilter(principal) {
      const bundle = deps.bundle();
      const answer = cedar.isAuthorizedPartial({
        principal: principalUid(principal),
        action: { type: ENTITY.action, id: 'environment:read' },
        resource: null,
        context: {},
        policies: { staticPolicies: bundle.policies },
        entities: principalEntities(principal, memberships(bundle, principal)),
      });
      try {
        if (answer.type === 'failure')
          throw new UnsupportedResidualError(
            answer.errors[0]?.message ?? 'partial evaluation failed',
          );
        const predicate = compileResiduals(answer.response.residuals);
        return Promise.resolve((environment: EnvironmentResource) => {
          const product = bundle.index.productOfPool.get(environment.pool);
          const ancestors = new Set([
            `${ENTITY.environment}::${environment.name}`,
            `${ENTITY.pool}::${environment.pool}`,
          ]);
          if (product !== undefined) ancestors.add(`${ENTITY.product}::${product}`);
          return predicate({ environment, ancestors });
        });
      } catch (error) {
        if (!(error instanceof UnsupportedResidualError)) throw error;
        // An operator policy the compiler does not understand: correct, just slower.
        logger.warn(
          { reason: error.message },
          'listing falls back to one Cedar decision per environment',
        );
        return Promise.resolve(
          (environment: EnvironmentResource) =>
            decide(principal, 'environment:read', environment).allowed,
        );
      }
    },

    explain({ principal, action, resource }) {
      const bundle = deps.bundle();
      const decision = decide(principal, action, resource);
      const all = memberships(bundle, principal);
      const mentioned = new Set<string>();
      for (const id of decision.policyIds) {
        const text = bundle.policies[id] ?? '';
        for (const match of text.matchAll(/Platform::Group::"((?:[^"\\]|\\.)*)"/g))
          mentioned.add(JSON.parse(`"${match[1] ?? ''}"`) as string);
      }
      const explanation: Explanation = {
        ...decision,
        via: all.filter((membership) => mentioned.has(membership.group)),
        memberships: all,
      };
      return Promise.resolve(explanation);
    },
  };
}
