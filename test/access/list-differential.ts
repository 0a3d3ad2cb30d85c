import fc from 'fast-check';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import { createCedarAuthorizer } from '../../src/adapters/cedar-authorizer/cedar-authorizer.js';
import {
  buildPolicyBundle,
  newPolicySetId,
  parseOperatorPolicies,
} from '../../src/adapters/cedar-authorizer/policy-bundle.js';
import { ACTION_RESOURCE_KIND, ACTIONS, type Action } from '../../src/domain/policy/actions.js';
import { toEnvironmentResource } from '../../src/app/environment-view.js';
import type { EnvironmentResource } from '../../src/ports/authorizer.js';
import { isDecidedByData, matches } from '../../src/domain/policy/environment-filter.js';
import type { ClaimIndex, IndexedEnvironment } from '../../src/ports/claim-index.js';
import { indexTenancy } from '../../src/domain/tenancy/tenancy-index.js';
import { environmentArb, principalArb, tenancyArb } from './arbitraries.js';

type EnvironmentAction = Extract<Action, `environment:${string}`>;
const ENVIRONMENT_ACTIONS = ACTIONS.filter(
  (action): action is EnvironmentAction => ACTION_RESOURCE_KIND[action] === 'environment',
);

/** The operator policies the residual compiler must understand (no fallback). */
export const SUPPORTED = `
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
export const UNSUPPORTED = {
  arithmetic: `@id("arithmetic")
permit (principal, action == Platform::Action::"environment:read", resource is Platform::Environment)
when { (if resource.static then 1 else 2) + 1 == 2 };`,
  'attribute-against-attribute': `@id("attribute-against-attribute")
forbid (principal, action, resource is Platform::Environment)
when { resource.owner == resource.name };`,
};

/** Understood since the filter became data: attributes of records, product attributes in `if`. */
export const ALSO_SUPPORTED = `
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

export interface DifferentialOptions {
  /** Also check every single decision of every environment action (slow). Default true. */
  readonly singles?: boolean;
  /** An empty index for each generated case: the listing is then also read through it. */
  readonly index?: () => Promise<ClaimIndex>;
}

const compareStrings = (left: string, right: string): number =>
  left < right ? -1 : left > right ? 1 : 0;

/** What the index behind `GET /environments` serves for `environments`, all pages of 2. */
async function listThroughIndex(
  index: ClaimIndex,
  environments: readonly EnvironmentResource[],
  where: Parameters<ClaimIndex['query']>[0]['where'],
  decide: (resource: EnvironmentResource) => boolean,
): Promise<string[]> {
  for (const resource of environments) await index.upsert(indexed(resource));
  const served: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await index.query({
      after,
      limit: 2,
      where,
      decide: (environment) => decide(toEnvironmentResource(environment)),
    });
    served.push(...page.items.map((item) => item.claim.environment_name));
    if (!page.hasMore) return served;
    after = page.items.at(-1)?.claim.environment_name;
  }
}

function indexed(resource: EnvironmentResource): IndexedEnvironment {
  return {
    claim: {
      environment_name: resource.name,
      environment_type: resource.type,
      environment_pool: resource.pool,
      user: resource.owner ?? 'nobody',
      creation_date: '2024-01-15T10:30:00Z',
      services: {},
    },
    bucket: resource.static ? 'static-environments' : 'environments',
    key: `${resource.name}.json`,
    etag: `etag-${resource.name}`,
    expiresAt: null,
  };
}

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
export async function differential(
  operatorText: string | undefined,
  numRuns: number,
  options: DifferentialOptions = {},
) {
  const { singles = true, index: freshIndex } = options;
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
        if (freshIndex) {
          const index = await freshIndex();
          const served = await listThroughIndex(index, environments, filter, decide);
          // Names repeat in the generated lists; the index keeps one environment per name.
          const last = new Map(environments.map((resource, i) => [resource.name, i]));
          const readableNames = [...last]
            .filter(([, i]) => cedar[i]?.allowed === true)
            .map(([name]) => name)
            .sort(compareStrings);
          expect({ principal, environments, served }).toEqual({
            principal,
            environments,
            served: readableNames,
          });
        }
        // Every single decision on an environment, reads and changes, is Cedar's.
        for (const action of singles ? ENVIRONMENT_ACTIONS : []) {
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
