import fc from 'fast-check';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { createCedarAuthorizer } from '../../src/adapters/cedar-authorizer/cedar-authorizer.js';
import {
  buildPolicyBundle,
  newPolicySetId,
  parseOperatorPolicies,
} from '../../src/adapters/cedar-authorizer/policy-bundle.js';
import { ACTION_RESOURCE_KIND, ACTIONS, type Action } from '../../src/domain/policy/actions.js';
import { isDecidedByData, matches } from '../../src/domain/policy/environment-filter.js';
import { indexTenancy } from '../../src/domain/tenancy/tenancy-index.js';
import { environmentArb, principalArb, tenancyArb } from './arbitraries.js';

type EnvironmentAction = Extract<Action, `environment:${string}`>;
const ENVIRONMENT_ACTIONS = ACTIONS.filter(
  (action): action is EnvironmentAction => ACTION_RESOURCE_KIND[action] === 'environment',
);

/** The operator policies the residual compiler must understand (no fallback). */
const SUPPORTED = `
@id("shared-pools")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when { resource.pool like "shared-*" };

@id("no-secret")
forbid (principal, action, resource is Platform::Environment)
when { resource.name == "secret" };

@id("static-dev-or-own")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when {
  if resource.static then resource.type == "dev"
  else resource.owner == principal.subject && resource.type != "sue"
};

@id("auditors-pool-x")
permit (
  principal in Platform::Group::"idp:auditors",
  action == Platform::Action::"environment:read",
  resource in Platform::Pool::"x"
)
when { ["dev", "e1"].containsAny([resource.type, resource.name]) };

@id("auditors-not-prod")
forbid (principal in Platform::Group::"idp:auditors", action, resource is Platform::Environment)
unless {
  resource.type != "prod" &&
  !(resource has owner && [resource.owner, "x"].containsAll(["mallory@evil.example"]))
};

@id("records-and-sets")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when {
  {t: resource.type, s: resource.static} == {t: "staging", s: true} ||
  resource in [Platform::Pool::"nowhere", Platform::Pool::"gamma"] ||
  resource in Platform::Product::"koa" ||
  [resource.pool].contains("shared-b") && !(resource == Platform::Environment::"api")
};
`;

/** Residuals the compiler refuses: `+`, and two environment attributes compared. */
const UNSUPPORTED = {
  arithmetic: `@id("arithmetic")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when { (if resource.static then 1 else 2) + 1 == 2 };`,
  'attribute-against-attribute': `@id("attribute-against-attribute")
forbid (principal, action, resource is Platform::Environment)
when { resource.owner == resource.name };`,
};

/** Understood since the filter became data: attributes of records, product attributes in `if`. */
const ALSO_SUPPORTED = `
@id("own-in-shared-pools")
permit (
  principal,
  action in [Platform::Action::"environment:create", Platform::Action::"environment:delete"],
  resource is Platform::Environment
)
when { resource.pool like "shared-*" && resource.owner == principal.subject };

@id("record-attribute")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when { {n: resource.name}.n == "web" };

@id("product-attribute-only-where-owned")
forbid (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when {
  if resource.static
  then resource has product && resource.product.gatedTypes.contains("dev")
  else resource.type == "prod" && principal in Platform::Group::"idp:auditors"
};
`;

function recordingLogger(warnings: string[]): Logger {
  const record = (_fields: unknown, message?: string): void => {
    warnings.push(message ?? '');
  };
  return { warn: record, error: record, info: () => undefined } as unknown as Logger;
}

const listingArb = tenancyArb.chain((model) =>
  fc.record({
    model: fc.constant(model),
    principals: fc.array(principalArb(model), { minLength: 1, maxLength: 3 }),
    environments: fc.array(environmentArb(model), { maxLength: 60 }),
  }),
);

/**
 * Asserts, over random models, principals and claim sets, that the listing filter and the
 * single decisions of every environment action (allowed and policy ids) agree with one
 * Cedar decision per environment (`explain` always asks Cedar). Returns how many environments were readable,
 * how many filters needed per-item decisions, and the warnings the authorizer logged.
 */
async function differential(operatorText: string | undefined, numRuns: number) {
  const operatorPolicies = operatorText ? parseOperatorPolicies('ops.cedar', operatorText) : [];
  const policySetId = newPolicySetId();
  const warnings: string[] = [];
  const logger = recordingLogger(warnings);
  let readable = 0;
  let total = 0;
  let perItemFilters = 0;
  await fc.assert(
    fc.asyncProperty(listingArb, async ({ model, principals, environments }) => {
      const index = indexTenancy(model);
      const bundle = buildPolicyBundle({ index, operatorPolicies, policySetId });
      const authorizer = createCedarAuthorizer({ bundle: () => bundle, logger });
      for (const principal of principals) {
        const { filter, decide } = await authorizer.readableFilter(principal);
        if (!isDecidedByData(filter)) perItemFilters += 1;
        const cedarOf = (action: EnvironmentAction) =>
          Promise.all(
            environments.map(async (resource) => {
              const { allowed, policyIds } = await authorizer.explain({
                principal,
                action,
                resource,
              });
              return { allowed, policyIds };
            }),
          );
        const singleOf = (action: EnvironmentAction) =>
          Promise.all(
            environments.map((resource) => authorizer.authorize({ principal, action, resource })),
          );
        const cedar = await cedarOf('environment:read');
        const listed = environments.map((environment) => matches(filter, environment, decide));
        expect({ principal, environments, listed }).toEqual({
          principal,
          environments,
          listed: cedar.map((decision) => decision.allowed),
        });
        // Every single decision on an environment, reads and changes, is Cedar's.
        for (const action of ENVIRONMENT_ACTIONS) {
          expect({ action, principal, environments, single: await singleOf(action) }).toEqual({
            action,
            principal,
            environments,
            single: action === 'environment:read' ? cedar : await cedarOf(action),
          });
        }
        readable += listed.filter(Boolean).length;
        total += listed.length;
      }
    }),
    { numRuns },
  );
  return { readable, total, warnings, perItemFilters };
}

describe('readableFilter and single decisions against one Cedar decision per environment', () => {
  it('agrees for the generated policies, without falling back', async () => {
    const { readable, total, warnings, perItemFilters } = await differential(undefined, 80);
    expect(warnings).toEqual([]);
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(total / 10);
    expect(readable).toBeLessThan(total);
  });

  it('agrees with operator policies using like, if, in, sets, records and has', async () => {
    const ids = parseOperatorPolicies('ops.cedar', SUPPORTED).map((policy) => policy.id);
    expect(ids).toEqual([
      'shared-pools',
      'no-secret',
      'static-dev-or-own',
      'auditors-pool-x',
      'auditors-not-prod',
      'records-and-sets',
    ]);
    const { readable, total, warnings, perItemFilters } = await differential(
      `${SUPPORTED}\n${ALSO_SUPPORTED}`,
      80,
    );
    expect(warnings).toEqual([]);
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(total / 5);
  });

  it.each(Object.entries(UNSUPPORTED))(
    'falls back to per-environment decisions for %s and stays correct',
    async (_name, text) => {
      const { readable, warnings, perItemFilters } = await differential(
        `${SUPPORTED}\n${text}`,
        25,
      );
      expect(readable).toBeGreaterThan(0);
      expect(perItemFilters).toBeGreaterThan(0);
      expect(warnings.length).toBeGreaterThan(0);
      expect(new Set(warnings)).toEqual(
        new Set(['falls back to one Cedar decision per environment']),
      );
    },
  );
});
