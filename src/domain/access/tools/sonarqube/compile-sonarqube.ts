import type { KubeRocketCiApiVersion } from '../../../tenancy/kuberocketci-schema.js';
import type { AccessGraph } from '../../access-graph.js';
import type { AccessFile, Grant, GrantLevel, ToolOutput } from '../../access-output.js';
import { compareText, generatedYaml } from '../../serialize.js';
import type {
  SonarPermission,
  SonarPermissionTemplate,
} from './sonar-permission-template-schema.js';

/**
 * One file per `Sonar` custom resource the organizations name (`kuberocketci.sonar`):
 * organizations sharing a SonarQube share its one `edp-default` template.
 */
export const sonarTemplatePath = (sonar: string): string => `sonarqube/${sonar}/edp-default.yaml`;

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

const NAME = 'edp-default';
const DESCRIPTION = 'EDP permission templates (DO NOT REMOVE)';

/**
 * The `edp-default` SonarPermissionTemplate of the `Sonar` named `sonar`: in
 * `v2.edp.epam.com/v1` exactly as seed 001 prints it (for `sonar: sonar`); in
 * `edp.epam.com/v1alpha1` the same groups and rights as a `groupsPermissions` map with the
 * required `sonarRef`. `default` is left unset in both: which template is the default stays
 * with the `Sonar` resource (`defaultPermissionTemplate`), as in seed 001's generation.
 */
export function edpDefaultTemplate(
  apiVersion: KubeRocketCiApiVersion,
  sonar: string,
): SonarPermissionTemplate {
  const metadata = { name: NAME };
  if (apiVersion === 'v2.edp.epam.com/v1')
    return {
      apiVersion,
      kind: 'SonarPermissionTemplate',
      metadata,
      spec: {
        description: DESCRIPTION,
        groupPermissions: EDP_DEFAULT_GROUP_PERMISSIONS.map(({ groupName, permissions }) => ({
          groupName,
          permissions: [...permissions],
        })),
        name: NAME,
        projectKeyPattern: '.+',
        sonarOwner: sonar,
      },
    };
  return {
    apiVersion,
    kind: 'SonarPermissionTemplate',
    metadata,
    spec: {
      description: DESCRIPTION,
      groupsPermissions: Object.fromEntries(
        EDP_DEFAULT_GROUP_PERMISSIONS.map(({ groupName, permissions }) => [
          groupName,
          [...permissions],
        ]),
      ),
      name: NAME,
      projectKeyPattern: '.+',
      sonarRef: { name: sonar, kind: 'Sonar' },
    },
  };
}

/**
 * SonarQube (seed 001): for each `Sonar` resource (`kuberocketci.sonar` of the
 * organizations) that a product with `tools.sonarqube` uses, one file
 * `sonarqube/<sonar>/edp-default.yaml` with the `edp-default` permission template in the
 * organization's API generation (`kuberocketci.apiVersion`; the model checks make
 * organizations sharing a Sonar agree). Grants name the template's groups per product
 * level: `write` → `sonar-developers`, `read` → `non-interactive-users`, and
 * `sonar-administrators` at `admin` for products with `customerAdmin`. The template
 * matches every project key (`.+`), so a group's rights are not limited to the product
 * the grant names.
 */
export function compileSonarQube(graph: AccessGraph): ToolOutput {
  const grants: Grant[] = [];
  const sonars = new Map<string, KubeRocketCiApiVersion>();
  for (const { organization, product } of graph.products) {
    const listed = product.tools.sonarqube;
    if (!listed) continue;
    const { sonar, apiVersion } = organization.kuberocketci;
    if (!sonars.has(sonar)) sonars.set(sonar, apiVersion);
    const levels: GrantLevel[] = (['read', 'write'] as const).filter((l) => listed.includes(l));
    if (product.customerAdmin) levels.push('admin');
    for (const level of levels) {
      const group = LEVEL_GROUP[level];
      const permissions =
        EDP_DEFAULT_GROUP_PERMISSIONS.find((entry) => entry.groupName === group)?.permissions ?? [];
      grants.push({
        tool: 'sonarqube',
        subject: { kind: 'group', name: group },
        permission: `${permissions.join(', ')} (template ${NAME})`,
        level,
        product: product.name,
        file: sonarTemplatePath(sonar),
      });
    }
  }
  const files: AccessFile[] = [...sonars]
    .sort(([a], [b]) => compareText(a, b))
    .map(([sonar, apiVersion]) => ({
      path: sonarTemplatePath(sonar),
      content: generatedYaml([edpDefaultTemplate(apiVersion, sonar)]),
      objects: [`SonarPermissionTemplate ${NAME}`],
    }));
  return { tool: 'sonarqube', files, grants };
}
