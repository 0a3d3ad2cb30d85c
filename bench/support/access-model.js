// The bench's tenancy model, generated in memory: `teams` products (2,000 at bench scale),
// 5 namespaces and 25 people each (half listed one by one, half through declared IdP
// groups), 100 teams per organization in two naming conventions, a Keycloak realm for every
// other organization, 4 EKS clusters. Used by bench/access.js and for A/B runs of builds.
export const NAMESPACES_PER_TEAM = 5;
export const USERS_PER_TEAM = 25;
const TEAMS_PER_ORG = 100;

const pad = (n) => String(n).padStart(4, '0');
const account = (n) => String(100000000000 + n);

export function generateModel(TEAMS) {
  const organizations = [];
  const users = [];
  const realms = [];
  const NAMINGS = [
    { roles: '{product}-{role}', tools: '{namespace}-{tool}-{level}', managed: ['tools'] },
    { roles: '{org}/{path}/{product}/{role}' },
  ];
  for (let t = 0; t < TEAMS; t++) {
    const o = Math.floor(t / TEAMS_PER_ORG);
    if (t % TEAMS_PER_ORG === 0) {
      organizations.push({
        name: `org-${pad(o)}`,
        groupName: `Org${o}`,
        groupNaming: NAMINGS[o % NAMINGS.length],
        groups: [],
        products: [],
      });
      if (o % 2 === 1) realms.push({ name: `realm-${pad(o)}`, organizations: [`org-${pad(o)}`] });
    }
    const name = `team-${pad(t)}`;
    const members = [];
    // Half the teams list their people one by one, half through IdP groups whose members
    // the organization declares (as seed 003's realm.yaml would): both shapes are common.
    const byGroup = t % 2 === 1;
    const groups = { developer: [], collaborator: [] };
    for (let u = 0; u < USERS_PER_TEAM; u++) {
      const user = `user-${pad(t)}-${u}@example.com`;
      const role = u % 5 === 0 ? 'collaborator' : 'developer';
      users.push({ name: user, email: user, github: `gh-${pad(t)}-${u}` });
      if (byGroup) groups[role].push(user);
      else members.push({ user, role, ...(u === 1 ? { manager: true } : {}) });
    }
    if (byGroup)
      for (const [role, people] of Object.entries(groups)) {
        organizations.at(-1).groups.push({ name: `${name}-${role}s`, members: people });
        members.push({ group: `${name}-${role}s`, role });
      }
    organizations.at(-1).products.push({
      name,
      path: o % 2 === 1 ? ['Products'] : [],
      pools: [name],
      namespaces: Array.from({ length: NAMESPACES_PER_TEAM }, (_, n) => `${name}-ns${n}`),
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
  return {
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
}
