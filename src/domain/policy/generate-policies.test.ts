import { describe, expect, it } from 'vitest';
import { tenancySchema } from '../tenancy/tenancy-schema.js';
import { ACTIONS } from './actions.js';
import { CEDAR_SCHEMA } from './cedar-schema.js';
import { cedarString, entityRef } from './cedar-names.js';
import { generatePolicies } from './generate-policies.js';

const model = tenancySchema.parse({
  clearances: [{ name: 'il2' }, { name: 'il4' }],
  organizations: [
    {
      name: 'p1',
      products: [
        { name: 'valkyrie', pools: ['valkyrie'], clearance: { requires: ['il2', 'il4'] } },
        { name: 'koa', pools: ['koa'] },
      ],
    },
  ],
});
const policies = generatePolicies(model);

describe('generatePolicies', () => {
  it('gives each product its rules under stable ids', () => {
    const productIds = Object.keys(policies).filter((id) => id.startsWith('product:'));
    expect(productIds.sort()).toEqual([
      'product:koa:collaborators-read',
      'product:koa:deployers-update',
      'product:koa:developers-manage',
      'product:koa:managers-read-tenancy',
      'product:valkyrie:clearance',
      'product:valkyrie:collaborators-read',
      'product:valkyrie:deployers-update',
      'product:valkyrie:developers-manage',
      'product:valkyrie:managers-read-tenancy',
    ]);
  });

  it('has the platform rules and one scope forbid per action', () => {
    for (const id of [
      'platform-admins',
      'static-environments-read-only',
      'sue-creator-reads-and-deletes',
      'environment-types-public',
      'explain-yourself',
      'explain-yourself-service',
    ])
      expect(policies).toHaveProperty([id]);
    const scopes = Object.keys(policies).filter((id) => id.startsWith('service-token-scope:'));
    expect(scopes).toEqual(ACTIONS.map((action) => `service-token-scope:${action}`));
  });

  it('annotates every policy with its own id', () => {
    for (const [id, text] of Object.entries(policies))
      expect(text.startsWith(`@id(${cedarString(id)})\n`)).toBe(true);
  });

  it('gates the clearance types on every required clearance, admins exempt', () => {
    expect(policies['product:valkyrie:clearance']).toBe(
      `@id("product:valkyrie:clearance")
forbid (principal, action, resource is Platform::Environment in Platform::Product::"valkyrie")
  when { ["prod", "staging"].contains(resource.type) }
  unless { principal in Platform::Group::"platform-admins" || (principal in Platform::Group::"clearance:il2" && principal in Platform::Group::"clearance:il4") };`,
    );
  });

  it('lets deployers update only on top of a base role', () => {
    expect(policies['product:koa:deployers-update']).toContain(
      'when { principal in Platform::Group::"product:koa:collaborator" }',
    );
  });

  it('keeps static environments read-only for writes only', () => {
    const text = policies['static-environments-read-only'] ?? '';
    expect(text).toContain('forbid');
    expect(text).not.toContain('environment:read');
    for (const action of ['create', 'update', 'delete', 'extend'])
      expect(text).toContain(`"environment:${action}"`);
  });
});

describe('cedar names', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\there', '"tab\\u{9}here"'],
    ['del\u007f', '"del\\u{7f}"'],
    ['Ærø/Marine Coders', '"Ærø/Marine Coders"'],
  ])('cedarString(%j) is %s', (value, expected) => {
    expect(cedarString(value)).toBe(expected);
  });

  it('builds entity references', () => {
    expect(entityRef('Platform::Group', 'idp:A "B"')).toBe('Platform::Group::"idp:A \\"B\\""');
  });

  it('declares every action in the schema', () => {
    for (const action of ACTIONS) expect(CEDAR_SCHEMA).toContain(cedarString(action));
  });
});
