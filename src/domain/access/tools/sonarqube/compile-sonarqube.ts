import type { AccessGraph } from '../../access-graph.js';
import type { Grant, GrantLevel, ToolOutput } from '../../access-output.js';
import { generatedYaml } from '../../serialize.js';
import type {
  SonarPermission,
  SonarPermissionTemplate,
} from './sonar-permission-template-schema.js';

export const SONAR_TEMPLATE_PATH = 'sonarqube/edp-default.yaml';

/** Seed 001's table: the groups of KubeRocketCI's `edp-default` template and their rights. */
export const EDP_DEFAULT_GROUP_PERMISSIONS: readonly {
  readonly groupName: string;
  readonly permissions: readonly SonarPermission[];
}[] = [
  { groupName: 'non-interactive-users', permissions: ['user'] },
  { groupName: 'sonar-administrators', permissions: ['admin', 'user'] },
  {
    groupName: 'sonar-developers',
    permissions: ['codeviewer', 'issueadmin', 'securityhotspotadmin', 'user'],
  },
];

/**
 * Which template group stands for a product level. People reach these groups through
 * Keycloak realm roles (seed 001: `developer` ⊇ `sonar-developers`, `administrator` ⊇
 * `sonar-administrators`), which the Keycloak generator assigns; this file only says what
 * each group may do.
 */
const LEVEL_GROUP: Readonly<Record<GrantLevel, string>> = {
  read: 'non-interactive-users',
  write: 'sonar-developers',
  admin: 'sonar-administrators',
};

/** The `edp-default` SonarPermissionTemplate exactly as seed 001 prints it. */
export function edpDefaultTemplate(): SonarPermissionTemplate {
  return {
    apiVersion: 'v2.edp.epam.com/v1',
    kind: 'SonarPermissionTemplate',
    metadata: { name: 'edp-default' },
    spec: {
      description: 'EDP permission templates (DO NOT REMOVE)',
      groupPermissions: EDP_DEFAULT_GROUP_PERMISSIONS.map(({ groupName, permissions }) => ({
        groupName,
        permissions: [...permissions],
      })),
      name: 'edp-default',
      projectKeyPattern: '.+',
      sonarOwner: 'sonar',
    },
  };
}

/**
 * SonarQube (seed 001): when any product lists `tools.sonarqube`, one file
 * `sonarqube/edp-default.yaml` with the `edp-default` permission template for the
 * edp-sonar-operator. Grants name the template's groups per product level: `write` →
 * `sonar-developers`, `read` → `non-interactive-users`, and `sonar-administrators` at
 * `admin` for products with `customerAdmin`. The template matches every project key
 * (`.+`), so a group's rights are not limited to the product the grant names.
 */
export function compileSonarQube(graph: AccessGraph): ToolOutput {
  const grants: Grant[] = [];
  for (const { product } of graph.products) {
    const listed = product.tools.sonarqube;
    if (!listed) continue;
    const levels: GrantLevel[] = (['read', 'write'] as const).filter((l) => listed.includes(l));
    if (product.customerAdmin) levels.push('admin');
    for (const level of levels) {
      const group = LEVEL_GROUP[level];
      const permissions =
        EDP_DEFAULT_GROUP_PERMISSIONS.find((entry) => entry.groupName === group)?.permissions ?? [];
      grants.push({
        tool: 'sonarqube',
        subject: { kind: 'group', name: group },
        permission: `${permissions.join(', ')} (template edp-default)`,
        level,
        product: product.name,
        file: SONAR_TEMPLATE_PATH,
      });
    }
  }
  if (!graph.products.some(({ product }) => product.tools.sonarqube))
    return { tool: 'sonarqube', files: [], grants };
  const file = {
    path: SONAR_TEMPLATE_PATH,
    content: generatedYaml([edpDefaultTemplate()]),
    objects: ['SonarPermissionTemplate edp-default'],
  };
  return { tool: 'sonarqube', files: [file], grants };
}
