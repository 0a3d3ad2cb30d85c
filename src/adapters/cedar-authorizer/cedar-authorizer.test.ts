import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { indexTenancy } from '../../domain/tenancy/tenancy-index.js';
import { tenancySchema } from '../../domain/tenancy/tenancy-schema.js';
import { and, inSet, matches, not, or } from '../../domain/policy/environment-filter.js';
import type { Authorizer, EnvironmentResource } from '../../ports/authorizer.js';
import type { Principal } from '../../ports/principal.js';
import { createCedarAuthorizer } from './cedar-authorizer.js';
import { buildPolicyBundle, newPolicySetId, type PolicyBundle } from './policy-bundle.js';

const VALKYRIE_DEV = 'Platform-One/Products/Valkyrie/developer';
const bundleOf = (members: unknown[]): PolicyBundle =>
  buildPolicyBundle({
    index: indexTenancy(
      tenancySchema.parse({
        clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
        organizations: [
          {
            name: 'platform-one',
            groupName: 'Platform-One',
            products: [
              {
                name: 'valkyrie',
                groupName: 'Valkyrie',
                path: ['Products'],
                pools: ['valkyrie'],
                clearance: { requires: ['il2'] },
                members,
              },
            ],
          },
        ],
      }),
    ),
    operatorPolicies: [],
    policySetId: newPolicySetId(),
  });

const warnings: string[] = [];
const logger = {
  warn: (_fields: unknown, message: string) => warnings.push(message),
  error: (_fields: unknown, message: string) => warnings.push(message),
} as unknown as Logger;
const user = (subject: string, groups: string[] = []): Principal => ({
  subject,
  groups,
  kind: 'user',
  authenticatedBy: 'test',
});
const environment = (type: string): EnvironmentResource => ({
  kind: 'environment',
  name: 'e',
  type,
  pool: 'valkyrie',
  owner: 'someone',
  static: false,
});

/** The listing filter as a predicate, per-item leaves decided by the authorizer. */
async function readable(authorizer: Authorizer, principal: Principal) {
  const { filter, decide } = await authorizer.readableFilter(principal);
  return (resource: EnvironmentResource) => matches(filter, resource, decide);
}

