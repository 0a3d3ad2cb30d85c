import type { AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, ToolOutput } from '../../access-output.js';
import { compareText, generatedYaml } from '../../serialize.js';
import { appProject, projectFilePath } from './app-project.js';
import { projectRoles, rolePermission } from './project-roles.js';
import {
  PLATFORM_ADMIN_ROLE,
  RBAC_CONFIG_MAP_PATH,
  rbacConfigMap,
  type ProjectPolicy,
} from './rbac-config-map.js';

/**
 * Argo CD access: `argocd/projects/<product>.yaml` with a restricted AppProject per product
 * (seed 000 per-namespace groups, seed 001 realm groups as product-wide roles) and
 * `argocd/argocd-rbac-cm.yaml` with the same roles globally plus the platform admins.
 * Grants: one per (group, role), and `role:admin` for each platform admin group.
 * Deterministic; files sorted by path.
 */
export function compileArgoCd(graph: AccessGraph): ToolOutput {
  const files: AccessFile[] = [];
  const grants: Grant[] = [];
  const policies: ProjectPolicy[] = [];

  for (const access of graph.products) {
    const project = access.product.name;
    const path = projectFilePath(project);
    const roles = projectRoles(graph, access);
    const object = appProject(access, roles);
    files.push({
      path,
      content: generatedYaml([object.toJSON()]),
      objects: [`AppProject ${object.metadata.namespace}/${project}`],
    });
    policies.push({ project, roles });
    for (const role of roles)
      for (const group of role.groups)
        grants.push({
          tool: 'argocd',
          subject: { kind: 'group', name: group },
          permission: rolePermission(project, role),
          level: role.level,
          product: project,
          ...(role.namespace !== undefined ? { namespace: role.namespace } : {}),
          file: path,
        });
  }

  const adminGroups = graph.platformAdmins.groups;
  const configMap = rbacConfigMap(policies, adminGroups);
  files.push({
    path: RBAC_CONFIG_MAP_PATH,
    content: generatedYaml([configMap.toJSON()]),
    objects: [`ConfigMap ${configMap.metadata?.namespace}/${configMap.metadata?.name}`],
  });
  // Platform admin users are not bound: Argo CD would match them against its token's `sub`,
  // which is not the IdP's subject when Dex sits in between; admins come in by group.
  for (const group of adminGroups)
    grants.push({
      tool: 'argocd',
      subject: { kind: 'group', name: group },
      permission: PLATFORM_ADMIN_ROLE,
      level: 'admin',
      file: RBAC_CONFIG_MAP_PATH,
    });

  files.sort((a, b) => compareText(a.path, b.path));
  return { tool: 'argocd', files, grants };
}
