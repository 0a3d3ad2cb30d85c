import { stringify } from 'yaml';
import { parseTenancy } from '../../src/domain/tenancy/parse-tenancy.js';
import type { Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';

const pad = (n: number): string => String(n).padStart(4, '0');
const account = (n: number): string => String(100000000000 + n);

/**
 * bench/access.js's model at a smaller size: `teams` products of 5 namespaces and 25 people
 * (half listed one by one, half through declared IdP groups), 10 per organization in two
 * naming conventions, realms for every other organization, 4 EKS clusters; every tool.
 */
export function generatedModel(teams: number): Tenancy {
  const namings = [
    { roles: '{product}-{role}', tools: '{namespace}-{tool}-{level}', managed: ['tools'] },
    { roles: '{org}/{path}/{product}/{role}' },
  ];
  const organizations: Record<string, unknown>[] = [];
  const users: Record<string, string>[] = [];
  const realms: Record<string, unknown>[] = [];
  for (let t = 0; t < teams; t++) {
    const o = Math.floor(t / 10);
    if (t % 10 === 0) {
      organizations.push({
        name: `org-${pad(o)}`,
        groupName: `Org${o}`,
        groupNaming: namings[o % 2],
        groups: [],
        products: [],
      });
      if (o % 2 === 1) realms.push({ name: `realm-${pad(o)}`, organizations: [`org-${pad(o)}`] });
    }
    const organization = organizations.at(-1) as {
      groups: unknown[];
      products: unknown[];
    };
    const name = `team-${pad(t)}`;
    const members: Record<string, unknown>[] = [];
    const groups: Record<string, string[]> = { developer: [], collaborator: [] };
    for (let u = 0; u < 25; u++) {
      const user = `user-${pad(t)}-${u}@example.com`;
      const role = u % 5 === 0 ? 'collaborator' : 'developer';
      users.push({ name: user, email: user, github: `gh-${pad(t)}-${u}` });
      if (t % 2 === 1) groups[role]?.push(user);
      else members.push({ user, role, ...(u === 1 ? { manager: true } : {}) });
    }
    if (t % 2 === 1)
      for (const [role, people] of Object.entries(groups)) {
        organization.groups.push({ name: `${name}-${role}s`, members: people });
        members.push({ group: `${name}-${role}s`, role });
      }
    organization.products.push({
      name,
      path: o % 2 === 1 ? ['Products'] : [],
      pools: [name],
      namespaces: Array.from({ length: 5 }, (_, n) => `${name}-ns${n}`),
      repositories: [`org-${pad(o)}/${name}-apps`],
      secretsNamespace: name,
      registryNamespace: name,
      tools: {
        argocd: ['read', 'write'],
        grafana: ['write'],
        ...(t % 4 === 0 ? { sonarqube: ['write'], gerrit: ['write'] } : {}),
      },
      aws: { account: account(o), clusters: [`cluster-${o % 4}`], images: ['api', 'web'] },
      members,
    });
  }
  const raw = {
    platformAdmins: { groups: ['platform-admins'] },
    users,
    keycloak: { realms },
    aws: {
      region: 'eu-west-1',
      registry: { account: '354918371398', shared: ['idp/helm-charts'] },
      clusters: [0, 1, 2, 3].map((c) => ({
        name: `cluster-${c}`,
        account: account(c),
        authentication: c === 3 ? ['access-entries', 'aws-auth'] : ['access-entries'],
      })),
    },
    organizations,
  };
  return parseTenancy(stringify(raw), { source: 'generated.yaml' }).model;
}
