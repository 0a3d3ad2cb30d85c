import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { ProductAccess } from '../../access-graph.js';
import { sortedUnique } from '../../serialize.js';
import { MANAGED_LABELS } from '../shared/labels.js';
import { policyLines, projectRoleSubject, type ProjectRoleSpec } from './project-roles.js';

/** The namespace Argo CD runs in and reads its AppProjects and ConfigMaps from. */
export const ARGOCD_NAMESPACE = 'argocd';

/** `argocd/projects/<product>.yaml`. */
export function projectFilePath(product: string): string {
  return `argocd/projects/${product}.yaml`;
}

/** A repository of the model (`owner/repo`, seed 000's `jppol-idp` organisation) as a URL. */
export function repositoryUrl(repository: string): string {
  return `https://github.com/${repository}.git`;
}

/**
 * Resources the platform owns inside a tenant namespace. Argo CD's controller can do
 * anything, so without this a team could sync a RoleBinding to `cluster-admin` into its own
 * namespace and become the admin seed 000 says customers never are, or lift its quota.
 */
const PLATFORM_OWNED_KINDS = [
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
] as const;

/**
 * A product's AppProject (name = product, in `argocd`), restricted to the product:
 * destinations and source namespaces are its namespaces, sources its repositories, no
 * cluster-scoped resources, and its roles. Validated against the AppProject schema.
 */
export function appProject(access: ProductAccess, roles: readonly ProjectRoleSpec[]): AppProject {
  const { product } = access;
  const namespaces = sortedUnique(product.namespaces);
  const project = new AppProject({
    metadata: { name: product.name, namespace: ARGOCD_NAMESPACE, labels: { ...MANAGED_LABELS } },
    spec: {
      description: product.description ?? `Applications of product ${product.name}`,
      // The model names no API server URLs, and seed 000 teams deploy "for all their
      // namespaces on multiple clusters": any registered cluster, but only the product's
      // namespaces, which the model check keeps unique to one product.
      destinations: namespaces.map((namespace) => ({ server: '*', namespace })),
      // No repositories means an empty list: Argo CD then refuses every source.
      sourceRepos: sortedUnique(product.repositories.map(repositoryUrl)),
      // Apps in any namespace: the team keeps its Application objects in its namespaces.
      sourceNamespaces: namespaces,
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: PLATFORM_OWNED_KINDS.map((kind) => ({ ...kind })),
      roles: roles.map((role) => ({
        name: role.name,
        description: role.namespace
          ? `${role.level} access to ${product.name}'s applications in ${role.namespace}`
          : `${role.level} access to all of ${product.name}'s applications`,
        policies: policyLines(projectRoleSubject(product.name, role), role),
        groups: [...role.groups],
      })),
    },
  });
  project.validate();
  return project;
}
