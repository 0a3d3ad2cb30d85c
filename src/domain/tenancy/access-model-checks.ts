import type { FieldError } from '../errors.js';
import { toolGroupName } from './group-names.js';
import { checkIdentities } from './identity-checks.js';
import { checkClearedGroupNames, checkClearedTools } from './clearance-checks.js';
import { checkKubeRocketCi } from './kuberocketci-checks.js';
import { NAMESPACE_TOOLS, productClusterName } from './tenancy-schema.js';
import type { GroupRole, Organization, Product, Realm, Tenancy } from './tenancy-schema.js';

type Report = (path: string, message: string) => void;

/** A product with its organization and its key path (`organizations.0.products.1`). */
interface Located {
  readonly organization: Organization;
  readonly product: Product;
  readonly at: string;
}

/** Records where `key` was first seen; returns that place when it was seen before. */
export const firstSeen = <T>(seen: Map<string, T>, key: string, at: T): T | undefined => {
  const before = seen.get(key);
  if (before === undefined) seen.set(key, at);
  return before;
};
const listed = (names: Iterable<string>): string => [...names].join(', ') || 'none';

/**
 * Cross-reference checks of the access parts of the model: users, Keycloak realms, AWS,
 * group naming and tool groups. Each problem names the key path and says what to change;
 * an empty list means the access compiler can render the model without collisions.
 */
export function checkAccessModel(model: Tenancy): FieldError[] {
  const problems: FieldError[] = [];
  const report: Report = (path, message) => {
    problems.push({ path, message });
  };
  const products: Located[] = model.organizations.flatMap((organization, o) =>
    organization.products.map((product, p) => ({
      organization,
      product,
      at: `organizations.${o}.products.${p}`,
    })),
  );
  checkUsers(model, report);
  checkIdentities(model, report);
  model.keycloak?.realms.forEach((realm, r) =>
    checkRealm(realm, `keycloak.realms.${r}`, products, report),
  );
  checkRealmsTogether(model, report);
  checkAws(model, products, report);
  model.organizations.forEach((organization, o) =>
    checkGroupNaming(organization, `organizations.${o}.groupNaming`, report),
  );
  checkTools(products, report);
  checkKubeRocketCi(model, report);
  checkClearedTools(model, report);
  checkClearedGroupNames(model, report);
  return problems;
}

function checkUsers(model: Tenancy, report: Report): void {
  const names = new Map<string, string>();
  const handles = new Map<string, string>();
  const emails = new Map<string, string>();
  model.users.forEach((user, u) => {
    const at = `users.${u}`;
    const name = firstSeen(names, user.name, at);
    if (name) report(`${at}.name`, `duplicate user '${user.name}' (also ${name})`);
    // GitHub user names are case-insensitive: `Koa-Dev` and `koa-dev` are one account.
    const github = user.github && firstSeen(handles, user.github.toLowerCase(), at);
    if (github)
      report(
        `${at}.github`,
        `GitHub user '${user.github ?? ''}' is already ${github} (GitHub names ignore case); give each person their own handle`,
      );
    // Keycloak stores e-mail addresses lowercased, so case variants collide there.
    const email = user.email && firstSeen(emails, user.email.toLowerCase(), at);
    if (email)
      report(`${at}.email`, `e-mail '${user.email ?? ''}' is already ${email}; e-mails are unique`);
  });
}

