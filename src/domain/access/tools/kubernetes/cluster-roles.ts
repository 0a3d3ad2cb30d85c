import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import { LABEL_PREFIX, MANAGED_LABELS } from '../shared/labels.js';

/** The tenant ClusterRoles of seed 001's RoleBinding table that the platform defines itself. */
export const TENANT_CLUSTER_ROLES = [
  'tenant-builder',
  'tenant-deployer',
  'tenant-developer',
] as const;
export type TenantClusterRole = (typeof TENANT_CLUSTER_ROLES)[number];

/**
 * The label that adds a ClusterRole's rules to a tenant ClusterRole, e.g.
 * `platform.example.io/aggregate-to-tenant-builder: "true"`.
 */
export function aggregationLabel(role: TenantClusterRole): string {
  return `${LABEL_PREFIX}/aggregate-to-${role}`;
}

/** The ClusterRole carrying the platform's default rules for a tenant role. */
export function defaultsRoleName(role: TenantClusterRole): string {
  return `${role}-defaults`;
}

/**
 * Default rules per tenant role. Reading is not repeated here: every holder of these roles
 * is also bound to `view` (seed 001: extension groups extend `edp-oidc-viewers`).
 */
const DEFAULT_RULES: Readonly<Record<TenantClusterRole, readonly IPolicyRule[]>> = {
  // Seed 001 "Build: Starting a PipelineRun from KubeRocketCI portal". Creating is enough:
  // Tekton aggregates its own read rights to `view`; deleting runs would erase build history.
  'tenant-builder': [{ apiGroups: ['tekton.dev'], resources: ['pipelineruns'], verbs: ['create'] }],
  // Seed 001 "Deploy: Deploying a new version of application via Argo CD Application": a new
  // version is a change to an existing Application. Argo CD does not aggregate to `view`, so
  // reading is granted here; creating or deleting Applications stays with the GitOps repository.
  'tenant-deployer': [
    {
      apiGroups: ['argoproj.io'],
      resources: ['applications'],
      verbs: ['get', 'list', 'watch', 'update', 'patch'],
    },
  ],
  // Seed 000 "write … restart a service or similar operations" and seed 001 "developer group
  // members come … with the permissions to initiate pipelines". Desired state comes from
  // Git through Argo CD, so no edit of ConfigMaps, Secrets or Services (it would drift and
  // be reverted), and no exec/attach/port-forward, which reach Secrets and bypass the audit
  // of changes; operators add such rights through the aggregation label.
  'tenant-developer': [
    {
      // `kubectl rollout restart` is a patch of the pod template.
      apiGroups: ['apps'],
      resources: ['deployments', 'statefulsets', 'daemonsets'],
      verbs: ['patch'],
    },
    { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
    // `kubectl create job --from=cronjob/…` re-runs a scheduled job.
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete'] },
    { apiGroups: ['tekton.dev'], resources: ['pipelineruns'], verbs: ['create'] },
  ],
};

/**
 * The tenant ClusterRoles: for each of `tenant-builder|deployer|developer` an aggregated
 * ClusterRole (rules filled in by the controller from every ClusterRole labelled with
 * {@link aggregationLabel}, so operators extend a role by adding a labelled ClusterRole)
 * and the `<role>-defaults` ClusterRole with the platform's rules. Validated.
 */
export function tenantClusterRoles(): ClusterRole[] {
  const roles = TENANT_CLUSTER_ROLES.flatMap((role) => [
    new ClusterRole({
      metadata: { name: role, labels: { ...MANAGED_LABELS } },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [aggregationLabel(role)]: 'true' } }],
      },
      // The control plane fills the rules in from the labelled ClusterRoles.
      rules: [],
    }),
    new ClusterRole({
      metadata: {
        name: defaultsRoleName(role),
        labels: { ...MANAGED_LABELS, [aggregationLabel(role)]: 'true' },
      },
      rules: DEFAULT_RULES[role].map((rule) => ({ ...rule })),
    }),
  ]);
  for (const role of roles) role.validate();
  return roles;
}

/** Seed 001: the ClusterRole KubeRocketCI provides for viewing its custom resources. */
export const KUBEROCKETCI_VIEW_ROLE = 'edp-aggregate-view-edp';

/** The label that adds a ClusterRole's rules to Kubernetes' built-in `view` role. */
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

/**
 * KubeRocketCI's API groups: `v2.edp.epam.com` (Codebase, CDPipeline, Stage, and the 2.x
 * operators' resources) and `edp.epam.com` (the 3.x operators' resources).
 */
export const KUBEROCKETCI_API_GROUPS = ['edp.epam.com', 'v2.edp.epam.com'] as const;

/**
 * `edp-aggregate-view-edp`: read (get/list/watch) of every KubeRocketCI resource, labelled
 * into `view`, so everyone bound to `view` in a namespace (seed 001's `tenant-viewer`) sees
 * its codebases, pipelines and stages there. Only reads: the groups hold no Secrets.
 * Validated.
 */
export function kuberocketciViewRole(): ClusterRole {
  const role = new ClusterRole({
    metadata: {
      name: KUBEROCKETCI_VIEW_ROLE,
      labels: { ...MANAGED_LABELS, [AGGREGATE_TO_VIEW]: 'true' },
    },
    rules: [
      {
        apiGroups: [...KUBEROCKETCI_API_GROUPS],
        resources: ['*'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  });
  role.validate();
  return role;
}
