import './wasm-inlining-workaround.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Logger } from 'pino';
import { ACTION_RESOURCE_KIND } from '../../domain/policy/actions.js';
import { ENTITY } from '../../domain/policy/cedar-names.js';
import { ALL, PER_ITEM } from '../../domain/policy/environment-filter.js';
import { membershipsOf, type Membership } from '../../domain/tenancy/tenancy-index.js';
import {
  type Action,
  type Authorizer,
  type Decision,
  type EnvironmentResource,
  type Explanation,
  type Resource,
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
import {
  compileEnvironmentRules,
  decideEnvironment,
  productPools,
  type ProductPools,
  type EnvironmentRules,
} from './environment-rules.js';

const MEMBERSHIP_CACHE_SIZE = 1000;

type EnvironmentAction = Extract<Action, `environment:${string}`>;
type RulesByAction = Map<EnvironmentAction, EnvironmentRules>;
const isEnvironmentAction = (action: Action): action is EnvironmentAction =>
  ACTION_RESOURCE_KIND[action] === 'environment';

/** What a principal's cached groups and rules depend on (a caller's request id is not). */
const keyOf = (principal: Principal): string =>
  [
    principal.kind,
    principal.subject,
    principal.groups.join('\t'),
    principal.scopes === undefined ? '*' : principal.scopes.join('\t'),
  ].join('\n');

// The static token authenticator hands out one frozen principal per token, so its groups
// array is the same object on every request: the key is kept per frozen array. A key built
// per call was a new string that every cache lookup flattened and hashed again, four times
// per authorized GET. A mutable array is never trusted to still hold what it held.
const keys = new WeakMap<
  readonly string[],
  { readonly principal: Principal; readonly key: string }
>();

function principalKey(principal: Principal): string {
  const { groups, scopes } = principal;
  if (!Object.isFrozen(groups) || (scopes !== undefined && !Object.isFrozen(scopes)))
    return keyOf(principal);
  const last = keys.get(groups);
  if (
    last !== undefined &&
    last.principal.kind === principal.kind &&
    last.principal.subject === principal.subject &&
    last.principal.scopes === principal.scopes
  )
    return last.key;
  const key = keyOf(principal);
  keys.set(groups, { principal, key });
  return key;
}

/**
 * The Cedar authorizer (`@cedar-policy/cedar-wasm`, in process). `bundle()` returns the
 * current model and policies; a reload swaps it and the next request sees the new one.
 * Each environment action is partially evaluated once per principal and bundle and
 * compiled to data (per-policy filters): listings get `environment:read`'s as a filter, and
 * single decisions on an environment are made from them without a Cedar call wherever
 * they are exact.
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
    const key = principalKey(principal);
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

  // An action's rules depend only on the bundle, the principal and the action: partial
  // evaluation runs once per principal, action and policy version, not once per request.
  const rulesCache = new WeakMap<PolicyBundle, Map<string, RulesByAction>>();
  const bundleData = new WeakMap<
    PolicyBundle,
    { products: ProductPools; attributes: Map<string, Record<string, CedarValueJson>> }
  >();

  function dataOf(bundle: PolicyBundle) {
    let data = bundleData.get(bundle);
    if (!data) {
      data = { products: productPools(bundle.index.productOfPool), attributes: new Map() };
      bundleData.set(bundle, data);
    }
    return data;
  }

  function buildRules(
    bundle: PolicyBundle,
    principal: Principal,
    action: EnvironmentAction,
  ): EnvironmentRules {
    const groups = memberships(bundle, principal);
    const answer = cedar.isAuthorizedPartial({
      principal: principalUid(principal),
      action: { type: ENTITY.action, id: action },
      resource: null,
      context: {},
      policies: { staticPolicies: bundle.policies },
      entities: known(bundle, principal).entities,
    });
    let rules: EnvironmentRules;
    if (answer.type === 'failure') {
      const reason = answer.errors[0]?.message ?? 'partial evaluation failed';
      rules = { policies: [], unknown: ALL, filter: PER_ITEM, unsupported: [reason] };
    } else {
      // Residuals Cedar already decided false can never apply; leave them out.
      const { residuals, nontrivialResiduals, satisfied } = answer.response;
      const relevant = new Set([...nontrivialResiduals, ...satisfied]);
      const uid = principalUid(principal);
      const { products, attributes } = dataOf(bundle);
      rules = compileEnvironmentRules(
        Object.fromEntries(Object.entries(residuals).filter(([id]) => relevant.has(id))),
        {
          principal: `${uid.type}::${uid.id}`,
          principalAncestors: new Set(groups.map((group) => `${ENTITY.group}::${group.group}`)),
          productAttributes: (product) => {
            let found = attributes.get(product);
            if (!found)
              attributes.set(product, (found = productEntity(product, bundle.index).attrs));
            return found;
          },
        },
        products,
      );
    }
    // An operator policy the compiler does not understand: correct, just slower.
    if (rules.unsupported.length > 0)
      logger.warn(
        { action, reasons: rules.unsupported },
        'falls back to one Cedar decision per environment',
      );
    return rules;
  }

  function rulesFor(
    bundle: PolicyBundle,
    principal: Principal,
    action: EnvironmentAction,
  ): EnvironmentRules {
    let forBundle = rulesCache.get(bundle);
    if (!forBundle) rulesCache.set(bundle, (forBundle = new Map<string, RulesByAction>()));
    const key = principalKey(principal);
    let forPrincipal = forBundle.get(key);
    if (!forPrincipal) {
      if (forBundle.size >= MEMBERSHIP_CACHE_SIZE) forBundle.clear();
      forBundle.set(key, (forPrincipal = new Map<EnvironmentAction, EnvironmentRules>()));
    }
    let rules = forPrincipal.get(action);
    if (!rules) {
      rules = buildRules(bundle, principal, action);
      forPrincipal.set(action, rules);
    }
    return rules;
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
    authorize({ principal, action, resource }) {
      // Environment actions are most requests: the principal's compiled rules decide them
      // exactly, with Cedar's policy ids, and Cedar keeps whatever the rules leave open.
      if (resource.kind === 'environment' && isEnvironmentAction(action)) {
        const decision = decideEnvironment(rulesFor(deps.bundle(), principal, action), resource);
        if (decision) return Promise.resolve(decision);
      }
      return Promise.resolve(decide(principal, action, resource));
    },

    readableFilter(principal) {
      const { filter } = rulesFor(deps.bundle(), principal, 'environment:read');
      return Promise.resolve({
        filter,
        decide: (environment: EnvironmentResource) =>
          decide(principal, 'environment:read', environment).allowed,
      });
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
