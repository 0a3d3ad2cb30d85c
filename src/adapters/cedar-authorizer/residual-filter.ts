import type { CedarValueJson, Expr, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { ENTITY } from '../../domain/policy/cedar-names.js';
import type { EnvironmentResource } from '../../ports/authorizer.js';

/** An environment as the compiled residual sees it: its attributes and its ancestors. */
export interface ResidualSubject {
  readonly environment: EnvironmentResource;
  /** `Type::id` keys of the environment itself, its pool and its pool's product. */
  readonly ancestors: ReadonlySet<string>;
  /** The product owning the environment's pool, if any (the `product` attribute). */
  readonly product: string | undefined;
}

/** What the residuals may refer to besides the environment: the principal and products. */
export interface KnownEntities {
  /** `Type::id` of the principal. */
  readonly principal: string;
  /** `Type::id` of every group the principal is in. */
  readonly principalAncestors: ReadonlySet<string>;
  /** A product entity's attributes, as the entity store gives them to Cedar. */
  readonly productAttributes: (product: string) => Readonly<Record<string, CedarValueJson>>;
}

const ENVIRONMENT_ATTRIBUTES = ['name', 'type', 'pool', 'owner', 'static'] as const;
type EnvironmentAttribute = (typeof ENVIRONMENT_ATTRIBUTES)[number];
const isEnvironmentAttribute = (attr: unknown): attr is EnvironmentAttribute =>
  typeof attr === 'string' && (ENVIRONMENT_ATTRIBUTES as readonly string[]).includes(attr);

/** The residual uses something this compiler does not evaluate; fall back to Cedar. */
export class UnsupportedResidualError extends Error {}

/** A Cedar evaluation error: the policy does not apply, as in Cedar's skip-on-error. */
class ResidualEvaluationError extends Error {}

type Value = boolean | number | string | EntityValue | Value[] | { [key: string]: Value };
/** A class, so no Cedar record (`{entity: …}`) can ever be mistaken for an entity. */
class EntityValue {
  constructor(readonly key: string) {}
}
type Compiled = (subject: ResidualSubject) => Value;

const entityKey = (type: string, id: string): string => `${type}::${id}`;
const isEntity = (value: Value): value is EntityValue => value instanceof EntityValue;

function fromJson(value: CedarValueJson): Value {
  if (value === null) throw new UnsupportedResidualError('null value');
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') {
    if ('__entity' in value) {
      const ref = value.__entity as { type: string; id: string };
      return new EntityValue(entityKey(ref.type, ref.id));
    }
    if ('__extn' in value) throw new UnsupportedResidualError('extension value');
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fromJson(inner)]));
  }
  return value;
}

function equal(left: Value, right: Value): boolean {
  if (isEntity(left) || isEntity(right))
    return isEntity(left) && isEntity(right) && left.key === right.key;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right)) return false;
    return (
      left.every((l) => right.some((r) => equal(l, r))) &&
      right.every((r) => left.some((l) => equal(l, r)))
    );
  }
  if (typeof left === 'object' || typeof right === 'object') {
    if (typeof left !== 'object' || typeof right !== 'object') return false;
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => key in right && equal(left[key] as Value, right[key] as Value))
    );
  }
  return left === right;
}

const bool = (value: Value): boolean => {
  if (typeof value !== 'boolean') throw new ResidualEvaluationError('expected a boolean');
  return value;
};
const set = (value: Value): Value[] => {
  if (!Array.isArray(value)) throw new ResidualEvaluationError('expected a set');
  return value;
};
const long = (value: Value): number => {
  if (typeof value !== 'number') throw new ResidualEvaluationError('expected a long');
  return value;
};