function checkRealm(realm: Realm, at: string, products: readonly Located[], report: Report): void {
  const roles = new Map<string, number>();
  realm.roles.forEach((role, i) => {
    const before = firstSeen(roles, role.name, i);
    if (before !== undefined)
      report(
        `${at}.roles.${i}.name`,
        `duplicate role '${role.name}' in realm ${realm.name} (also ${at}.roles.${before})`,
      );
  });
  const declared = `realm ${realm.name} declares roles: ${listed(roles.keys())}`;
  realm.roles.forEach((role, i) =>
    role.composites.forEach((composite, c) => {
      if (!roles.has(composite))
        report(`${at}.roles.${i}.composites.${c}`, `unknown role '${composite}'; ${declared}`);
    }),
  );
  checkCompositeCycles(realm, at, roles, report);

  const groups = new Map<string, string>();
  const byName = new Map(products.map((located) => [located.product.name, located.product]));
  realm.groups.forEach((group, g) => {
    const gat = `${at}.groups.${g}`;
    const before = firstSeen(groups, group.name, gat);
    if (before)
      report(
        `${gat}.name`,
        `duplicate group '${group.name}' in realm ${realm.name} (also ${before})`,
      );
    group.realmRoles.forEach((role, i) => {
      if (!roles.has(role)) report(`${gat}.realmRoles.${i}`, `unknown role '${role}'; ${declared}`);
    });
    group.grantedTo.forEach((grant, i) => {
      const product = byName.get(grant.product);
      if (!product)
        report(
          `${gat}.grantedTo.${i}.product`,
          `unknown product '${grant.product}'; name a product of the model`,
        );
      else if (grant.role === 'admin' && !product.customerAdmin)
        report(
          `${gat}.grantedTo.${i}.role`,
          `product ${product.name} does not give customers admin on tooling; set customerAdmin: true on the product or grant another role`,
        );
    });
  });
}

/** A composite role that contains itself would make keycloak-config-cli loop or fail. */
function checkCompositeCycles(
  realm: Realm,
  at: string,
  roles: ReadonlyMap<string, number>,
  report: Report,
): void {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): void => {
    const index = roles.get(name);
    const role = index === undefined ? undefined : realm.roles[index];
    if (index === undefined || !role) return;
    path.push(name);
    role.composites.forEach((composite, c) => {
      const onPath = path.indexOf(composite);
      if (onPath >= 0)
        report(
          `${at}.roles.${index}.composites.${c}`,
          `composite cycle ${[...path.slice(onPath), composite].join(' -> ')}: a role cannot contain itself; remove one of these composites`,
        );
      else if (!done.has(composite)) visit(composite);
    });
    path.pop();
    done.add(name);
  };
  for (const name of roles.keys()) if (!done.has(name)) visit(name);
}

function checkRealmsTogether(model: Tenancy, report: Report): void {
  const realms = new Map<string, string>();
  const organizations = new Set(model.organizations.map((organization) => organization.name));
  const home = new Map<string, string>();
  model.keycloak?.realms.forEach((realm, r) => {
    const at = `keycloak.realms.${r}`;
    const before = firstSeen(realms, realm.name, at);
    if (before) report(`${at}.name`, `duplicate realm '${realm.name}' (also ${before})`);
    realm.organizations.forEach((name, i) => {
      if (!organizations.has(name)) {
        report(
          `${at}.organizations.${i}`,
          `unknown organization '${name}'; known: ${listed(organizations)}`,
        );
        return;
      }
      const other = firstSeen(home, name, `realm ${realm.name} (${at})`);
      if (other)
        report(
          `${at}.organizations.${i}`,
          `organization '${name}' is already in ${other}; an organization's groups live in one realm, so list it once`,
        );
    });
  });
}

function checkAws(model: Tenancy, products: readonly Located[], report: Report): void {
  const clusters = new Map<string, string>();
  model.aws?.clusters.forEach((cluster, c) => {
    const before = firstSeen(clusters, cluster.name, `aws.clusters.${c}`);
    if (before)
      report(`aws.clusters.${c}.name`, `duplicate cluster '${cluster.name}' (also ${before})`);
  });
  const secrets = new Map<string, string>();
  const registries = new Map<string, string>();
  for (const { product, at } of products) {
    const owner = `product ${product.name} (${at})`;
    const sharedSecrets =
      product.secretsNamespace && firstSeen(secrets, product.secretsNamespace, owner);
    if (sharedSecrets)
      report(
        `${at}.secretsNamespace`,
        `secrets namespace '${product.secretsNamespace ?? ''}' is already used by ${sharedSecrets}; two teams sharing a secrets prefix would read each other's secrets, so give each product its own`,
      );
    const sharedRegistry =
      product.registryNamespace && firstSeen(registries, product.registryNamespace, owner);
    if (sharedRegistry)
      report(
        `${at}.registryNamespace`,
        `registry namespace '${product.registryNamespace ?? ''}' is already used by ${sharedRegistry}; two teams sharing it would push over each other's images, so give each product its own`,
      );
    const aws = product.aws;
    if (!aws) continue;
    const images = new Map<string, number>();
    aws.images.forEach((image, i) => {
      const before = firstSeen(images, image, i);
      if (before !== undefined)
        report(
          `${at}.aws.images.${i}`,
          `duplicate image '${image}' (also ${at}.aws.images.${before})`,
        );
    });
    if (aws.images.length > 0 && !product.registryNamespace)
      report(
        `${at}.registryNamespace`,
        `is required for aws.images: images are ECR repositories under it; add registryNamespace: ${product.name}`,
      );
    if (!model.aws) {
      report(
        `${at}.aws`,
        `product ${product.name} uses AWS but the model has no top-level aws settings; add aws: { region: … } (with registry and clusters as needed)`,
      );
      continue;
    }
    if (aws.images.length > 0 && !model.aws.registry)
      report(
        `${at}.aws.images`,
        `product ${product.name} has images but the model names no registry; add aws.registry: { account: … }`,
      );
    checkProductClusters(product, at, clusters, report);
  }
}

