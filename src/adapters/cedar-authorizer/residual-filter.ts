import type { CedarValueJson, Expr, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { ENTITY } from '../../domain/policy/cedar-names.js';
import {
  ALL,
  inSet,
  isStatic,
  like,
  likeMatches,
  NONE,
  type EnvironmentFilter,
  type LikePart,
} from '../../domain/policy/environment-filter.js';
import {
  EntityValue,
  fromJson,
  isEntity,
  isRecord,
  UnsupportedResidualError,
  type Value,
} from './cedar-value.js';
import {
  all,
  any,
  asBool,
  bool,
  containsWhere,
  equalWhere,
  ERROR,
  itemsOf,
  known,
  negate,
  strict,
  type Sym,
} from './symbolic.js';

export { UnsupportedResidualError } from './cedar-value.js';

/** What the residuals may refer to besides the environment: the principal and products. */
export interface KnownEntities {
  /** `Type::id` of the principal. */
  readonly principal: string;
  /** `Type::id` of every group the principal is in. */
  readonly principalAncestors: ReadonlySet<string>;
  /** A product entity's attributes, as the entity store gives them to Cedar. */
  readonly productAttributes: (product: string) => Readonly<Record<string, CedarValueJson>>;
}

/**
 * Which product the environment belongs to while compiling: not fixed yet (touching the
 * product throws `NeedsProduct`, and the policy is compiled once per product), or fixed
 * (`undefined`: an environment of a pool no product owns).
 */
export type ProductCase =
  { readonly fixed: false } | { readonly fixed: true; readonly product: string | undefined };

/** The expression reads the product: compile it once per product instead. */
export class NeedsProduct extends Error {}

const FIELDS = new Set(['name', 'type', 'pool', 'owner']);

function isResourceUnknown(expr: Expr): boolean {
  const call = (expr as { unknown?: Expr[] }).unknown;
  const name = call?.[0] as { Value?: unknown } | undefined;
  return Array.isArray(call) && name?.Value === 'resource';
}

function productOf(product: ProductCase): string | undefined {
  if (!product.fixed) throw new NeedsProduct();
  return product.product;
}

/** Where `resource in target` holds, for one known ancestor candidate. */
function resourceIn(target: Value, product: ProductCase): EnvironmentFilter | undefined {
  if (!isEntity(target)) return undefined;
  if (target.type === ENTITY.environment) return inSet('name', [target.id]);
  if (target.type === ENTITY.pool) return inSet('pool', [target.id]);
  if (target.type === ENTITY.product) return productOf(product) === target.id ? ALL : NONE;
  return NONE;
}

/**
 * Evaluates one residual expression symbolically, following Cedar's semantics: `&&`/`||`
 * short-circuit, `if` evaluates one branch, and an error anywhere makes the policy not
 * apply. Throws `UnsupportedResidualError` for what it cannot evaluate exactly.
 */
export function evaluate(expr: Expr, entities: KnownEntities, product: ProductCase): Sym {
  const recurse = (inner: unknown): Sym => evaluate(inner as Expr, entities, product);
  if (isResourceUnknown(expr)) return { k: 'resource' };
  const [op, body] = Object.entries(expr)[0] ?? [];
  const node = body as Record<string, unknown>;
  switch (op) {
    case 'Value':
      return known(fromJson(body as CedarValueJson));
    case '!': {
      const arg = asBool(recurse(node.arg));
      return bool(arg.f, arg.t);
    }
    case '&&':
    case '||': {
      const left = asBool(recurse(node.left));
      const shortCircuit = op === '&&' ? left.t : left.f;
      // The right side is evaluated only where the left does not decide.
      const right =
        shortCircuit.kind === 'none' ? { t: NONE, f: NONE } : asBool(recurse(node.right));
      return op === '&&'
        ? bool(all(left.t, right.t), any(left.f, all(left.t, right.f)))
        : bool(any(left.t, all(left.f, right.t)), all(left.f, right.f));
    }
    case '==':
    case '!=': {
      const left = recurse(node.left);
      const right = recurse(node.right);
      const same = strict(equalWhere(left, right), [left, right]);
      if (op === '==' || same.k !== 'bool') return same;
      return bool(same.f, same.t);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const left = recurse(node.left);
      const right = recurse(node.right);
      if (left.k === 'error' || right.k === 'error') return ERROR;
      if (left.k !== 'value' || right.k !== 'value')
        throw new UnsupportedResidualError(`${op} on an environment attribute`);
      if (typeof left.value !== 'number' || typeof right.value !== 'number') return ERROR;
      const [l, r] = [left.value, right.value];
      return known(op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r);
    }
    case 'contains':
    case 'containsAll':
    case 'containsAny': {
      const left = recurse(node.left);
      const right = recurse(node.right);
      const items = itemsOf(left);
      if (left.k === 'error' || right.k === 'error' || items === undefined) return ERROR;
      if (op === 'contains') return strict(containsWhere(items, right), [left, right]);
      const wanted = itemsOf(right);
      if (wanted === undefined) return ERROR;
      const each = wanted.map((item) => containsWhere(items, item));
      return strict(op === 'containsAll' ? all(...each) : any(...each), [left, right]);
    }
    case 'isEmpty': {
      const arg = recurse(node.arg);
      const items = itemsOf(arg);
      if (items === undefined) return ERROR;
      return strict(items.length === 0 ? ALL : NONE, [arg]);
    }
    case 'in':
      return evaluateIn(recurse(node.left), recurse(node.right), entities, product);
    case 'is': {
      const left = recurse(node.left);
      if (node.in !== undefined) throw new UnsupportedResidualError('`is … in` in a residual');
      if (left.k === 'resource') return known(node.entity_type === ENTITY.environment);
      if (left.k === 'value' && isEntity(left.value))
        return known(node.entity_type === left.value.type);
      return ERROR;
    }
    case '.':
      return attribute(recurse(node.left), node.attr as string, entities, product);
    case 'has':
      return has(recurse(node.left), node.attr as string, entities, product);
    case 'like': {
      const left = recurse(node.left);
      const pattern = (node.pattern as ('Wildcard' | { Literal: string })[]).map(
        (part): LikePart => (part === 'Wildcard' ? '*' : { literal: part.Literal }),
      );
      if (left.k === 'field') {
        const matching = like(left.field, pattern);
        return bool(matching, negate(matching));
      }
      if (left.k === 'value' && typeof left.value === 'string')
        return known(likeMatches(pattern, left.value));
      return ERROR;
    }
    case 'if-then-else': {
      const condition = asBool(recurse(node.if));
      if (condition.t.kind === 'all') return recurse(node.then);
      if (condition.f.kind === 'all') return recurse(node.else);
      const then = condition.t.kind === 'none' ? ERROR : recurse(node.then);
      const otherwise = condition.f.kind === 'none' ? ERROR : recurse(node.else);
      const isBoolean = (sym: Sym) =>
        sym.k === 'bool' ||
        sym.k === 'error' ||
        (sym.k === 'value' && typeof sym.value === 'boolean');
      if (!isBoolean(then) || !isBoolean(otherwise))
        throw new UnsupportedResidualError('`if` choosing between non-boolean values');
      const [x, y] = [asBool(then), asBool(otherwise)];
      return bool(
        any(all(condition.t, x.t), all(condition.f, y.t)),
        any(all(condition.t, x.f), all(condition.f, y.f)),
      );
    }
    case 'Set': {
      const items = (body as Expr[]).map(recurse);
      if (items.some((item) => item.k === 'error')) return ERROR;
      if (items.every((item) => item.k === 'value'))
        return known(items.map((item) => (item as { value: Value }).value));
      return { k: 'set', items };
    }
    case 'Record': {
      const fields = new Map(
        Object.entries(body as Record<string, Expr>).map(([key, value]) => [key, recurse(value)]),
      );
      const values = [...fields.values()];
      if (values.some((value) => value.k === 'error')) return ERROR;
      if (values.every((value) => value.k === 'value'))
        return known(
          Object.fromEntries(
            [...fields].map(([key, value]) => [key, (value as { value: Value }).value]),
          ),
        );
      return { k: 'record', fields };
    }
    default:
      throw new UnsupportedResidualError(`residual operator ${String(op)}`);
  }
}

function evaluateIn(left: Sym, right: Sym, entities: KnownEntities, product: ProductCase): Sym {
  if (left.k === 'error' || right.k === 'error') return ERROR;
  if (right.k !== 'value') throw new UnsupportedResidualError('`in` on a computed right side');
  const targets = Array.isArray(right.value) ? right.value : [right.value];
  if (left.k === 'resource') {
    const parts: EnvironmentFilter[] = [];
    for (const target of targets) {
      const where = resourceIn(target, product);
      if (where === undefined) return ERROR;
      parts.push(where);
    }
    const matching = any(...parts);
    return bool(matching, negate(matching));
  }
  // The principal's groups are closed transitively, so its ancestors are exactly these.
  if (left.k === 'value' && isEntity(left.value) && left.value.key === entities.principal) {
    if (!targets.every(isEntity)) return ERROR;
    return known(
      targets.some(
        (target) =>
          target.key === entities.principal || entities.principalAncestors.has(target.key),
      ),
    );
  }
  throw new UnsupportedResidualError('`in` on a known left side');
}

function attribute(left: Sym, attr: string, entities: KnownEntities, product: ProductCase): Sym {
  if (left.k === 'error') return ERROR;
  if (left.k === 'resource') {
    if (FIELDS.has(attr)) return { k: 'field', field: attr as 'name' };
    if (attr === 'static') return bool(isStatic(true), isStatic(false));
    if (attr === 'product') {
      const name = productOf(product);
      return name === undefined ? ERROR : known(new EntityValue(ENTITY.product, name));
    }
    return ERROR;
  }
  if (left.k === 'record') return left.fields.get(attr) ?? ERROR;
  if (left.k !== 'value') return ERROR;
  const { value } = left;
  if (isEntity(value)) {
    if (value.type !== ENTITY.product)
      throw new UnsupportedResidualError(`attribute of a ${value.type}`);
    const found = entities.productAttributes(value.id)[attr];
    return found === undefined ? ERROR : known(fromJson(found));
  }
  if (isRecord(value)) return value[attr] === undefined ? ERROR : known(value[attr]);
  return ERROR;
}

function has(left: Sym, attr: string, entities: KnownEntities, product: ProductCase): Sym {
  if (left.k === 'error') return ERROR;
  if (left.k === 'resource') {
    if (attr === 'product') return known(productOf(product) !== undefined);
    return known(FIELDS.has(attr) || attr === 'static');
  }
  if (left.k === 'record') return known(left.fields.has(attr));
  if (left.k !== 'value') return ERROR;
  const { value } = left;
  if (isEntity(value)) {
    if (value.type !== ENTITY.product)
      throw new UnsupportedResidualError(`attribute test on a ${value.type}`);
    return known(entities.productAttributes(value.id)[attr] !== undefined);
  }
  if (isRecord(value)) return known(value[attr] !== undefined);
  return ERROR;
}

/** Where the policy applies for one product case: every condition holds, none errors. */
export function appliesWhere(
  policy: PolicyJson,
  entities: KnownEntities,
  product: ProductCase,
): EnvironmentFilter {
  const scopes = [policy.principal, policy.action, policy.resource];
  if (scopes.some((scope) => scope.op !== 'All'))
    throw new UnsupportedResidualError('residual with a scope constraint');
  // Cedar joins the conditions with `&&`, so a later one is read only where earlier ones hold.
  let where: EnvironmentFilter = ALL;
  for (const clause of policy.conditions) {
    if (where.kind === 'none') break;
    const value = asBool(evaluate(clause.body, entities, product));
    where = all(where, clause.kind === 'when' ? value.t : value.f);
  }
  return where;
}
