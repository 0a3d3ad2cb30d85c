import { describe, expect, it } from 'vitest';
import { checkAccessModel } from './access-model-checks.js';
import { tenancySchema } from './tenancy-schema.js';

const check = (input: unknown) => checkAccessModel(tenancySchema.parse(input));
const org = (name: string, kuberocketci: object, tools: object) => ({
  name,
  kuberocketci,
  products: [{ name: `${name}-app`, tools }],
});

describe('kuberocketci settings', () => {
  it('default to the current generation and the operators’ example resource names', () => {
    const [organization] = tenancySchema.parse({ organizations: [{ name: 'acme' }] }).organizations;
    expect(organization?.kuberocketci).toEqual({
      apiVersion: 'edp.epam.com/v1alpha1',
      sonar: 'sonar',
      nexus: 'nexus',
      nexusUserSecret: { name: 'nexus-user-{user}', key: 'password' },
    });
  });

  it('reject nonsense with the key path', () => {
    const paths = (kuberocketci: object): string[] => {
      const result = tenancySchema.safeParse({ organizations: [{ name: 'acme', kuberocketci }] });
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
    };
    const at = 'organizations.0.kuberocketci';
    expect(paths({ apiVersion: 'edp.epam.com/v1' })).toEqual([`${at}.apiVersion`]);
    expect(paths({ sonar: 'Sonar One' })).toEqual([`${at}.sonar`]);
    expect(paths({ nexus: '' })).toEqual([`${at}.nexus`]);
    expect(paths({ sonarRef: 'sonar' })).toEqual([at]);
    // One Secret for all users would give everyone the same Nexus password.
    expect(paths({ nexusUserSecret: { name: 'nexus-users', key: 'password' } })).toEqual([
      `${at}.nexusUserSecret.name`,
    ]);
    expect(paths({ nexusUserSecret: { name: 'Nexus_{user}', key: 'password' } })).toEqual([
      `${at}.nexusUserSecret.name`,
    ]);
    expect(paths({ nexusUserSecret: { name: 'nexus-{user}', key: 'pass word' } })).toEqual([
      `${at}.nexusUserSecret.key`,
    ]);
    expect(paths({ apiVersion: 'v2.edp.epam.com/v1', sonar: 'sonar-2' })).toEqual([]);
  });
});

describe('checkKubeRocketCi', () => {
  it('rejects two generations for one Sonar or Nexus, naming the later organization', () => {
    const problems = check({
      organizations: [
        org('a', {}, { sonarqube: ['write'], nexus: ['write'] }),
        org('b', { apiVersion: 'v2.edp.epam.com/v1' }, { sonarqube: ['read'], nexus: ['read'] }),
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'organizations.1.kuberocketci.apiVersion',
      'organizations.1.kuberocketci.apiVersion',
    ]);
    expect(problems[0]?.message).toContain("Sonar 'sonar' is also used by organizations.0");
    expect(problems[1]?.message).toContain("Nexus 'nexus' is also used by organizations.0");
  });

  it('accepts two generations on separate resources, or where one organization does not use the tool', () => {
    expect(
      check({
        organizations: [
          org('a', {}, { sonarqube: ['write'], nexus: ['write'] }),
          org(
            'b',
            { apiVersion: 'v2.edp.epam.com/v1', sonar: 's2', nexus: 'n2' },
            {
              sonarqube: ['read'],
              nexus: ['read'],
            },
          ),
          org('c', { apiVersion: 'v2.edp.epam.com/v1' }, { gerrit: ['write'] }),
        ],
      }),
    ).toEqual([]);
  });

  it('rejects two password Secret patterns for one shared Nexus', () => {
    const problems = check({
      organizations: [
        org('a', {}, { nexus: ['write'] }),
        org('b', { nexusUserSecret: { name: 'b-{user}', key: 'password' } }, { nexus: ['read'] }),
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(['organizations.1.kuberocketci.nexusUserSecret']);
  });
});
