import { ConfigMap } from 'kubernetes-models/v1';
import { MANAGED_LABELS } from '../shared/labels.js';
import { ARGOCD_NAMESPACE } from './app-project.js';
import { globalRoleSubject, policyLines, type ProjectRoleSpec } from './project-roles.js';

/** `argocd/argocd-rbac-cm.yaml`. */
export const RBAC_CONFIG_MAP_PATH = 'argocd/argocd-rbac-cm.yaml';

/** Argo CD's built-in superuser role, for the model's platform admin groups. */
export const PLATFORM_ADMIN_ROLE = 'role:admin';

/**
 * A field of a policy line. Casbin reads each line as CSV, so an IdP group name with a comma
 * or a quote (the model allows both) is quoted, as RFC 4180 says, instead of splitting.
 */
export function csvField(value: string): string {
  return /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The roles of one product's project, for the global policy. */
export interface ProjectPolicy {
  readonly project: string;
  readonly roles: readonly ProjectRoleSpec[];
}

/**
 * `policy.csv`: every project role again as a global role `role:<project>-<role>` with its
 * `p` lines and a `g` line per bound group, then `g, <group>, role:admin` for the platform
 * admin groups. `p` lines first, then `g` lines, each sorted, so the text is stable.
 */
export function policyCsv(
  projects: readonly ProjectPolicy[],
  adminGroups: readonly string[],
): string {
  const permissions = new Set<string>();
  const bindings = new Set<string>();
  for (const { project, roles } of projects)
    for (const role of roles) {
      const subject = globalRoleSubject(project, role);
      for (const line of policyLines(subject, role)) permissions.add(line);
      for (const group of role.groups) bindings.add(`g, ${csvField(group)}, ${subject}`);
    }
  for (const group of adminGroups) bindings.add(`g, ${csvField(group)}, ${PLATFORM_ADMIN_ROLE}`);
  const lines = [...[...permissions].sort(), ...[...bindings].sort()];
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * The `argocd-rbac-cm` ConfigMap. The project roles already work through the AppProjects;
 * the global copy puts the whole policy in one object, so `argocd admin settings rbac can
 * --policy-file` can check any question offline, which it cannot do for AppProject roles.
 * Validated against the ConfigMap schema.
 */
export function rbacConfigMap(
  projects: readonly ProjectPolicy[],
  adminGroups: readonly string[],
): ConfigMap {
  const configMap = new ConfigMap({
    metadata: {
      name: 'argocd-rbac-cm',
      namespace: ARGOCD_NAMESPACE,
      // Argo CD only reads its settings ConfigMaps when they carry `part-of: argocd`.
      labels: {
        ...MANAGED_LABELS,
        'app.kubernetes.io/name': 'argocd-rbac-cm',
        'app.kubernetes.io/part-of': 'argocd',
      },
    },
    data: {
      // Seed 000 "We don't provide customers admin access": nobody gets anything by default,
      // not even Argo CD's `role:readonly`, which would show every team's applications.
      'policy.default': '',
      'policy.csv': policyCsv(projects, adminGroups),
      // Match bindings against the token's `groups` claim, where the IdP groups arrive.
      scopes: '[groups]',
    },
  });
  configMap.validate();
  return configMap;
}
