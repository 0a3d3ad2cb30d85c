import { describe, expect, it } from 'vitest';
import { ACTIONS } from './actions.js';
import { CEDAR_SCHEMA } from './cedar-schema.js';
import { cedarString, entityRef } from './cedar-names.js';
import { generatePolicies } from './generate-policies.js';

const policies = generatePolicies();

describe('generatePolicies', () => {
  it('has one policy per product rule, whatever the number of products', () => {
    const productIds = Object.keys(policies).filter((id) => id.startsWith('product-'));
    expect(productIds.sort()).toEqual([
      'product-clearance',
      'product-collaborators-read',
      'product-deployers-update',
      'product-developers-manage',
      'product-managers-read-tenancy',
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

  it("gates the clearance types on the product's cleared group, admins exempt", () => {
    expect(policies['product-clearance']).toBe(
      `@id("product-clearance")
forbid (principal, action, resource is Platform::Environment)
  when {
    resource has product &&
    resource.product.gatedTypes.contains(resource.type) &&
    !(principal in Platform::Group::"platform-admins" || principal in resource.product.cleared)
  };`,
    );
  });

  it('lets deployers update only on top of a base role', () => {
    expect(policies['product-deployers-update']).toContain(
      'principal in resource.product.collaborators',
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
