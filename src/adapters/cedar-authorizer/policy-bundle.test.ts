import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors.js';
import { CEDAR_SCHEMA } from '../../domain/policy/cedar-schema.js';
import { generatePolicies } from '../../domain/policy/generate-policies.js';
import { indexTenancy } from '../../domain/tenancy/tenancy-index.js';
import { tenancySchema } from '../../domain/tenancy/tenancy-schema.js';
import type { EnvironmentResource } from '../../ports/authorizer.js';
import { createCedarAuthorizer } from './cedar-authorizer.js';
import { buildPolicyBundle, newPolicySetId, parseOperatorPolicies } from './policy-bundle.js';
import { inputErrorOf } from '../../../test/support/thrown.js';

const index = indexTenancy(
  tenancySchema.parse({
    organizations: [
      {
        name: 'jppol',
        products: [{ name: 'koa', pools: ['koa'], members: [{ user: 'dev', role: 'developer' }] }],
      },
    ],
  }),
);

describe('parseOperatorPolicies', () => {
  it('takes ids from @id annotations and numbers the others by position', () => {
    const policies = parseOperatorPolicies(
      'ops/extra.cedar',
      `@id("shared") permit (principal, action, resource is Platform::Environment) when { resource.pool == "shared" };
       forbid (principal, action, resource is Platform::Environment) when { resource.name == "secret" };`,
    );
    expect(policies.map(({ id, source }) => ({ id, source }))).toEqual([
      { id: 'shared', source: 'ops/extra.cedar' },
      { id: 'ops/extra.cedar#2', source: 'ops/extra.cedar' },
    ]);
    expect(policies[1]?.text).toContain('resource.name == "secret"');
  });

  it('refuses text that does not parse, naming the file', () => {
    const error = inputErrorOf(() =>
      parseOperatorPolicies('bad.cedar', 'permit (principal, action'),
    );
    expect(error.message).toBe('Cannot parse bad.cedar');
    expect(error.errors[0]?.path).toBe('bad.cedar');
  });

  it('refuses templates', () => {
    const error = inputErrorOf(() =>
      parseOperatorPolicies('t.cedar', 'permit (principal == ?principal, action, resource);'),
    );
    expect(error.errors).toEqual([
      { path: 't.cedar', message: 'templates are not supported; write static policies' },
    ]);
  });
});

describe('buildPolicyBundle', () => {
  // A start without operator policies does not validate the generated ones (they are fixed
  // by the code): this is where they are, in strict mode, against the same schema.
  it('generates policies that validate against the schema on their own', () => {
    const answer = cedar.validate({
      schema: CEDAR_SCHEMA,
      policies: { staticPolicies: generatePolicies() },
    });
    expect(answer.type).toBe('success');
    expect(answer.type === 'success' ? answer.validationErrors : undefined).toEqual([]);
  });

  it('validates generated and operator policies together', () => {
    const operatorPolicies = parseOperatorPolicies(
      'ops.cedar',
      '@id("shared") permit (principal, action, resource is Platform::Environment) when { resource.pool like "shared-*" };',
    );
    const bundle = buildPolicyBundle({ index, operatorPolicies, policySetId: newPolicySetId() });
    expect(bundle.operatorPolicyIds).toEqual(['shared']);
    expect(Object.keys(bundle.policies)).toContain('product-developers-manage');
    expect(bundle.policies.shared).toContain('like "shared-*"');
  });

  it('refuses an operator policy that takes a generated id', () => {
    const operatorPolicies = parseOperatorPolicies(
      'ops.cedar',
      '@id("platform-admins") permit (principal, action, resource);',
    );
    const error = inputErrorOf(() =>
      buildPolicyBundle({ index, operatorPolicies, policySetId: newPolicySetId() }),
    );
    expect(error.errors).toEqual([
      { path: 'ops.cedar', message: "policy id 'platform-admins' is already taken" },
    ]);
  });

  it('names the operator file of a policy that does not fit the schema', () => {
    const operatorPolicies = parseOperatorPolicies(
      'ops/colour.cedar',
      'permit (principal, action, resource is Platform::Environment) when { resource.colour == "red" };',
    );
    const error = inputErrorOf(() =>
      buildPolicyBundle({ index, operatorPolicies, policySetId: newPolicySetId() }),
    );
    expect(error.message).toBe('Policies do not validate against the Cedar schema');
    expect(error.errors.map((problem) => problem.path)).toEqual(['ops/colour.cedar']);
    expect(error.errors[0]?.message).toContain('colour');
  });

  it('leaves the preparsed set in force when a rebuild fails', async () => {
    const policySetId = newPolicySetId();
    const bundle = buildPolicyBundle({ index, operatorPolicies: [], policySetId });
    const broken = parseOperatorPolicies(
      'x.cedar',
      'permit (principal, action, resource) when { resource.nope };',
    );
    expect(() => buildPolicyBundle({ index, operatorPolicies: broken, policySetId })).toThrow(
      InputError,
    );
    const authorizer = createCedarAuthorizer({
      bundle: () => bundle,
      logger: pino({ level: 'silent' }),
    });
    const resource: EnvironmentResource = {
      kind: 'environment',
      name: 'e',
      type: 'dev',
      pool: 'koa',
      owner: 'x',
      static: false,
    };
    const principal = {
      subject: 'dev',
      groups: [],
      kind: 'user' as const,
      authenticatedBy: 'test',
    };
    const decision = await authorizer.authorize({
      principal,
      action: 'environment:create',
      resource,
    });
    expect(decision).toEqual({ allowed: true, policyIds: ['product-developers-manage'] });
  });

  it('gives each call of newPolicySetId a fresh handle', () => {
    expect(newPolicySetId()).not.toBe(newPolicySetId());
  });
});
