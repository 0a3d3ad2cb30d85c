import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createCedarAuthorizer } from '../../src/adapters/cedar-authorizer/cedar-authorizer.js';
import {
  buildPolicyBundle,
  newPolicySetId,
} from '../../src/adapters/cedar-authorizer/policy-bundle.js';
import { indexTenancy } from '../../src/domain/tenancy/tenancy-index.js';
import { tenancySchema, type Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import type { Action, Authorizer, EnvironmentResource } from '../../src/ports/authorizer.js';
import type { Principal } from '../../src/ports/principal.js';
import { actionArb, environmentArb, principalArb, tenancyArb } from './arbitraries.js';
import { referenceDecide } from './reference-model.js';

const logger = pino({ level: 'silent' });
// One handle for the whole file: each model's bundle replaces the previous set in place.
const policySetId = newPolicySetId();

function authorizerFor(model: Tenancy, id = policySetId): Authorizer {
  const index = indexTenancy(model);
  const bundle = buildPolicyBundle({ index, operatorPolicies: [], policySetId: id });
  return createCedarAuthorizer({ bundle: () => bundle, logger });
}

const caseArb = tenancyArb.chain((model) =>
  fc.record({
    model: fc.constant(model),
    requests: fc.array(
      fc.record({
        principal: principalArb(model),
        action: actionArb,
        environment: environmentArb(model),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  }),
);

describe('Cedar authorizer against the reference model', () => {
  it('decides every environment action on random models as the rules say', async () => {
    const tally = { allowed: 0, denied: 0, allowedNonAdmin: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ model, requests }) => {
        const authorizer = authorizerFor(model);
        for (const { principal, action, environment } of requests) {
          const expected = referenceDecide(model, principal, action, environment);
          const { allowed } = await authorizer.authorize({
            principal,
            action,
            resource: environment,
          });
          expect({ principal, action, environment, allowed }).toEqual({
            principal,
            action,
            environment,
            allowed: expected,
          });
          tally[allowed ? 'allowed' : 'denied'] += 1;
          const admin = model.platformAdmins;
          if (
            allowed &&
            !admin.users.includes(principal.subject) &&
            !principal.groups.some((group) => admin.groups.includes(group))
          )
            tally.allowedNonAdmin += 1;
        }
      }),
      { numRuns: 300 },
    );
    // The generators must reach both outcomes, and allows that are not just admin rights.
    expect(tally.allowed).toBeGreaterThan(100);
    expect(tally.denied).toBeGreaterThan(300);
    expect(tally.allowedNonAdmin).toBeGreaterThan(60);
  });

  describe('hand-picked cases the property must cover', () => {
    const model = tenancySchema.parse({
      platformAdmins: { users: ['root@p1'] },
      clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
      organizations: [
        {
          name: 'p1',
          groupName: 'Platform-One',
          groups: [{ name: 'Platform-One/Products/Valkyrie/developer', members: ['dev@p1'] }],
          products: [
            {
              name: 'valkyrie',
              groupName: 'Valkyrie',
              path: ['Products'],
              pools: ['valkyrie'],
              clearance: { requires: ['il2'] },
              members: [
                { user: 'reader@p1', role: 'collaborator' },
                { group: 'deployers', role: 'collaborator', extensions: ['deployer'] },
                { serviceAccount: 'ci', role: 'developer' },
              ],
            },
          ],
        },
      ],
    });
    const authorizer = authorizerFor(model, newPolicySetId());
    const user = (subject: string, groups: string[] = []): Principal => ({
      subject,
      groups,
      kind: 'user',
      authenticatedBy: 'test',
    });
    const env = (type: string, extra: Partial<EnvironmentResource> = {}): EnvironmentResource => ({
      kind: 'environment',
      name: 'e',
      type,
      pool: 'valkyrie',
      owner: 'someone',
      static: false,
      ...extra,
    });
    const cases: [string, Principal, Action, EnvironmentResource, boolean][] = [
      [
        'developer by declared group creates dev',
        user('dev@p1'),
        'environment:create',
        env('dev'),
        true,
      ],
      [
        'developer without clearance reads prod',
        user('dev@p1'),
        'environment:read',
        env('prod'),
        false,
      ],
      [
        'cleared developer deletes prod',
        user('dev@p1', ['IL2 Authorized']),
        'environment:delete',
        env('prod'),
        true,
      ],
      ['collaborator reads dev', user('reader@p1'), 'environment:read', env('dev'), true],
      ['collaborator cannot update', user('reader@p1'), 'environment:update', env('dev'), false],
      ['deployer updates', user('x', ['deployers']), 'environment:update', env('dev'), true],
      ['deployer cannot extend', user('x', ['deployers']), 'environment:extend', env('dev'), false],
      ['admin ignores clearance', user('root@p1'), 'environment:update', env('prod'), true],
      [
        'admin cannot delete static',
        user('root@p1'),
        'environment:delete',
        env('dev', { static: true }),
        false,
      ],
      [
        'sue owner deletes in a foreign pool',
        user('z'),
        'environment:delete',
        env('sue', { owner: 'z', pool: 'other' }),
        true,
      ],
      [
        'sue owner cannot extend',
        user('z'),
        'environment:extend',
        env('sue', { owner: 'z', pool: 'other' }),
        false,
      ],
      [
        'service account developer',
        { ...user('ci'), kind: 'service' },
        'environment:create',
        env('dev'),
        true,
      ],
      [
        'scoped service account',
        { ...user('ci'), kind: 'service', scopes: ['environment:read'] },
        'environment:create',
        env('dev'),
        false,
      ],
      ['user named like the service account', user('ci'), 'environment:create', env('dev'), false],
    ];
    it.each(cases)('%s', async (_name, principal, action, resource, expected) => {
      expect(referenceDecide(model, principal, action, resource)).toBe(expected);
      expect((await authorizer.authorize({ principal, action, resource })).allowed).toBe(expected);
    });
  });
});
