import { describe, expect, it } from 'vitest';
import {
  extraRoleGroupName,
  renderGroupName,
  roleGroupName,
  toolGroupName,
} from './group-names.js';
import { organizationSchema } from './tenancy-schema.js';

/** An organization holding one product, with schema defaults (the seed 003 convention). */
function orgWith(organization: Record<string, unknown>, product: Record<string, unknown>) {
  const parsed = organizationSchema.parse({ ...organization, products: [product] });
  const [only] = parsed.products;
  if (!only) throw new Error('no product');
  return [parsed, only] as const;
}

describe('role group names (seed 003)', () => {
  it('renders the hierarchical Platform One name', () => {
    const [o, p] = orgWith(
      { name: 'platform-one', groupName: 'Platform-One' },
      { name: 'valkyrie', groupName: 'Valkyrie', path: ['Products'] },
    );
    expect(roleGroupName(o, p, 'developer')).toBe('Platform-One/Products/Valkyrie/developer');
    expect(extraRoleGroupName(o, p, 'ADMIN')).toBe('Platform-One/Products/Valkyrie/roles/ADMIN');
  });

  it('collapses an empty path with its separator', () => {
    const [o, p] = orgWith(
      { name: 'spacecamp', groupName: 'SpaceCAMP' },
      { name: 'genesis', groupName: 'Genesis' },
    );
    expect(roleGroupName(o, p, 'collaborator')).toBe('SpaceCAMP/Genesis/collaborator');
  });

  it('keeps spaces in a product segment', () => {
    const [o, p] = orgWith(
      { name: 'usmc', groupName: 'USMC' },
      { name: 'marine-coders', groupName: 'Marine Coders' },
    );
    expect(roleGroupName(o, p, 'developer')).toBe('USMC/Marine Coders/developer');
  });

  it('falls back to the names and joins a deeper path with slashes', () => {
    const [o, p] = orgWith({ name: 'p1' }, { name: 'v', path: ['Products', 'Air'] });
    expect(roleGroupName(o, p, 'deployer')).toBe('p1/Products/Air/v/deployer');
  });

  it('uses an explicit extraRoles template', () => {
    const [o, p] = orgWith(
      { name: 'k', groupNaming: { roles: 'edp-oidc-{role}s', extraRoles: 'edp-{product}-{role}' } },
      { name: 'edp' },
    );
    expect(roleGroupName(o, p, 'builder')).toBe('edp-oidc-builders');
    expect(extraRoleGroupName(o, p, 'ADMIN')).toBe('edp-edp-ADMIN');
  });
});

describe('tool group names (seed 000)', () => {
  it('renders koa-dev-grafana-write', () => {
    const [o, p] = orgWith(
      { name: 'jppol', groupNaming: { roles: '{product}-{role}' } },
      { name: 'koa' },
    );
    expect(toolGroupName(o, p, 'koa-dev', 'grafana', 'write')).toBe('koa-dev-grafana-write');
    expect(roleGroupName(o, p, 'developer')).toBe('koa-developer');
  });
});

describe('renderGroupName', () => {
  it.each([
    ['{org}-{path}-{product}', { org: 'o', path: '', product: 'p' }, 'o-p'],
    ['{path}_{product}', { path: '', product: 'p' }, 'p'],
    ['{org}:{path}', { org: 'o', path: '' }, 'o'],
    ['{org}/{path}/{product}', { org: 'o', path: 'a/b', product: 'p' }, 'o/a/b/p'],
    ['{org}/{missing}', { org: 'o' }, 'o/{missing}'],
    // Substituted values are not expanded again.
    ['{product}/{role}', { product: '{role}', role: 'r' }, '{role}/r'],
  ])('%s with %o gives %s', (template, values, expected) => {
    expect(renderGroupName(template, values)).toBe(expected);
  });
});
