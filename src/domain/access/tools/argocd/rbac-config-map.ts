import { ConfigMap } from 'kubernetes-models/v1';
import { compareText } from '../../serialize.js';
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

/** One project's part of the global policy: its lines, each ending in a line break. */
export interface ProjectPolicy {
  readonly project: string;
  readonly lines: string;
}

/** `g, <group>, role:admin` for each platform admin group, sorted. */
function adminBindings(adminGroups: readonly string[]): string[] {
  return [...new Set(adminGroups)]
    .map((group) => `g, ${csvField(group)}, ${PLATFORM_ADMIN_ROLE}`)
    .sort();
}

/**
 * Lines joined at once, each ending in a line break: a text concatenated line by line stays
 * a tree of every line until it is written.
 */
function joinLines(lines: string[]): string {
  lines.push('');
  return lines.join('\n');
}

/**
 * A project's roles as global roles `role:<project>:<role>`: each role's `p` lines followed
 * by a `g` line per bound group. Made as each project is rendered, so the roles need not be
 * kept until the file is written.
 */
export function projectPolicy(project: string, roles: readonly ProjectRoleSpec[]): ProjectPolicy {
  const lines: string[] = [];
  // Grouped per role rather than sorted as a whole: the roles arrive sorted, each subject is
  // its project's own, and sorting 100,000 lines was a fifth of the Argo CD render.
  for (const role of roles) {
    const subject = globalRoleSubject(project, role);
    lines.push(...policyLines(subject, role));
    for (const group of role.groups) lines.push(`g, ${csvField(group)}, ${subject}`);
  }
  return { project, lines: joinLines(lines) };
}

/**
 * `argocd/policy.csv`: every project's {@link projectPolicy}, projects in name order, then
 * the platform admins' bindings. Not applied: Argo CD enforces the AppProjects' own roles.
 * It is there so `argocd admin settings rbac can … --policy-file argocd/policy.csv` can
 * answer any question offline, which it cannot do for AppProject roles.
 */
export function policyCsv(
  projects: readonly ProjectPolicy[],
  adminGroups: readonly string[],
): string {
  return [
    ...[...projects].sort((a, b) => compareText(a.project, b.project)).map((each) => each.lines),
    joinLines(adminBindings(adminGroups)),
  ].join('');
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
