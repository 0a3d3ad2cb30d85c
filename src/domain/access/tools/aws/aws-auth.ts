import { productLabels } from '../shared/labels.js';
import { ConfigMap } from 'kubernetes-models/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { AccessFile } from '../../access-output.js';
import { generatedYaml, toYaml } from '../../serialize.js';
import { AWS_PATHS, NAMESPACE_CLUSTER_ROLE } from './aws-names.js';
import type { ClusterAccess } from './eks.js';

/** One `mapRoles` entry of the aws-auth ConfigMap, as EKS's authenticator reads it. */
export interface MapRole {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

/**
 * The platform's `mapRoles` for a cluster. Seed 002: "The mapping between an IAM role and a
 * kubernetes principal is configured in the aws-auth ConfigMap in the kube-system
 * namespace". `{{SessionName}}` puts the assuming person's session name into the
 * Kubernetes user name, so the audit log shows who used a shared role.
 */
export function mapRoles(access: ClusterAccess): MapRole[] {
  return [
    {
      rolearn: access.adminRole.arn,
      username: `${access.adminRole.name}:{{SessionName}}`,
      groups: ['system:masters'],
    },
    ...access.namespaceRoles.map(({ role, group }) => ({
      rolearn: role.arn,
      username: `${role.name}:{{SessionName}}`,
      groups: [group],
    })),
  ];
}

/**
 * The cluster's aws-auth ConfigMap and, for each namespace-limited role, a RoleBinding of
 * its group to the `admin` ClusterRole in each of the product's namespaces (the group alone
 * grants nothing). Every object is validated against the Kubernetes schema.
 */
export function awsAuthObjects(access: ClusterAccess): (ConfigMap | RoleBinding)[] {
  const configMap = new ConfigMap({
    metadata: { name: 'aws-auth', namespace: 'kube-system' },
    data: { mapRoles: toYaml(mapRoles(access)) },
  });
  const bindings = access.namespaceRoles.flatMap(({ product, namespaces, group }) =>
    namespaces.map(
      (namespace) =>
        new RoleBinding({
          metadata: {
            name: group,
            namespace,
            labels: productLabels(product),
          },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: NAMESPACE_CLUSTER_ROLE,
          },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
        }),
    ),
  );
  const objects = [configMap, ...bindings];
  for (const object of objects) object.validate();
  return objects;
}

/** `aws/eks/<cluster>/aws-auth.yaml`. */
export function awsAuthFile(access: ClusterAccess): AccessFile {
  const objects = awsAuthObjects(access);
  return {
    path: AWS_PATHS.awsAuth(access.cluster.name),
    content: generatedYaml(objects.map((object) => object.toJSON())),
    objects: objects.map(
      (object) => `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`,
    ),
  };
}
