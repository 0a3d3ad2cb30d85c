import type { FieldError } from '../../../errors.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';

/**
 * What Keycloak would refuse in a realm import the model otherwise allows: group names with
 * an empty or padded path segment (`USMC//x`, `USMC/ Marine`), and two people whose names
 * differ only in case (Keycloak lowercases usernames, so they would be one user).
 */
export function checkKeycloakNames(model: Tenancy): FieldError[] {
  const realms = model.keycloak?.realms ?? [];
  if (realms.length === 0) return [];
  const problems: FieldError[] = [];
  const graph = compileAccessGraph(model);
  realms.forEach((realm, r) => {
    const at = `keycloak.realms.${r}`;
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
