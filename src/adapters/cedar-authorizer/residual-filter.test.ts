import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { EntityJson, Expr, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { CEDAR_SCHEMA } from '../../domain/policy/cedar-schema.js';
import type { EnvironmentResource } from '../../ports/authorizer.js';
import { matches, type FilterSubject } from '../../domain/policy/environment-filter.js';
import { compileEnvironmentRules, decideEnvironment, productPools } from './environment-rules.js';
import type { KnownEntities } from './residual-filter.js';

const alice = { type: 'Platform::User', id: 'alice' };
/** These policies never ask about the principal's groups or a product's attributes. */
const known: KnownEntities = {
  principal: 'Platform::User::alice',
  principalAncestors: new Set<string>(),
  productAttributes: () => ({}),
};
const read = { type: 'Platform::Action', id: 'environment:read' };
const principalEntity: EntityJson = { uid: alice, attrs: { subject: 'alice' }, parents: [] };

const environments: EnvironmentResource[] = [
  ['web', 'dev', 'x', 'alice', false],
  ['a.b', 'prod', 'x', 'bob', true],
  ['axb', 'sue', 'shared-a', 'alice', false],
  ['*lit', 'staging', 'y', 'bob', false],
  ['e1', 'dev', 'y', '', true],
].map(([name, type, pool, owner, isStatic]) => ({
  kind: 'environment',
  name: name as string,
  type: type as string,
  pool: pool as string,
  owner: owner as string,
  static: isStatic as boolean,
}));
const productOf: Record<string, string> = { x: 'koa' };
const products = productPools(new Map(Object.entries(productOf)));

const noPerItem = (): boolean => {
  throw new Error('no per-item decision expected');
};

/** The compiled residuals as a predicate: the listing filter, which must need no Cedar. */
function compileResiduals(residuals: Record<string, PolicyJson>) {
  const rules = compileEnvironmentRules(residuals, known, products);
  return (subject: FilterSubject) => {
    const listed = matches(rules.filter, subject, noPerItem);
    expect(decideEnvironment(rules, subject)?.allowed).toBe(listed);
    return listed;
  };
}

/** Compiled residual decisions and Cedar's own, for every test environment. */
function bothWays(text: string) {
  const policies = { staticPolicies: text };
  const validation = cedar.validate({ schema: CEDAR_SCHEMA, policies });
  expect(validation).toMatchObject({ type: 'success', validationErrors: [] });
  const partial = cedar.isAuthorizedPartial({
    principal: alice,
    action: read,
    resource: null,
    context: {},
    policies,
    entities: [principalEntity],
  });
  if (partial.type !== 'residuals') throw new Error(JSON.stringify(partial.errors));
  const predicate = compileResiduals(partial.response.residuals);
  const compiled = environments.map((environment) => predicate(environment));
  const exact = environments.map((environment) => {
    const pool = { type: 'Platform::Pool', id: environment.pool };
    const product = productOf[environment.pool];
    const productUid = product ? [{ type: 'Platform::Product', id: product }] : [];
    const { kind: _kind, ...attrs } = environment;
    const answer = cedar.isAuthorized({
      principal: alice,
      action: read,
      resource: { type: 'Platform::Environment', id: environment.name },
      context: {},
      policies,
      entities: [
        principalEntity,
        {
          uid: { type: 'Platform::Environment', id: environment.name },
          attrs,
          parents: [pool, ...productUid],
        },
        { uid: pool, attrs: {}, parents: productUid },
        ...productUid.map((uid) => ({ uid, attrs: {}, parents: [] })),
      ],
    });
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
    return answer.response.decision === 'allow';
  });
  return { compiled, exact };
}

const permitRead = (when: string) =>
  `permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment) when { ${when} };`;

describe('compileResiduals agrees with Cedar', () => {
  it.each([
    [
      'like with regex characters',
      permitRead('resource.name like "a.b"'),
      [false, true, false, false, false],
    ],
    [
      'like with a wildcard',
      permitRead('resource.name like "a*b"'),
      [false, true, true, false, false],
    ],
    [
      'like with an escaped star',
      permitRead('resource.name like "\\*l*"'),
      [false, false, false, true, false],
    ],
    [
      'in a product',
      permitRead('resource in Platform::Product::"koa"'),
      [true, true, false, false, false],
    ],
    [
      'in a set of pools',
      permitRead('resource in [Platform::Pool::"y", Platform::Pool::"none"]'),
      [false, false, false, true, true],
    ],
    [
      'resource equality',
      permitRead('resource == Platform::Environment::"e1"'),
      [false, false, false, false, true],
    ],
    [
      'principal compared with an attribute',
      permitRead('resource.owner == principal.subject'),
      [true, false, true, false, false],
    ],
    [
      'if-then-else',
      permitRead('if resource.static then resource.type == "dev" else resource.pool != "x"'),
      [false, false, true, true, true],
    ],
    [
      'containsAll and isEmpty',
      permitRead(
        '[resource.type, resource.pool].containsAll(["dev"]) && ![resource.owner].isEmpty()',
      ),
      [true, false, false, false, true],
    ],
    [
      'records',
      permitRead('{t: resource.type, s: resource.static} == {t: "dev", s: true}'),
      [false, false, false, false, true],
    ],
    [
      'a forbid over a permit',
      `${permitRead('true')}\nforbid (principal, action, resource is Platform::Environment) when { resource.owner like "b*" };`,
      [true, false, true, false, true],
    ],
    [
      'unless',
      `permit (principal, action, resource is Platform::Environment) unless { resource.static || resource.type == "sue" };`,
      [true, false, false, true, false],
    ],
  ])('%s', (_name, text, expected) => {
    const { compiled, exact } = bothWays(text);
    expect(exact).toEqual(expected);
    expect(compiled).toEqual(exact);
  });

  // BUG (residual-filter.ts `isEntity`): a record whose only field is named `entity` is
  // taken for an entity reference, so its non-string field is compared by object identity.
  // Cedar allows `e1`; the compiled filter hides it. Flip to `it` when fixed.
  it('compares a record with a single `entity` field as a record', () => {
    const { compiled, exact } = bothWays(
      permitRead('{entity: [resource.type]} == {entity: ["dev"]}'),
    );
    expect(exact).toEqual([true, false, false, false, true]);
    expect(compiled).toEqual(exact);
  });
});

const always: Pick<PolicyJson, 'principal' | 'action' | 'resource'> = {
  principal: { op: 'All' },
  action: { op: 'All' },
  resource: { op: 'All' },
};
const policy = (effect: 'permit' | 'forbid', body: Expr, kind: 'when' | 'unless' = 'when') =>
  ({ effect, ...always, conditions: [{ kind, body }] }) as PolicyJson;
const subject = environments[0] as EnvironmentResource;
const notOfString: Expr = { '!': { arg: { Value: 'text' } } };

describe('compileResiduals edge cases', () => {
  it.each<[string, Expr]>([
    ['an attribute a record lacks', { '.': { left: { Record: {} }, attr: 'a' } }],
    [
      'an attribute environments lack',
      { '.': { left: { unknown: [{ Value: 'resource' }] }, attr: 'colour' } },
    ],
  ])('reads %s as an error, so the policy never applies', (_name, body) => {
    const rules = compileEnvironmentRules({ p: policy('permit', body) }, known, products);
    expect(rules).toMatchObject({ unsupported: [], filter: { kind: 'none' }, policies: [] });
  });

  it('skips a forbid whose condition fails to evaluate, as Cedar does', () => {
    const predicate = compileResiduals({
      p: policy('permit', { Value: true }),
      f: policy('forbid', notOfString),
    });
    expect(predicate(subject)).toBe(true);
  });

  it('skips a permit whose condition fails to evaluate, also under unless', () => {
    expect(compileResiduals({ p: policy('permit', notOfString) })(subject)).toBe(false);
    expect(compileResiduals({ p: policy('permit', notOfString, 'unless') })(subject)).toBe(false);
    expect(compileResiduals({ p: policy('permit', { Value: false }, 'unless') })(subject)).toBe(
      true,
    );
  });

  it('denies when no permit applies', () => {
    expect(compileResiduals({})(subject)).toBe(false);
  });

  it.each<[string, PolicyJson]>([
    [
      'a scope constraint',
      { ...policy('permit', { Value: true }), principal: { op: '==', entity: alice } },
    ],
    [
      'arithmetic',
      policy('permit', {
        '==': { left: { '+': { left: { Value: 1 }, right: { Value: 1 } } }, right: { Value: 2 } },
      }),
    ],
    [
      'two attributes compared',
      policy('permit', {
        '==': {
          left: { '.': { left: { unknown: [{ Value: 'resource' }] }, attr: 'owner' } },
          right: { '.': { left: { unknown: [{ Value: 'resource' }] }, attr: 'name' } },
        },
      }),
    ],
    ['an extension value', policy('permit', { Value: { __extn: { fn: 'ip', arg: '10.0.0.1' } } })],
    ['a variable', policy('permit', { Var: 'context' })],
  ])('leaves %s to per-item decisions', (_name, residual) => {
    const rules = compileEnvironmentRules(
      { r: residual, p: policy('permit', { Value: true }) },
      known,
      products,
    );
    expect(rules.unsupported).toHaveLength(1);
    expect(rules.filter).toEqual({ kind: 'per-item' });
    expect(decideEnvironment(rules, subject)).toBeUndefined();
  });
});
