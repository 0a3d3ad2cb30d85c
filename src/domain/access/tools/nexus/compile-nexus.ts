import { levelHolders, type AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, GrantLevel, ToolOutput } from '../../access-output.js';
import { GENERATED_HEADER, compareText, generatedYaml } from '../../serialize.js';
import { objectName } from '../shared/object-name.js';
import type { NexusUser } from './nexus-user-schema.js';

export const NEXUS_USERS_PATH = 'nexus/users.yaml';
export const NEXUS_PROXY_PATH = 'nexus/oauth2-proxy.cfg';

/** Seed 001: "Only users with either the administrator or developer role in Keycloak can access Nexus". */
export const NEXUS_ALLOWED_REALM_ROLES = ['administrator', 'developer'] as const;

/**
 * Nexus roles by product access, strongest first. Developers must publish artifacts, and of
 * seed 001's four roles only `edp-admin` may add to repositories (EDP defines it as read
 * and write on every repository; `edp-viewer` is read and browse only). `nx-admin` is the
 * administration of Nexus itself and stays with the platform team, so customer admins get
 * `edp-admin` like developers: Nexus has no tenant-level admin role to give them.
 */
interface ProductRole {
  readonly role: 'edp-admin' | 'edp-viewer';
  readonly level: GrantLevel;
}
const DEVELOPER: ProductRole = { role: 'edp-admin', level: 'write' };
const VIEWER: ProductRole = { role: 'edp-viewer', level: 'read' };

/** The product role of each person of a product with `tools.nexus`, the strongest one. */
function productRoles(graph: AccessGraph): Map<string, Map<string, ProductRole>> {
  const byProduct = new Map<string, Map<string, ProductRole>>();
  for (const access of graph.products) {
    const listed = access.product.tools.nexus;
    if (!listed) continue;
    const people = new Map<string, ProductRole>();
    if (listed.includes('read'))
      for (const person of levelHolders(access, 'read').people.keys()) people.set(person, VIEWER);
    if (listed.includes('write'))
      for (const person of levelHolders(access, 'write').people.keys())
        people.set(person, DEVELOPER);
    if (access.product.customerAdmin)
      for (const person of access.roles.admin.people.keys()) people.set(person, DEVELOPER);
    byProduct.set(access.product.name, people);
  }
  return byProduct;
}

/** Nexus wants a first and a last name; the model has none, so both come from the e-mail. */
function names(email: string): { firstName: string; lastName: string } {
  const at = email.lastIndexOf('@');
  return { firstName: email.slice(0, at), lastName: email.slice(at + 1) };
}

function nexusUser(person: string, email: string, role: ProductRole['role']): NexusUser {
  return {
    apiVersion: 'v2.edp.epam.com/v1',
    kind: 'NexusUser',
    metadata: { name: objectName([person]) },
    spec: {
      ownerName: 'nexus',
      ...names(email),
      email,
      userId: person,
      roles: [role],
      status: 'active',
    },
  };
}

function proxyFile(): AccessFile {
  const roles = NEXUS_ALLOWED_REALM_ROLES.map((role) => `"${role}"`).join(', ');
  return {
    path: NEXUS_PROXY_PATH,
    content:
      GENERATED_HEADER +
      '# Merge into the oauth2_proxy.cfg of the proxy in front of Nexus (provider = "keycloak-oidc").\n' +
      `allowed_roles = [${roles}]\n`,
    objects: ['oauth2-proxy allowed_roles'],
  };
}

/**
 * Nexus (seed 001): one `NexusUser` (edp-nexus-operator) per person with an e-mail of a
 * product with `tools.nexus`, in `nexus/users.yaml` (users are global in Nexus, so a person
 * of two products is one user): `write` people and customer admins get `edp-admin`, `read`
 * people `edp-viewer`, nobody `nx-admin`. `nexus/oauth2-proxy.cfg` holds the proxy's
 * `allowed_roles` (Keycloak realm roles `administrator`, `developer`): a `read` person
 * passes it only with one of those roles, which the Keycloak side decides.
 */
export function compileNexus(graph: AccessGraph): ToolOutput {
  const byProduct = productRoles(graph);
  if (byProduct.size === 0) return { tool: 'nexus', files: [], grants: [] };
  const strongest = new Map<string, ProductRole['role']>();
  const grants: Grant[] = [];
  for (const [product, people] of byProduct)
    for (const [person, { role, level }] of people) {
      if (graph.people.get(person)?.email === undefined) continue;
      if (strongest.get(person) !== 'edp-admin') strongest.set(person, role);
      grants.push({
        tool: 'nexus',
        subject: { kind: 'user', name: person },
        permission: role,
        level,
        product,
        file: NEXUS_USERS_PATH,
      });
    }
  const users = [...strongest]
    .sort(([a], [b]) => compareText(a, b))
    .map(([person, role]) => nexusUser(person, graph.people.get(person)?.email ?? '', role));
  const files: AccessFile[] = [proxyFile()];
  if (users.length > 0)
    files.unshift({
      path: NEXUS_USERS_PATH,
      content: generatedYaml(users),
      objects: users.map((user) => `NexusUser ${user.metadata.name}`),
    });
  return { tool: 'nexus', files, grants };
}
