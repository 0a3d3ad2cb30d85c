import type { PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import {
  ALL,
  inSet,
  matches,
  NONE,
  PER_ITEM,
  type EnvironmentFilter,
  type FilterSubject,
} from '../../domain/policy/environment-filter.js';
import { simplifyFilter } from '../../domain/policy/simplify-filter.js';
import type { Decision } from '../../ports/authorizer.js';
import { UnsupportedResidualError } from './cedar-value.js';
import { appliesWhere, NeedsProduct, type KnownEntities } from './residual-filter.js';
import { all, any, negate } from './symbolic.js';

/** One residual policy as data: where it applies, and where only Cedar can tell. */
export interface CompiledPolicy {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly applies: EnvironmentFilter;
  readonly unknown: EnvironmentFilter;
}

/**
 * A principal's rules for one environment action after partial evaluation: per policy, so
 * a single decision learns which policies decided; `filter` is where the action is allowed
 * (Cedar's rule: some permit applies and no forbid does), with `per-item` wherever a policy
 * is `unknown`. For `environment:read` it is the listing filter.
 */
export interface EnvironmentRules {
  readonly policies: readonly CompiledPolicy[];
  readonly unknown: EnvironmentFilter;
  readonly filter: EnvironmentFilter;
  /** Why some policies are left to Cedar, one line each. */
  readonly unsupported: readonly string[];
}

/** The pools of each product that owns at least one: a product is known only by its pools. */
export type ProductPools = ReadonlyMap<string, readonly string[]>;

export function productPools(productOfPool: ReadonlyMap<string, string>): ProductPools {
  const pools = new Map<string, string[]>();
  for (const [pool, product] of productOfPool) {
    const list = pools.get(product);
    if (list) list.push(pool);
    else pools.set(product, [pool]);
  }
  return pools;
}

/** `where` for one policy: compiled once, or once per product when it reads the product. */
function compilePolicy(
  policy: PolicyJson,
  entities: KnownEntities,
  products: ProductPools,
): { applies: EnvironmentFilter; unknown: EnvironmentFilter; reason?: string } {
  try {
    return {
      applies: simplifyFilter(appliesWhere(policy, entities, { fixed: false })),
      unknown: NONE,
    };
  } catch (error) {
    if (error instanceof UnsupportedResidualError)
      return { applies: NONE, unknown: ALL, reason: error.message };
    if (!(error instanceof NeedsProduct)) throw error;
  }
  // Products with the same filter share one branch: `pool ∈ {their pools} ∧ filter`.
  const groups = new Map<
    string,
    { filter: EnvironmentFilter; pools: string[]; unowned: boolean }
  >();
  const unknownPools: string[] = [];
  let unknownUnowned = false;
  let reason: string | undefined;
  const cases: [string | undefined, readonly string[]][] = [...products, [undefined, []]];
  for (const [product, pools] of cases) {
    let filter: EnvironmentFilter;
    try {
      filter = simplifyFilter(appliesWhere(policy, entities, { fixed: true, product }));
    } catch (error) {
      if (!(error instanceof UnsupportedResidualError)) throw error;
      reason ??= error.message;
      if (product === undefined) unknownUnowned = true;
      else unknownPools.push(...pools);
      continue;
    }
    if (filter.kind === 'none') continue;
    const key = JSON.stringify(filter);
    const group = groups.get(key) ?? { filter, pools: [], unowned: false };
    groups.set(key, group);
    if (product === undefined) group.unowned = true;
    else group.pools.push(...pools);
  }
  const owned = [...products.values()].flat();
  const region = (pools: readonly string[], unowned: boolean): EnvironmentFilter => {
    if (!unowned) return pools.length === 0 ? NONE : inSet('pool', pools);
    const inside = new Set(pools);
    const others = owned.filter((pool) => !inside.has(pool));
    return others.length === 0 ? ALL : negate(inSet('pool', others));
  };
  const applies = any(
    ...[...groups.values()].map((group) => all(region(group.pools, group.unowned), group.filter)),
  );
  const unknown = region(unknownPools, unknownUnowned);
  return {
    applies: simplifyFilter(applies),
    unknown: simplifyFilter(unknown),
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * Compiles the residuals of an environment action (principal and action known, resource
 * unknown) into per-policy filters and the overall filter. Exact: where a construct cannot
 * be compiled, the policy is `unknown` there and the filter asks for a per-item decision.
 */
export function compileEnvironmentRules(
  residuals: Readonly<Record<string, PolicyJson>>,
  entities: KnownEntities,
  products: ProductPools,
): EnvironmentRules {
  const policies: CompiledPolicy[] = [];
  const unsupported: string[] = [];
  for (const [id, policy] of Object.entries(residuals)) {
    const { applies, unknown, reason } = compilePolicy(policy, entities, products);
    if (reason !== undefined) unsupported.push(`${id}: ${reason}`);
    if (applies.kind === 'none' && unknown.kind === 'none') continue;
    policies.push({ id, effect: policy.effect, applies, unknown });
  }
  const of = (effect: 'permit' | 'forbid') =>
    any(...policies.filter((policy) => policy.effect === effect).map((policy) => policy.applies));
  const unknown = simplifyFilter(any(...policies.map((policy) => policy.unknown)));
  const decided = all(negate(unknown), of('permit'), negate(of('forbid')));
  const filter = simplifyFilter(any(decided, all(unknown, PER_ITEM)));
  return { policies, unknown, filter, unsupported };
}

const noPerItem = (): boolean => {
  throw new TypeError('compiled policies have no per-item leaves');
};

/**
 * The decision Cedar would make for this environment, with the same policy ids
 * (the applying permits on allow, the applying forbids on deny), or undefined where a
 * policy is left to Cedar.
 */
export function decideEnvironment(
  rules: EnvironmentRules,
  subject: FilterSubject,
): Decision | undefined {
  if (matches(rules.unknown, subject, noPerItem)) return undefined;
  const permits: string[] = [];
  const forbids: string[] = [];
  for (const policy of rules.policies)
    if (matches(policy.applies, subject, noPerItem))
      (policy.effect === 'permit' ? permits : forbids).push(policy.id);
  const allowed = permits.length > 0 && forbids.length === 0;
  return { allowed, policyIds: (allowed ? permits : forbids).sort() };
}
