import { Namespace, type INamespace } from 'kubernetes-models/v1';
import { RoleBinding, type IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { ISubject } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Subject';
import { effectiveHolders, type ProductAccess } from '../../access-graph.js';
import type { AccessFile, Grant, GrantLevel, GrantSubject } from '../../access-output.js';
import { NO_HOLDERS, type Holders } from '../../role-holders.js';
import { compareText, GENERATED_HEADER, toYaml } from '../../serialize.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';
import {
  MANAGED_LABELS,
  ORGANIZATION_LABEL,
  PRODUCT_LABEL,
  productLabels,
} from '../shared/labels.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_VERSION = 'rbac.authorization.k8s.io/v1';

/** One row of seed 001's "Cluster RBAC Resources" table. */
export interface TenantBinding {
  /** The RoleBinding's name. */
  readonly name: string;
  /** The ClusterRole it binds. */
  readonly clusterRole: string;
  readonly level: GrantLevel;
  readonly holders: (access: ProductAccess) => Holders;
}

/**
 * Seed 001's RoleBindings, in its table's order: admins get `cluster-admin` (in the
 * namespace only) where the product opts in to customer admin, since seed 000 gives
 * customers no admin otherwise; developers also get `view` ("edp-oidc-viewers,
 * edp-oidc-developers").
 */
export const TENANT_BINDINGS: readonly TenantBinding[] = [
  {
    name: 'tenant-admin',
    clusterRole: 'cluster-admin',
    level: 'admin',
    holders: (access) => (access.product.customerAdmin ? access.roles.admin : NO_HOLDERS),
  },
  {
    name: 'tenant-builder',
    clusterRole: 'tenant-builder',
    level: 'write',
    holders: (access) => access.roles.builder,
  },
  {
    name: 'tenant-deployer',
    clusterRole: 'tenant-deployer',
    level: 'write',
    holders: (access) => access.roles.deployer,
  },
  {
    name: 'tenant-developer',
    clusterRole: 'tenant-developer',
    level: 'write',
    holders: (access) => access.roles.developer,
  },
  {
    name: 'tenant-viewer',
    clusterRole: 'view',
    level: 'read',
    holders: (access) => effectiveHolders(access, 'collaborator'),
  },
];

export interface BoundSubject {
  readonly rbac: ISubject;
  readonly grant: GrantSubject;
}

/** The model's Kubernetes service accounts: name → the namespace it lives in. */
export type KubernetesAccounts = ReadonlyMap<string, string>;

export function kubernetesAccounts(model: Tenancy): KubernetesAccounts {
  const accounts = new Map<string, string>();
  for (const account of model.serviceAccounts)
    if (account.kubernetes) accounts.set(account.name, account.kubernetes.namespace);
  return accounts;
}

/**
 * A service account's RBAC subject. Service accounts the directory places in Kubernetes are
 * `ServiceAccount`s of their namespace (no apiGroup: RBAC requires it empty for them). The
 * others are IdP clients: they sign in with the OIDC client-credentials grant, and the API
 * server's OIDC authenticator turns the token's subject into a user of that name.
 */
function serviceAccountSubject(name: string, accounts: KubernetesAccounts): ISubject {
  const namespace = accounts.get(name);
  return namespace === undefined
    ? { apiGroup: RBAC_GROUP, kind: 'User', name }
    : { kind: 'ServiceAccount', name, namespace };
}

/** A RoleBinding's subjects for holders, sorted by kind and name. */
export function boundSubjects(holders: Holders, accounts: KubernetesAccounts): BoundSubject[] {
  const all: BoundSubject[] = [
    ...holders.groups.map((name) => ({
      rbac: { apiGroup: RBAC_GROUP, kind: 'Group', name },
      grant: { kind: 'group' as const, name },
    })),
    ...holders.users.map((name) => ({
      rbac: { apiGroup: RBAC_GROUP, kind: 'User', name },
      grant: { kind: 'user' as const, name },
    })),
    ...holders.serviceAccounts.map((name) => ({
      rbac: serviceAccountSubject(name, accounts),
      grant: { kind: 'serviceAccount' as const, name },
    })),
  ];
  return all.sort(
    (a, b) =>
      compareText(a.rbac.kind, b.rbac.kind) ||
      compareText(a.rbac.name, b.rbac.name) ||
      compareText(a.grant.kind, b.grant.kind),
  );
}

/** Subjects with the same kind and name bind once (a user also listed as a service account). */
export function uniqueRbacSubjects(subjects: readonly BoundSubject[]): ISubject[] {
  const seen = new Set<string>();
  const unique: ISubject[] = [];
  for (const { rbac } of subjects) {
    const key = `${rbac.kind}\u0000${rbac.name}\u0000${rbac.namespace ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(rbac);
  }
  return unique;
}

/** A binding's subjects for one product: the same in each of the product's namespaces. */
interface ProductBinding {
  /** `subjects:` as YAML, serialized once per product instead of once per namespace. */
  readonly yaml: string;
  readonly bound: boolean;
}

const bindingsByProduct = new WeakMap<ProductAccess, ProductBinding[]>();

/**
 * `accounts` must be the same for every call with one `access` (both come from one model).
 * Kept for as long as the graph: the subjects themselves are not (54,000 at bench scale,
 * three objects each), `namespaceGrants` makes them again when asked.
 */
function productBindings(access: ProductAccess, accounts: KubernetesAccounts): ProductBinding[] {
  let bindings = bindingsByProduct.get(access);
  if (!bindings) {
    bindings = TENANT_BINDINGS.map((binding) => {
      const rbac = uniqueRbacSubjects(boundSubjects(binding.holders(access), accounts));
      // The subjects are the product's, the rest of each RoleBinding is fixed text and DNS
      // labels: validating one complete RoleBinding per product validates them all.
      if (rbac.length > 0)
        new RoleBinding({
          metadata: { name: binding.name, namespace: access.product.namespaces[0] ?? 'default' },
          roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: binding.clusterRole },
          subjects: rbac,
        }).validate();
      return { yaml: toYaml({ subjects: rbac }), bound: rbac.length > 0 };
    });
    bindingsByProduct.set(access, bindings);
  }
  return bindings;
}

/** `kubernetes/namespaces/<namespace>.yaml`. */
export function namespaceFilePath(namespace: string): string {
  return `kubernetes/namespaces/${namespace}.yaml`;
}

/**
 * A product namespace's file: the Namespace, then seed 001's RoleBindings that have at
 * least one subject (an empty RoleBinding grants nothing, and leaving it out keeps e.g.
 * `tenant-admin` from appearing at all where customers get no admin). Every object is
 * validated against the Kubernetes schema (once per product: see `productTemplate`).
 */
export function namespaceFile(
  access: ProductAccess,
  namespace: string,
  accounts: KubernetesAccounts,
): AccessFile {
  const template = productTemplate(access);
  const plain = writesPlain(namespace);
  const texts = [
    fillNamespace(template.namespace, namespace, plain, () => namespaceObject(access, namespace)),
  ];
  const names: string[] = [];
  for (const [index, binding] of TENANT_BINDINGS.entries()) {
    const { bound, yaml } = productBindings(access, accounts)[index] ?? { bound: false, yaml: '' };
    if (!bound) continue;
    names.push(binding.name);
    // The head, then the product's `subjects:` text: two top-level mappings concatenated
    // are one mapping, byte-identical to dumping the whole object (the golden files say so).
    const head = template.heads[index] ?? '';
    texts.push(
      fillNamespace(head, namespace, plain, () => bindingHead(access, binding, namespace)) + yaml,
    );
  }
  return {
    path: namespaceFilePath(namespace),
    content: GENERATED_HEADER + texts.join('---\n'),
    objects: [`Namespace ${namespace}`, ...names.map((name) => `RoleBinding ${namespace}/${name}`)],
  };
}

/** One grant per subject of each RoleBinding `namespaceFile` writes for the namespace. */
export function namespaceGrants(
  access: ProductAccess,
  namespace: string,
  accounts: KubernetesAccounts,
): Grant[] {
  const grants: Grant[] = [];
  for (const binding of TENANT_BINDINGS)
    for (const { grant } of boundSubjects(binding.holders(access), accounts))
      grants.push({
        tool: 'kubernetes',
        subject: grant,
        permission: `ClusterRole ${binding.clusterRole}`,
        level: binding.level,
        product: access.product.name,
        namespace,
        file: namespaceFilePath(namespace),
      });
  return grants;
}

function namespaceObject(access: ProductAccess, namespace: string): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      // A literal (see productLabels): one per namespace.
      labels: {
        'app.kubernetes.io/managed-by': MANAGED_LABELS['app.kubernetes.io/managed-by'],
        [PRODUCT_LABEL]: access.product.name,
        [ORGANIZATION_LABEL]: access.organization.name,
      },
    },
  };
}

function bindingHead(
  access: ProductAccess,
  binding: TenantBinding,
  namespace: string,
): Omit<IRoleBinding, 'subjects'> {
  return {
    apiVersion: RBAC_VERSION,
    kind: 'RoleBinding',
    metadata: {
      name: binding.name,
      namespace,
      labels: productLabels(access.product.name),
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: binding.clusterRole },
  };
}

/**
 * Stands for the namespace in a product's YAML templates. It cannot occur in the rest of a
 * head: those hold fixed words and DNS labels, which have no `_`.
 */
const PLACEHOLDER = '__namespace__';

/** The Namespace and RoleBinding heads of a product, as YAML with the namespace left out. */
interface ProductTemplate {
  readonly namespace: string;
  readonly heads: readonly string[];
}

const templatesByProduct = new WeakMap<ProductAccess, ProductTemplate>();

function productTemplate(access: ProductAccess): ProductTemplate {
  let template = templatesByProduct.get(access);
  if (!template) {
    // Every namespace of the product gets the same objects but for their name: they are
    // validated once here (the names are DNS labels, checked by the tenancy schema).
    new Namespace(namespaceObject(access, access.product.namespaces[0] ?? 'default')).validate();
    template = {
      namespace: toYaml(namespaceObject(access, PLACEHOLDER)),
      heads: TENANT_BINDINGS.map((binding) => toYaml(bindingHead(access, binding, PLACEHOLDER))),
    };
    templatesByProduct.set(access, template);
  }
  return template;
}

/**
 * A template with the namespace filled in, or a fresh dump where YAML would write the name
 * differently from the placeholder (a DNS label such as `true` or `0123` needs quotes).
 */
function fillNamespace(
  template: string,
  namespace: string,
  plain: boolean,
  object: () => unknown,
): string {
  return plain ? template.replaceAll(PLACEHOLDER, namespace) : toYaml(object());
}

/** Whether YAML writes the name as it is, like the placeholder (asked of the library). */
function writesPlain(namespace: string): boolean {
  // (Not a one-letter key: `n` is a YAML 1.1 boolean and would itself be quoted.)
  return toYaml({ namespace }) === `namespace: ${namespace}\n`;
}
