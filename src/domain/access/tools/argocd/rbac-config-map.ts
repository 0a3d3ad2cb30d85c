import { ConfigMap } from 'kubernetes-models/v1';
import { MANAGED_LABELS } from '../shared/labels.js';
import { ARGOCD_NAMESPACE } from './app-project.js';
import { globalRoleSubject, policyLines, type ProjectRoleSpec } from './project-roles.js';

/** `argocd/argocd-rbac-cm.yaml`. */
export const RBAC_CONFIG_MAP_PATH = 'argocd/argocd-rbac-cm.yaml';

/** `argocd/policy.csv`: every project role as a global role, for offline checks only. */
export const POLICY_FILE_PATH = 'argocd/policy.csv';

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

/** `g, <group>, role:admin` for each platform admin group, sorted. */
function adminBindings(adminGroups: readonly string[]): string[] {
  return [...new Set(adminGroups)]
    .map((group) => `g, ${csvField(group)}, ${PLATFORM_ADMIN_ROLE}`)
    .sort();
}

/**
 * `argocd/policy.csv`: every project role again as a global role `role:<project>-<role>`
 * with its `p` lines and a `g` line per bound group, then the platform admins' bindings.
 * `p` lines first, then `g` lines, each sorted, so the text is stable. Not applied: Argo CD
 * enforces the AppProjects' own roles. It is there so `argocd admin settings rbac can …
 * --policy-file argocd/policy.csv` can answer any question offline, which it cannot do for
 * AppProject roles.
 */
export function policyCsv(
  projects: readonly ProjectPolicy[],
  adminGroups: readonly string[],
): string {
  const permissions: string[] = [];
  const bindings: string[] = adminBindings(adminGroups);
  for (const { project, roles } of projects)
    for (const role of roles) {
      const subject = globalRoleSubject(project, role);
      permissions.push(...policyLines(subject, role));
      for (const group of role.groups) bindings.push(`g, ${csvField(group)}, ${subject}`);
    }
  const lines = [...sortedUniqueLines(permissions), ...sortedUniqueLines(bindings)];
  return lines.map((line) => `${line}\n`).join('');
}

function sortedUniqueLines(lines: string[]): string[] {
  return [...new Set(lines)].sort();
}

/**
 * The `argocd-rbac-cm` ConfigMap: no default access, groups from the token's `groups` claim,
 * and `role:admin` for the platform admin groups. The project roles stay in the AppProjects
 * only: a global copy of them grows with every product, and the API server refuses a
 * ConfigMap over 1 MiB (about 250 products). Validated against the ConfigMap schema.
 */
export function rbacConfigMap(adminGroups: readonly string[]): ConfigMap {
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
      'policy.csv': adminBindings(adminGroups)
        .map((line) => `${line}\n`)
        .join(''),
      // Match bindings against the token's `groups` claim, where the IdP groups arrive.
      scopes: '[groups]',
    },
  });
  configMap.validate();
  return configMap;
}
