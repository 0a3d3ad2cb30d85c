import type { AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, ToolOutput } from '../../access-output.js';
import { compareText, generatedYaml } from '../../serialize.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';
import { cdPipelineTemplate } from './cd-pipeline-template.js';
import { kuberocketciViewRole, tenantClusterRoles } from './cluster-roles.js';
import { kubernetesAccounts, namespaceFile, namespaceGrants } from './namespace-access.js';

/** Where the tenant ClusterRoles go. */
export const CLUSTER_ROLES_PATH = 'kubernetes/cluster-roles.yaml';

/** Tools whose output is KubeRocketCI operators' custom resources (seed 001). */
const KUBEROCKETCI_TOOLS = ['sonarqube', 'nexus', 'gerrit'] as const;

/**
 * Whether the model runs KubeRocketCI: an organization whose CD pipeline creates namespaces,
 * or a product whose SonarQube, Nexus or Gerrit access is rendered for its operators.
 */
export function usesKubeRocketCi(model: Tenancy): boolean {
  return model.organizations.some(
    (organization) =>
      organization.cdPipelineNamespaces ||
      organization.products.some((product) =>
        KUBEROCKETCI_TOOLS.some((tool) => product.tools[tool] !== undefined),
      ),
  );
}

/**
 * Kubernetes RBAC for every product namespace (seed 001's tenant RoleBindings):
 * `kubernetes/cluster-roles.yaml` with the tenant ClusterRoles (and KubeRocketCI's
 * `edp-aggregate-view-edp` where the model {@link usesKubeRocketCi}),
 * `kubernetes/namespaces/<namespace>.yaml` per namespace with the Namespace and its
 * RoleBindings, and for organizations with `cdPipelineNamespaces` the `tenant-admin`
 * template per product (`kubernetes/cd-pipeline/<product>/tenant-admin.yaml`); one grant
 * per RoleBinding subject. Deterministic; files sorted by path.
 *
 * @throws TypeError when two products list one namespace (the model check refuses that).
 */
export function compileKubernetes(graph: AccessGraph): ToolOutput {
  const accounts = kubernetesAccounts(graph.model);
  const clusterRoles = tenantClusterRoles();
  if (usesKubeRocketCi(graph.model)) clusterRoles.push(kuberocketciViewRole());
  const files: AccessFile[] = [
    {
      path: CLUSTER_ROLES_PATH,
      content: generatedYaml(clusterRoles.map((role) => role.toJSON())),
      objects: clusterRoles.map((role) => `ClusterRole ${role.metadata?.name}`),
    },
  ];
  const owners = new Map<string, string>();
  for (const access of graph.products)
    for (const namespace of access.product.namespaces) {
      const owner = owners.get(namespace);
      if (owner !== undefined)
        throw new TypeError(
          `namespace ${namespace} is listed by ${owner} and ${access.product.name}`,
        );
      owners.set(namespace, access.product.name);
      files.push(namespaceFile(access, namespace, accounts));
    }
  const templateGrants: Grant[] = [];
  for (const access of graph.products) {
    if (!access.organization.cdPipelineNamespaces) continue;
    const template = cdPipelineTemplate(access, accounts);
    if (!template) continue;
    files.push(template.file);
    templateGrants.push(...template.grants);
  }
  files.sort((a, b) => compareText(a.path, b.path));
  let grants: Grant[] | undefined;
  return {
    tool: 'kubernetes',
    files,
    // Hundreds of thousands at scale, and only `explain` and `who-can` read them: a render
    // does not pay for them.
    get grants() {
      grants ??= [
        ...graph.products.flatMap((access) =>
          access.product.namespaces.flatMap((namespace) =>
            namespaceGrants(access, namespace, accounts),
          ),
        ),
        ...templateGrants,
      ];
      return grants;
    },
  };
}