describe('createCedarAuthorizer', () => {
  let current = bundleOf([{ user: 'lead', role: 'developer', manager: true }]);
  const authorizer = createCedarAuthorizer({ bundle: () => current, logger });

  it('explains an allow with the deciding policy and the group path', async () => {
    const explanation = await authorizer.explain({
      principal: user('val.dev', [VALKYRIE_DEV]),
      action: 'environment:update',
      resource: environment('dev'),
    });
    expect(explanation.allowed).toBe(true);
    expect(explanation.policyIds).toEqual(['product-developers-manage']);
    expect(explanation.via).toEqual([
      {
        group: 'product:valkyrie:developer',
        path: [
          'user val.dev',
          `token carries IdP group '${VALKYRIE_DEV}'`,
          `IdP group '${VALKYRIE_DEV}' is product valkyrie's developer group by the naming convention of platform-one`,
        ],
      },
    ]);
    expect(explanation.memberships.map((membership) => membership.group).sort()).toEqual([
      `idp:${VALKYRIE_DEV}`,
      'product:valkyrie:collaborator',
      'product:valkyrie:developer',
    ]);
  });

  it('names the clearance forbid when a developer lacks the clearance', async () => {
    const principal = user('val.dev', [VALKYRIE_DEV]);
    const denied = await authorizer.authorize({
      principal,
      action: 'environment:read',
      resource: environment('prod'),
    });
    expect(denied).toEqual({ allowed: false, policyIds: ['product-clearance'] });
    const cleared = await authorizer.authorize({
      principal: user('val.dev', [VALKYRIE_DEV, 'IL2 Authorized']),
      action: 'environment:read',
      resource: environment('prod'),
    });
    expect(cleared).toEqual({ allowed: true, policyIds: ['product-collaborators-read'] });
  });

  it('decides platform and principal resources', async () => {
    const stranger = user('nobody');
    const ask = async (principal: Principal, action: 'tenancy:read' | 'environment-types:read') =>
      (await authorizer.authorize({ principal, action, resource: { kind: 'platform' } })).allowed;
    expect(await ask(stranger, 'environment-types:read')).toBe(true);
    expect(await ask(stranger, 'tenancy:read')).toBe(false);
    expect(await ask(user('lead'), 'tenancy:read')).toBe(true);
    const self = { kind: 'principal' as const, subject: 'nobody', principalKind: 'user' as const };
    const other = { ...self, subject: 'lead' };
    expect(
      (
        await authorizer.authorize({
          principal: stranger,
          action: 'access:explain',
          resource: self,
        })
      ).allowed,
    ).toBe(true);
    expect(
      (
        await authorizer.authorize({
          principal: stranger,
          action: 'access:explain',
          resource: other,
        })
      ).allowed,
    ).toBe(false);
  });

  it('sees a reloaded model on the next request, memberships included', async () => {
    const principal = user('newcomer');
    const request = {
      principal,
      action: 'environment:create' as const,
      resource: environment('dev'),
    };
    expect((await authorizer.authorize(request)).allowed).toBe(false);
    current = bundleOf([{ user: 'newcomer', role: 'developer' }]);
    expect((await authorizer.authorize(request)).allowed).toBe(true);
    const filter = await readable(authorizer, principal);
    expect([filter(environment('dev')), filter(environment('prod'))]).toEqual([true, false]);
  });

  it('lists nothing for a service token scoped away from reading', async () => {
    current = bundleOf([{ serviceAccount: 'ci', role: 'developer' }]);
    const ci: Principal = { subject: 'ci', groups: [], kind: 'service', authenticatedBy: 'test' };
    expect((await readable(authorizer, ci))(environment('dev'))).toBe(true);
    const scoped = { ...ci, scopes: ['environment:create'] };
    expect((await authorizer.readableFilter(scoped)).filter).toEqual({ kind: 'none' });
    const create = await authorizer.authorize({
      principal: scoped,
      action: 'environment:create',
      resource: environment('dev'),
    });
    expect(create.allowed).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('decides principals sharing a frozen groups array by their own subject and scopes', async () => {
    current = bundleOf([
      { user: 'lead', role: 'developer' },
      { serviceAccount: 'ci', role: 'developer' },
    ]);
    const groups = Object.freeze([] as string[]);
    const update = async (principal: Principal) =>
      (
        await authorizer.authorize({
          principal,
          action: 'environment:update',
          resource: environment('dev'),
        })
      ).allowed;
    const lead = Object.freeze({ ...user('lead'), groups });
    const ci = Object.freeze({ ...user('ci'), kind: 'service' as const, groups });
    const scoped = Object.freeze({ ...ci, scopes: Object.freeze(['environment:create']) });
    expect(await update(lead)).toBe(true);
    expect(await update(Object.freeze({ ...user('other'), groups }))).toBe(false);
    expect(await update(ci)).toBe(true);
    expect(await update(scoped)).toBe(false);
    expect(await update(lead)).toBe(true);
  });

  it('decides a mutable groups array on what it holds now', async () => {
    current = bundleOf([]);
    const groups: string[] = [];
    const principal = user('val.dev', groups);
    const update = () =>
      authorizer.authorize({
        principal,
        action: 'environment:update',
        resource: environment('dev'),
      });
    expect((await update()).allowed).toBe(false);
    groups.push(VALKYRIE_DEV);
    expect((await update()).allowed).toBe(true);
  });
});

describe('readableFilter as data', () => {
  it('turns product rules into pool sets and the clearance into a type set', async () => {
    const bundle = buildPolicyBundle({
      index: indexTenancy(
        tenancySchema.parse({
          clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
          organizations: [
            {
              name: 'p1',
              products: [
                {
                  name: 'valkyrie',
                  pools: ['valkyrie', 'valkyrie-2'],
                  clearance: { requires: ['il2'] },
                  members: [{ user: 'val', role: 'developer' }],
                },
                { name: 'koa', pools: ['koa'], members: [{ user: 'val', role: 'collaborator' }] },
                { name: 'ai', pools: ['ai'], members: [] },
              ],
            },
          ],
        }),
      ),
      operatorPolicies: [],
      policySetId: newPolicySetId(),
    });
    const authorizer = createCedarAuthorizer({ bundle: () => bundle, logger });
    const { filter } = await authorizer.readableFilter(user('val'));
    const gated = bundle.index.clearances.get('valkyrie')?.environmentTypes ?? [];
    expect(gated.length).toBeGreaterThan(0);
    expect(filter).toEqual(
      and(
        or(
          inSet('pool', ['koa', 'valkyrie', 'valkyrie-2']),
          and(inSet('type', ['sue']), inSet('owner', ['val'])),
        ),
        not(and(inSet('pool', ['valkyrie', 'valkyrie-2']), inSet('type', gated))),
      ),
    );
  });
});