/** Cluster entries of a product: known clusters, each once, only the product's namespaces. */
function checkProductClusters(
  product: Product,
  at: string,
  clusters: ReadonlyMap<string, string>,
  report: Report,
): void {
  const seen = new Map<string, number>();
  product.aws?.clusters.forEach((entry, c) => {
    const name = productClusterName(entry);
    const cat = `${at}.aws.clusters.${c}`;
    if (!clusters.has(name))
      report(
        typeof entry === 'string' ? cat : `${cat}.name`,
        `unknown cluster '${name}'; aws.clusters declares: ${listed(clusters.keys())}`,
      );
    const before = firstSeen(seen, name, c);
    if (before !== undefined)
      report(
        cat,
        `cluster '${name}' is listed twice (also ${at}.aws.clusters.${before}); give it once with all its namespaces`,
      );
    if (typeof entry === 'string') return;
    entry.namespaces.forEach((namespace, n) => {
      if (!product.namespaces.includes(namespace))
        report(
          `${cat}.namespaces.${n}`,
          `namespace '${namespace}' is not one of product ${product.name}'s namespaces (${listed(product.namespaces)}); its access entries would reach another team's namespace`,
        );
    });
  });
}

function checkGroupNaming(organization: Organization, at: string, report: Report): void {
  const { roleGroups, roleNames } = organization.groupNaming;
  const seenRoles = new Map<string, number>();
  roleGroups.forEach((role, i) => {
    const before = firstSeen(seenRoles, role, i);
    if (before !== undefined)
      report(`${at}.roleGroups.${i}`, `duplicate role '${role}' (also ${at}.roleGroups.${before})`);
  });
  // Only roles with groups can collide: a name for a role without a group is never rendered.
  const texts = new Map<string, GroupRole>();
  for (const role of new Set(roleGroups)) {
    const text = roleNames[role] ?? role;
    const other = firstSeen(texts, text, role);
    if (other)
      report(
        `${at}.roleNames.${roleNames[role] ? role : other}`,
        `roles '${other}' and '${role}' are both named '${text}', so their groups would be one group; give each role its own name`,
      );
  }
}

function checkTools(products: readonly Located[], report: Report): void {
  const owners = new Map<string, Located>();
  for (const located of products) {
    const { organization, product, at } = located;
    for (const tool of NAMESPACE_TOOLS) {
      const levels = product.tools[tool];
      if (!levels) continue;
      if (product.namespaces.length === 0) {
        report(
          `${at}.tools.${tool}`,
          `product ${product.name} has no namespaces, so no ${tool} groups would be made (they are per namespace); add namespaces or remove tools.${tool}`,
        );
        continue;
      }
      for (const namespace of product.namespaces)
        for (const level of new Set(levels)) {
          const name = toolGroupName(organization, product, namespace, tool, level);
          const owner = firstSeen(owners, name, located);
          // One product may fold its namespaces into one group; two products may not share.
          if (owner && owner.product !== product)
            report(
              `${at}.tools.${tool}`,
              `tool group '${name}' of product ${product.name} is also made for product ${owner.product.name} (${owner.at}); the products would share access, so change groupNaming.tools or the namespaces`,
            );
        }
    }
  }
}
