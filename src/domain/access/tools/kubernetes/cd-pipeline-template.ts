import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { ProductAccess } from '../../access-graph.js';
import type { AccessFile, Grant } from '../../access-output.js';
import { NO_HOLDERS, unionHolders } from '../../role-holders.js';
import { generatedYaml } from '../../serialize.js';
import { productLabels } from '../shared/labels.js';
import {
  boundSubjects,
  RBAC_GROUP,
  uniqueRbacSubjects,
  type BoundSubject,
  type KubernetesAccounts,
} from './namespace-access.js';

/** The RoleBinding cd-pipeline-operator creates in each namespace it makes (seed 001). */
export const CD_PIPELINE_BINDING = 'tenant-admin';

/** Kubernetes' built-in namespace administrator role (not `cluster-admin`). */
const NAMESPACE_ADMIN_ROLE = 'admin';

/** Where a product's template goes: `kubernetes/cd-pipeline/<product>/tenant-admin.yaml`. */
export function cdPipelineTemplatePath(product: string): string {
  return `kubernetes/cd-pipeline/${product}/${CD_PIPELINE_BINDING}.yaml`;
}

/**
 * The grant subjects' namespace: the template names none, the pipeline's stages do. It is
 * no namespace of the model, so `who-can --namespace` never counts it for a listed one.
 */
export const CD_PIPELINE_NAMESPACES = '(namespaces the CD pipeline creates)';

/**
 * Seed 001: "tenant-admin RoleBinding assign the admin role to edp-oidc-admins and
 * edp-oidc-developers groups". Admins count only where the product opts in to customer
 * admin (as for the product's own namespaces); developers always, as the seed says.
 */
function templateSubjects(access: ProductAccess, accounts: KubernetesAccounts): BoundSubject[] {
  const admins = access.product.customerAdmin ? access.roles.admin : NO_HOLDERS;
  return boundSubjects(unionHolders(admins, access.roles.developer), accounts);
}

/**
 * The `tenant-admin` RoleBinding for the namespaces KubeRocketCI's cd-pipeline-operator
 * creates for a product's CD pipeline stages, as a template: no `metadata.namespace`, so
 * the pipeline applies it into each stage namespace (`kubectl apply -n <namespace> -f`, or
 * kustomize's `namespace:`). Validated. Undefined when nobody would be bound.
 */
export function cdPipelineTemplate(
  access: ProductAccess,
  accounts: KubernetesAccounts,
): { file: AccessFile; grants: Grant[] } | undefined {
  const subjects = templateSubjects(access, accounts);
  if (subjects.length === 0) return undefined;
  const product = access.product.name;
  const binding = new RoleBinding({
    metadata: {
      name: CD_PIPELINE_BINDING,
      labels: productLabels(product),
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: NAMESPACE_ADMIN_ROLE },
    subjects: uniqueRbacSubjects(subjects),
  });
  binding.validate();
  const path = cdPipelineTemplatePath(product);
  return {
    file: {
      path,
      content: generatedYaml([binding.toJSON()]),
      objects: [`RoleBinding ${CD_PIPELINE_BINDING} (template, no namespace)`],
    },
    grants: subjects.map(({ grant }) => ({
      tool: 'kubernetes',
      subject: grant,
      permission: `ClusterRole ${NAMESPACE_ADMIN_ROLE}`,
      level: 'admin',
      product,
      namespace: CD_PIPELINE_NAMESPACES,
      file: path,
    })),
  };
}
