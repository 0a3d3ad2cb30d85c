import './wasm-inlining-workaround.js';
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
import {
  principalEntities,
  principalUid,
  productEntity,
  resourceEntities,
  resourceUid,
} from './entities.js';
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
  // A principal's groups and entities depend only on the model and the principal: cache
  // them per bundle, so a decision builds nothing but the resource's entities.
  let cachedFor: PolicyBundle | undefined;
  const cache = new Map<string, { memberships: Membership[]; entities: EntityJson[] }>();

  function known(bundle: PolicyBundle, principal: Principal) {
    if (cachedFor !== bundle) {
      cache.clear();
      cachedFor = bundle;
    }
    const key = JSON.stringify([
      principal.kind,
      principal.subject,
      principal.groups,
      principal.scopes,
    ]);
    let found = cache.get(key);
    if (!found) {
      const groups = membershipsOf(bundle.index, principal);
      found = { memberships: groups, entities: principalEntities(principal, groups) };
      if (cache.size >= MEMBERSHIP_CACHE_SIZE) cache.clear();
      cache.set(key, found);
    }
    return found;
  }

  const memberships = (bundle: PolicyBundle, principal: Principal): Membership[] =>
    known(bundle, principal).memberships;

  function entitiesFor(
    bundle: PolicyBundle,
    principal: Principal,
    resource: Resource,
  ): EntityJson[] {
    const own = known(bundle, principal).entities;
    // Explaining yourself: the resource is the principal, already in the list.
    const self =
      resource.kind === 'principal' &&
      resource.principalKind === principal.kind &&
      resource.subject === principal.subject;
    return self ? own : own.concat(resourceEntities(resource, bundle.index));
  }

  type Filter = (environment: EnvironmentResource) => boolean;
  // The list predicate depends only on the bundle and the principal: partial evaluation runs
  // once per principal and policy version, not once per request.
  const filterCache = new WeakMap<PolicyBundle, Map<string, Filter>>();

  function buildFilter(bundle: PolicyBundle, principal: Principal): Filter {
    const groups = memberships(bundle, principal);
    const answer = cedar.isAuthorizedPartial({
      principal: principalUid(principal),
      action: { type: ENTITY.action, id: 'environment:read' },
      resource: null,
      context: {},
      policies: { staticPolicies: bundle.policies },
      entities: known(bundle, principal).entities,
    });
    try {
      if (answer.type === 'failure')
        throw new UnsupportedResidualError(
          answer.errors[0]?.message ?? 'partial evaluation failed',
        );
      // Residuals Cedar already decided false can never apply; leave them out of the loop.
      const { residuals, nontrivialResiduals, satisfied } = answer.response;
      const relevant = new Set([...nontrivialResiduals, ...satisfied]);
      const uid = principalUid(principal);
      const predicate = compileResiduals(
        Object.fromEntries(Object.entries(residuals).filter(([id]) => relevant.has(id))),
        {
          principal: `${uid.type}::${uid.id}`,
          principalAncestors: new Set(groups.map((group) => `${ENTITY.group}::${group.group}`)),
          productAttributes: (product) => productEntity(product, bundle.index).attrs,
        },
      );
      return (environment) => {
        const product = bundle.index.productOfPool.get(environment.pool);
        const ancestors = new Set([
          `${ENTITY.environment}::${environment.name}`,
          `${ENTITY.pool}::${environment.pool}`,
        ]);
        if (product !== undefined) ancestors.add(`${ENTITY.product}::${product}`);
        return predicate({ environment, ancestors, product });
      };
    } catch (error) {
      if (!(error instanceof UnsupportedResidualError)) throw error;
      // An operator policy the compiler does not understand: correct, just slower.
      logger.warn(
        { reason: error.message },
        'listing falls back to one Cedar decision per environment',
      );
      return (environment) => decide(principal, 'environment:read', environment).allowed;
    }
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
      const key = JSON.stringify([
        principal.kind,
        principal.subject,
        principal.groups,
        principal.scopes,
      ]);
      let filter = filterCache.get(bundle)?.get(key);
      if (!filter) {
        filter = buildFilter(bundle, principal);
        const forBundle = filterCache.get(bundle) ?? new Map<string, Filter>();
        if (forBundle.size >= MEMBERSHIP_CACHE_SIZE) forBundle.clear();
        filterCache.set(bundle, forBundle.set(key, filter));
      }
      return Promise.resolve(filter);
    },

    explain({ principal, action, resource }) {
      const bundle = deps.bundle();
      const decision = decide(principal, action, resource);
      const all = memberships(bundle, principal);
      // The groups the deciding policies looked at: those they name, and the product's role
      // groups they read (`resource.product.developers`, …).
      const product =
        resource.kind === 'environment' ? bundle.index.productOfPool.get(resource.pool) : undefined;
      const productAttrs = product === undefined ? {} : productEntity(product, bundle.index).attrs;
      const mentioned = new Set<string>();
      for (const id of decision.policyIds) {
        const text = bundle.policies[id] ?? '';
        for (const match of text.matchAll(/Platform::Group::"((?:[^"\\]|\\.)*)"/g))
          mentioned.add(JSON.parse(`"${match[1] ?? ''}"`) as string);
        for (const match of text.matchAll(/resource\.product\.(\w+)/g)) {
          const value = productAttrs[match[1] ?? ''];
          if (typeof value === 'object' && value !== null && '__entity' in value)
            mentioned.add((value.__entity as { id: string }).id);
        }
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
