import { describe, expect, it } from 'vitest';
import { checkAccessModel } from './access-model-checks.js';
import { tenancySchema } from './tenancy-schema.js';

const check = (product: object) =>
  checkAccessModel(
    tenancySchema.parse({
      clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
      organizations: [{ name: 'p1', products: [{ name: 'valkyrie', ...product }] }],
    }),
  );

describe('tools of a product with a clearance', () => {
  it('may not be SonarQube or Nexus, whose seed 001 roles reach every project', () => {
    const tools = { sonarqube: ['read'], nexus: ['write'], gerrit: ['write'] };
    const problems = check({ tools, clearance: { requires: ['il2'] } });
    expect(problems.map((p) => p.path)).toEqual([
      'organizations.0.products.0.tools.sonarqube',
      'organizations.0.products.0.tools.nexus',
    ]);
    expect(problems[0]?.message).toMatch(/^product valkyrie requires clearance il2, but SonarQube/);
    expect(problems[1]?.message).toMatch(/remove tools.nexus or the clearance$/);
    expect(check({ tools })).toEqual([]);
  });

  it('leaves the per-product tools alone', () => {
    const tools = { gerrit: ['write'], argocd: ['write'], grafana: ['read'] };
    expect(
      check({ tools, namespaces: ['valkyrie-prod'], clearance: { requires: ['il2'] } }),
    ).toEqual([]);
  });

  it('names the cleared group after the group and the sorted clearances by default', () => {
    const [organization] = tenancySchema.parse({ organizations: [{ name: 'p1' }] }).organizations;
    expect(organization?.groupNaming.cleared).toBe('{group}+{clearances}');
    const bad = tenancySchema.safeParse({
      organizations: [{ name: 'p1', groupNaming: { cleared: '{group}-cleared' } }],
    });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual([
      'organizations.0.groupNaming.cleared',
    ]);
  });
});
