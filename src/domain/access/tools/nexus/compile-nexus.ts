import {
  NEXUS_USER_PLACEHOLDER,
  type KubeRocketCiSettings,
} from '../../../tenancy/kuberocketci-schema.js';
import type { User } from '../../../tenancy/tenancy-schema.js';
import { levelHolders, type AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, GrantLevel, ToolOutput } from '../../access-output.js';
import { GENERATED_HEADER, compareText, generatedYaml } from '../../serialize.js';
import { objectName } from '../../../shared/object-name.js';
import type { NexusUser } from './nexus-user-schema.js';

/**
 * Files per `Nexus` custom resource the organizations name (`kuberocketci.nexus`): users
 * are global in a Nexus, so organizations sharing one share its users file.
 */
export const nexusUsersPath = (nexus: string): string => `nexus/${nexus}/users.yaml`;
export const nexusProxyPath = (nexus: string): string => `nexus/${nexus}/oauth2-proxy.cfg`;

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

interface ProductPeople {
  readonly product: string;
  readonly settings: KubeRocketCiSettings;
  readonly people: ReadonlyMap<string, ProductRole>;
}

/** The product role of each person of a product with `tools.nexus`, the strongest one. */
function productRoles(graph: AccessGraph): ProductPeople[] {
  const byProduct: ProductPeople[] = [];
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
    byProduct.push({
      product: access.product.name,
      settings: access.organization.kuberocketci,
      people,
    });
  }
  return byProduct;
}

/** Nexus wants a first and a last name: the directory's, else both from the e-mail. */
function names(person: User, email: string): { firstName: string; lastName: string } {
  const at = email.lastIndexOf('@');
  return {
    firstName: person.firstName ?? email.slice(0, at),
    lastName: person.lastName ?? email.slice(at + 1),
  };
}

function nexusUser(
  settings: KubeRocketCiSettings,
  person: User,
  email: string,
  role: ProductRole['role'],
): NexusUser {
  const metadata = { name: objectName([person.name]) };
  if (settings.apiVersion === 'v2.edp.epam.com/v1')
    return {
      apiVersion: settings.apiVersion,
      kind: 'NexusUser',
      metadata,
      spec: {
        ownerName: settings.nexus,
        ...names(person, email),
        email,
        userId: person.name,
        roles: [role],
        status: 'active',
      },
    };
  const secret = settings.nexusUserSecret;
  return {
    apiVersion: settings.apiVersion,
    kind: 'NexusUser',
    metadata,
    spec: {
      id: person.name,
      ...names(person, email),
      email,
      secret: `$${secret.name.replaceAll(NEXUS_USER_PLACEHOLDER, metadata.name)}:${secret.key}`,
      roles: [role],
      nexusRef: { name: settings.nexus, kind: 'Nexus' },
      status: 'active',
    },
  };
}

function proxyFile(nexus: string): AccessFile {
  const roles = NEXUS_ALLOWED_REALM_ROLES.map((role) => `"${role}"`).join(', ');
  return {
    path: nexusProxyPath(nexus),
    content:
      GENERATED_HEADER +
      '# Merge into the oauth2_proxy.cfg of the proxy in front of Nexus (provider = "keycloak-oidc").\n' +
      `allowed_roles = [${roles}]\n`,
    objects: ['oauth2-proxy allowed_roles'],
  };
}

/** A Nexus resource's settings and its people's strongest roles. */
interface Instance {
  readonly settings: KubeRocketCiSettings;
  readonly strongest: Map<string, ProductRole['role']>;
}

/**
 * Nexus (seed 001): for each `Nexus` resource (`kuberocketci.nexus`) a product with
 * `tools.nexus` uses, one `NexusUser` per person with an e-mail in
 * `nexus/<nexus>/users.yaml` (users are global in Nexus, so a person of two products is one
 * user), in the organization's API generation (`kuberocketci.apiVersion`; the model checks
 * make organizations sharing a Nexus agree): `write` people and customer admins get
 * `edp-admin`, `read` people `edp-viewer`, nobody `nx-admin`. Names and e-mail come from
 * the model's `users[]`. `edp.epam.com/v1alpha1` users reference their password Secret
 * (`kuberocketci.nexusUserSecret`), which the compiler never writes.
 * `nexus/<nexus>/oauth2-proxy.cfg` holds the proxy's `allowed_roles` (Keycloak realm roles
 * `administrator`, `developer`): a `read` person passes it only with one of those roles,
 * which the Keycloak side decides.
 */
export function compileNexus(graph: AccessGraph): ToolOutput {
  const instances = new Map<string, Instance>();
  const grants: Grant[] = [];
  for (const { product, settings, people } of productRoles(graph)) {
    const instance = instances.get(settings.nexus) ?? { settings, strongest: new Map() };
    instances.set(settings.nexus, instance);
    for (const [person, { role, level }] of people) {
      if (graph.people.get(person)?.email === undefined) continue;
      if (instance.strongest.get(person) !== 'edp-admin') instance.strongest.set(person, role);
      grants.push({
        tool: 'nexus',
        subject: { kind: 'user', name: person },
        permission: role,
        level,
        product,
        file: nexusUsersPath(settings.nexus),
      });
    }
  }
  const files: AccessFile[] = [];
  for (const [nexus, { settings, strongest }] of [...instances].sort(([a], [b]) =>
    compareText(a, b),
  )) {
    const users = [...strongest]
      .sort(([a], [b]) => compareText(a, b))
      .flatMap(([name, role]) => {
        const person = graph.people.get(name);
        return person?.email === undefined ? [] : [nexusUser(settings, person, person.email, role)];
      });
    if (users.length > 0)
      files.push({
        path: nexusUsersPath(nexus),
        content: generatedYaml(users),
        objects: users.map((user) => `NexusUser ${user.metadata.name}`),
      });
    files.push(proxyFile(nexus));
  }
  return { tool: 'nexus', files, grants };
}
