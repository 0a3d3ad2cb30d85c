import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../test/access-compiler/example-model.js';
import { checkTenancy } from '../tenancy/model-checks.js';
import { tenancySchema } from '../tenancy/tenancy-schema.js';
import { checkAccessOutputs } from './check-access-outputs.js';

const product = (name: string, extra: Record<string, unknown> = {}) => ({ name, ...extra });

describe('checkAccessOutputs', () => {
  it('accepts the example model', () => {
    expect(checkAccessOutputs(exampleModel())).toEqual([]);
  });

  it('refuses a repository listed by two products, and clashing GitHub team names', () => {
    const model = tenancySchema.parse({
      organizations: [
        {
          name: 'o',
          products: [
            product('a', { repositories: ['org/app', 'org/x-readers'] }),
            product('b', { repositories: ['org/App'] }),
            product('c', { repositories: ['org/x'] }),
          ],
        },
      ],
    });
    const problems = checkTenancy(model);
    expect(problems.map((problem) => problem.path)).toEqual([
      'organizations.0.products.1.repositories.0',
      'organizations.0.products.2.repositories.0',
    ]);
    expect(problems[0]?.message).toContain("repository 'org/App' is already listed by product a");
    expect(problems[1]?.message).toContain(
      "GitHub team 'x-readers' in org would also be made for org/x-readers",
    );
  });

  it('refuses Keycloak users that differ only in case, once', () => {
    const model = tenancySchema.parse({
      keycloak: { realms: [{ name: 'r', organizations: ['o'] }] },
      organizations: [
        {
          name: 'o',
          groupNaming: { roles: '{product}-{role}' },
          products: [
            product('a', {
              members: [
                { user: 'Ann@example.com', role: 'developer' },
                { user: 'ann@example.com', role: 'collaborator' },
              ],
            }),
          ],
        },
      ],
    });
    expect(checkAccessOutputs(model)).toEqual([
      {
        path: 'keycloak.realms.0',
        message:
          "users 'ann@example.com' and 'Ann@example.com' differ only in case; Keycloak would make them one user",
      },
    ]);
  });

  it('refuses group names with an empty path segment in a Keycloak realm', () => {
    const model = tenancySchema.parse({
      keycloak: { realms: [{ name: 'r', organizations: ['o'] }] },
      organizations: [
        { name: 'o', groupNaming: { roles: '{org}//{product}/{role}' }, products: [product('a')] },
      ],
    });
    const [problem] = checkAccessOutputs(model);
    expect(problem?.path).toBe('keycloak.realms.0');
    expect(problem?.message).toContain(
      "group 'o//a/collaborator' has an empty or padded path segment",
    );
  });

  it('refuses a realm group with roles above hierarchical groups (they would inherit them)', () => {
    const model = tenancySchema.parse({
      keycloak: {
        realms: [
          {
            name: 'p1',
            organizations: ['acme'],
            roles: [{ name: 'administrator' }],
            groups: [{ name: 'acme', realmRoles: ['administrator'] }],
          },
        ],
      },
      organizations: [
        {
          name: 'acme',
          products: [product('a', { members: [{ user: 'ann', role: 'developer' }] })],
        },
      ],
    });
    const [problem] = checkAccessOutputs(model);
    expect(problem?.path).toBe('keycloak.realms.0.groups.0.name');
    expect(problem?.message).toContain("sub-group 'acme/a/collaborator' would inherit");
  });

  it('refuses one group name made in two realms (tokens carry names only)', () => {
    const model = tenancySchema.parse({
      keycloak: {
        realms: [
          { name: 'edp', groups: [{ name: 'Admins' }] },
          { name: 'broker', groups: [{ name: 'Admins' }] },
        ],
      },
    });
    expect(checkAccessOutputs(model).map((problem) => problem.message)).toEqual([
      "group 'Admins' is made in broker and in edp; tokens carry only its name, so give each a different name",
    ]);
  });
});