function likeMatcher(
  pattern: readonly ('Wildcard' | { Literal: string })[],
): (text: string) => boolean {
  const source = pattern
    .map((element) =>
      element === 'Wildcard' ? '[\\s\\S]*' : element.Literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const regex = new RegExp(`^${source}$`, 'u');
  return (text) => regex.test(text);
}

function isEntityLiteral(expr: Expr, key: string): boolean {
  const value = (expr as { Value?: unknown }).Value;
  if (typeof value !== 'object' || value === null || !('__entity' in value)) return false;
  const ref = (value as { __entity: { type: string; id: string } }).__entity;
  return entityKey(ref.type, ref.id) === key;
}

function isResourceUnknown(expr: Expr): boolean {
  const call = (expr as { unknown?: Expr[] }).unknown;
  const name = call?.[0] as { Value?: unknown } | undefined;
  return Array.isArray(call) && name?.Value === 'resource';
}

/** Compiles one residual expression; throws `UnsupportedResidualError` for what it cannot. */
function compile(expr: Expr, known: KnownEntities): Compiled {
  if (isResourceUnknown(expr))
    return ({ environment }) => new EntityValue(entityKey(ENTITY.environment, environment.name));
  const [op, body] = Object.entries(expr)[0] ?? [];
  const node = body as Record<string, unknown>;
  const binary = (combine: (l: Value, r: Value) => Value): Compiled => {
    const left = compile(node.left as Expr, known);
    const right = compile(node.right as Expr, known);
    return (subject) => combine(left(subject), right(subject));
  };
  switch (op) {
    case 'Value': {
      const value = fromJson(body as CedarValueJson);
      return () => value;
    }
    case '!': {
      const arg = compile(node.arg as Expr, known);
      return (subject) => !bool(arg(subject));
    }
    case '&&': {
      const left = compile(node.left as Expr, known);
      const right = compile(node.right as Expr, known);
      return (subject) => bool(left(subject)) && bool(right(subject));
    }
    case '||': {
      const left = compile(node.left as Expr, known);
      const right = compile(node.right as Expr, known);
      return (subject) => bool(left(subject)) || bool(right(subject));
    }
    case '==':
      return binary((l, r) => equal(l, r));
    case '!=':
      return binary((l, r) => !equal(l, r));
    case '<':
      return binary((l, r) => long(l) < long(r));
    case '<=':
      return binary((l, r) => long(l) <= long(r));
    case '>':
      return binary((l, r) => long(l) > long(r));
    case '>=':
      return binary((l, r) => long(l) >= long(r));
    case 'contains':
      return binary((l, r) => set(l).some((item) => equal(item, r)));
    case 'containsAll':
      return binary((l, r) => set(r).every((item) => set(l).some((other) => equal(other, item))));
    case 'containsAny':
      return binary((l, r) => set(r).some((item) => set(l).some((other) => equal(other, item))));
    case 'isEmpty': {
      const arg = compile(node.arg as Expr, known);
      return (subject) => set(arg(subject)).length === 0;
    }
    case 'in': {
      // `resource in …`, or `principal in resource.product.<group>` (the principal's groups
      // are known, the group is not).
      const left = node.left as Expr;
      const principalOnLeft = isEntityLiteral(left, known.principal);
      if (!isResourceUnknown(left) && !principalOnLeft)
        throw new UnsupportedResidualError('`in` on a known left side');
      const right = compile(node.right as Expr, known);
      return (subject) => {
        const target = right(subject);
        const targets = Array.isArray(target) ? target : [target];
        return targets.some((item) => {
          if (!isEntity(item)) throw new ResidualEvaluationError('`in` needs entities');
          return principalOnLeft
            ? item.key === known.principal || known.principalAncestors.has(item.key)
            : subject.ancestors.has(item.key);
        });
      };
    }
    case 'is': {
      if (!isResourceUnknown(node.left as Expr))
        throw new UnsupportedResidualError('`is` on a known left side');
      if (node.in !== undefined) throw new UnsupportedResidualError('`is … in` in a residual');
      const matches = node.entity_type === ENTITY.environment;
      return () => matches;
    }
    case '.': {
      const attr = node.attr as string;
      const left = node.left as Expr;
      if (isResourceUnknown(left)) {
        if (isEnvironmentAttribute(attr)) return ({ environment }) => environment[attr];
        if (attr === 'product')
          return ({ product }) => {
            if (product === undefined) throw new ResidualEvaluationError('no product attribute');
            return new EntityValue(entityKey(ENTITY.product, product));
          };
        throw new UnsupportedResidualError(`unknown attribute ${attr}`);
      }
      // An attribute of the environment's product, e.g. `resource.product.developers`.
      if (!('.' in left)) throw new UnsupportedResidualError('attribute of a known value');
      const owner = compile(left, known);
      const productPrefix = `${ENTITY.product}::`;
      return (subject) => {
        const entity = owner(subject);
        if (!isEntity(entity) || !entity.key.startsWith(productPrefix))
          throw new ResidualEvaluationError('attribute of an entity other than a product');
        const value = known.productAttributes(entity.key.slice(productPrefix.length))[attr];
        if (value === undefined) throw new ResidualEvaluationError(`no attribute ${attr}`);
        return fromJson(value);
      };
    }
    case 'has': {
      if (!isResourceUnknown(node.left as Expr))
        throw new UnsupportedResidualError('`has` on a known value');
      const attr = node.attr;
      if (attr === 'product') return ({ product }) => product !== undefined;
      const present = isEnvironmentAttribute(attr);
      return () => present;
    }
    case 'like': {
      const left = compile(node.left as Expr, known);
      const matches = likeMatcher(node.pattern as ('Wildcard' | { Literal: string })[]);
      return (subject) => {
        const value = left(subject);
        if (typeof value !== 'string') throw new ResidualEvaluationError('`like` needs a string');
        return matches(value);
      };
    }
    case 'if-then-else': {
      const condition = compile(node.if as Expr, known);
      const then = compile(node.then as Expr, known);
      const otherwise = compile(node.else as Expr, known);
      return (subject) => (bool(condition(subject)) ? then(subject) : otherwise(subject));
    }
    case 'Set': {
      const items = (body as Expr[]).map((item) => compile(item, known));
      return (subject) => items.map((item) => item(subject));
    }
    case 'Record': {
      const fields = Object.entries(body as Record<string, Expr>).map(
        ([key, value]) => [key, compile(value, known)] as const,
      );
      return (subject) => Object.fromEntries(fields.map(([key, value]) => [key, value(subject)]));
    }
    default:
      throw new UnsupportedResidualError(`residual operator ${String(op)}`);
  }
}

/** True when the policy applies to the subject; an evaluation error means it does not. */
function compilePolicy(
  policy: PolicyJson,
  known: KnownEntities,
): (subject: ResidualSubject) => boolean {
  const scopes = [policy.principal, policy.action, policy.resource];
  if (scopes.some((scope) => scope.op !== 'All'))
    throw new UnsupportedResidualError('residual with a scope constraint');
  const clauses = policy.conditions.map((clause) => ({
    when: clause.kind === 'when',
    test: compile(clause.body, known),
  }));
  return (subject) => {
    try {
      return clauses.every((clause) => bool(clause.test(subject)) === clause.when);
    } catch (error) {
      if (error instanceof ResidualEvaluationError) return false;
      throw error;
    }
  };
}

/**
 * Turns Cedar's partial-evaluation residuals (principal and action known, resource unknown)
 * into one predicate: some permit applies and no forbid does, which is Cedar's decision rule.
 */
export function compileResiduals(
  residuals: Readonly<Record<string, PolicyJson>>,
  known: KnownEntities,
): (subject: ResidualSubject) => boolean {
  const permits: ((subject: ResidualSubject) => boolean)[] = [];
  const forbids: ((subject: ResidualSubject) => boolean)[] = [];
  for (const policy of Object.values(residuals)) {
    (policy.effect === 'permit' ? permits : forbids).push(compilePolicy(policy, known));
  }
  return (subject) =>
    permits.some((applies) => applies(subject)) && !forbids.some((applies) => applies(subject));
}
