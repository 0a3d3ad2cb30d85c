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

describe('groups named like a cleared group the compiler creates', () => {
  const model = (extra: { groups?: object[]; members?: object[]; platform?: string[] }) =>
    tenancySchema.parse({
      platformAdmins: { groups: extra.platform ?? [] },
      clearances: [{ name: 'il2', group: 'IL2 Authorized' }],
      organizations: [
        {
          name: 'p1',
          groupNaming: { roles: '{product}-{role}' },
          groups: extra.groups ?? [],
          products: [
            {
              name: 'valkyrie',
              namespaces: ['valkyrie-prod'],
              tools: { grafana: ['read'] },
              clearance: { requires: ['il2'] },
              members: [{ group: 'team-a', role: 'developer' }],
            },
            { name: 'koa', members: extra.members ?? [] },
          ],
        },
      ],
    });

  it('are errors naming the group and the cleared group it collides with', () => {
    const problems = checkAccessModel(
      model({
        groups: [{ name: 'team-b' }, { name: 'team-a+il2', members: ['eve@c.example'] }],
        members: [{ group: 'valkyrie-developer+il2', role: 'collaborator' }],
        platform: ['valkyrie-collaborator+il2'],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'platformAdmins.groups.0',
      'organizations.0.groups.1.name',
      'organizations.0.products.1.members.0.group',
    ]);
    expect(problems[1]?.message).toBe(
      "group 'team-a+il2' (a declared group) has the name of the cleared group the compiler creates for 'team-a' (product valkyrie requires il2); rename the group, or change groupNaming.cleared",
    );
    expect(problems[2]?.message).toMatch(
      /^group 'valkyrie-developer\+il2' \(a member group of koa\) .* for 'valkyrie-developer' \(product valkyrie/,
    );
  });

  it('follow groupNaming.cleared and the tool groups the organization does not manage', () => {
    const base = model({ groups: [{ name: 'team-a+il2' }] });
    const organization = base.organizations[0]!;
    organization.groupNaming.cleared = '{group} ({clearances})';
    expect(checkAccessModel(base)).toEqual([]);
    organization.groups = [{ name: 'team-a (il2)', members: [] }];
    expect(checkAccessModel(base).map((p) => p.path)).toEqual(['organizations.0.groups.0.name']);
    // Managed tool groups are bound as they are; unmanaged ones through their cleared group.
    organization.groups = [{ name: 'valkyrie-prod-grafana-read (il2)', members: [] }];
    expect(checkAccessModel(base)).toEqual([]);
    organization.groupNaming.managed = ['roles'];
    expect(checkAccessModel(base)[0]?.message).toMatch(
      /cleared group the compiler creates for 'valkyrie-prod-grafana-read'/,
    );
  });

  it("include another product's tool group", () => {
    // A clearance named `read` makes `koa-dev-grafana`'s cleared group koa's Grafana group.
    const problems = checkAccessModel(
      tenancySchema.parse({
        clearances: [{ name: 'read' }],
        organizations: [
          {
            name: 'p1',
            groupNaming: { cleared: '{group}-{clearances}' },
            products: [
              {
                name: 'valkyrie',
                clearance: { requires: ['read'] },
                members: [{ group: 'koa-dev-grafana', role: 'collaborator' }],
              },
              { name: 'koa', namespaces: ['koa-dev'], tools: { grafana: ['read'] } },
            ],
          },
        ],
      }),
    );
    expect(problems).toEqual([
      {
        path: 'organizations.0.products.1',
        message:
          "group 'koa-dev-grafana-read' (koa's tool group) has the name of the cleared group the compiler creates for 'koa-dev-grafana' (product valkyrie requires read); rename the group, or change groupNaming.cleared",
      },
    ]);
  });

  it('are fine without a clearance', () => {
    const ungated = model({ groups: [{ name: 'team-a+il2' }] });
    delete ungated.organizations[0]!.products[0]!.clearance;
    expect(checkAccessModel(ungated)).toEqual([]);
  });
});
