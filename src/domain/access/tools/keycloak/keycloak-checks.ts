import type { FieldError } from '../../../errors.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';

/**
 * What Keycloak would refuse or misread in a realm import the model otherwise allows: group
 * names with an empty or padded path segment (`USMC//x`, `USMC/ Marine`), two people whose
 * names differ only in case (Keycloak lowercases usernames, so they would be one user), and
 * a realm group with roles above other groups (sub-groups inherit realm roles).
 */
export function checkKeycloakNames(model: Tenancy): FieldError[] {
  const realms = model.keycloak?.realms ?? [];
  if (realms.length === 0) return [];
  const problems: FieldError[] = [];
  const graph = compileAccessGraph(model);
  // Tokens carry group names, not realms: one name in two realms would be one group to
  // every tool that reads the token (Kubernetes, Argo CD, Grafana).
  const realmOfName = new Map<string, string>();
  for (const group of graph.groups) {
    const realm = group.realm ?? '(no realm)';
    const other = realmOfName.get(group.name);
    if (other === undefined) realmOfName.set(group.name, realm);
    else if (other !== realm)
      problems.push({
        path: 'keycloak.realms',
        message: `group '${group.name}' is made in ${other} and in ${realm}; tokens carry only its name, so give each a different name`,
      });
  }
  realms.forEach((realm, r) => {
    const at = `keycloak.realms.${r}`;
    // Keycloak sub-groups inherit their parents' realm roles: a realm group with roles must
    // not sit above another group (`acme` with roles above `acme/a/developer`).
    const names = graph.groups.filter((group) => group.realm === realm.name).map((g) => g.name);
    realm.groups.forEach((group, g) => {
      if (group.realmRoles.length === 0) return;
      const below = names.find((name) => name.startsWith(`${group.name}/`));
      if (below !== undefined)
        problems.push({
          path: `${at}.groups.${g}.name`,
          message: `group '${group.name}' has realm roles that its sub-group '${below}' would inherit; rename it or move its roles to a group without sub-groups`,
        });
    });
    const usernames = new Map<string, string>();
    const reported = new Set<string>();
    for (const group of graph.groups) {
      if (group.realm !== realm.name) continue;
      if (group.name.split('/').some((segment) => segment === '' || segment.trim() !== segment))
        problems.push({
          path: at,
          message: `group '${group.name}' has an empty or padded path segment; fix the organization's groupNaming or group names`,
        });
      for (const person of group.members.keys()) {
        const key = person.toLowerCase();
        const other = usernames.get(key);
        if (other !== undefined && other !== person && !reported.has(`${other}\n${person}`)) {
          reported.add(`${other}\n${person}`);
          problems.push({
            path: at,
            message: `users '${other}' and '${person}' differ only in case; Keycloak would make them one user`,
          });
        } else if (other === undefined) usernames.set(key, person);
      }
    }
  });
  return problems;
}
