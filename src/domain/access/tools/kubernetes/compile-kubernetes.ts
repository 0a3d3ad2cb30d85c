import type { AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, ToolOutput } from '../../access-output.js';
import { compareText, generatedYaml } from '../../serialize.js';
import { tenantClusterRoles } from './cluster-roles.js';
import { namespaceFile, namespaceGrants } from './namespace-access.js';

/** Where the tenant ClusterRoles go. */
export const CLUSTER_ROLES_PATH = 'kubernetes/cluster-roles.yaml';

/**
 * Kubernetes RBAC for every product namespace (seed 001's tenant RoleBindings):
 * `kubernetes/cluster-roles.yaml` with the tenant ClusterRoles, and
 * `kubernetes/namespaces/<namespace>.yaml` per namespace with the Namespace and its
 * RoleBindings; one grant per RoleBinding subject. Deterministic; files sorted by path.
 *
 * @throws TypeError when two products list one namespace (the model check refuses that).
 */
export function compileKubernetes(graph: AccessGraph): ToolOutput {
  const clusterRoles = tenantClusterRoles();
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
      files.push(namespaceFile(access, namespace));
    }
  files.sort((a, b) => compareText(a.path, b.path));
  let grants: Grant[] | undefined;
  return {
    tool: 'kubernetes',
    files,
    // Hundreds of thousands at scale, and only `explain` and `who-can` read them: a render
    // does not pay for them.
    get grants() {
      grants ??= graph.products.flatMap((access) =>
        access.product.namespaces.flatMap((namespace) => namespaceGrants(access, namespace)),
      );
      return grants;
    },
  };
}
