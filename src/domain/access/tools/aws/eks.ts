import type { Grant } from '../../access-output.js';
import { productClusterName } from '../../../tenancy/tenancy-schema.js';
import { compareText } from '../../serialize.js';
import {
  namespacesOnCluster,
  type AwsCluster,
  type AwsContext,
  type AwsProduct,
  type AwsSink,
} from './aws-context.js';
import {
  AWS_PATHS,
  EKS_ADMIN_POLICY,
  EKS_CLUSTER_ADMIN_POLICY,
  clusterAdminRoleName,
  eksClusterArn,
  iamRoleArn,
  namespaceAdminGroup,
  namespaceAdminRoleName,
} from './aws-names.js';
import { awsAuthFile } from './aws-auth.js';
import { accountTrust, policyDocument, roleFiles, type IamRole } from './iam-documents.js';
import { reference, type TerraformProject } from './terraform.js';

/** A product's namespace-limited role on one cluster (seed 002's second level). */
export interface NamespaceRole {
  readonly product: string;
  readonly role: IamRole;
  readonly namespaces: readonly string[];
  /** The Kubernetes group aws-auth maps the role to. */
  readonly group: string;
}

/** One cluster's two levels of access (seed 002). */
export interface ClusterAccess {
  readonly cluster: AwsCluster;
  readonly adminRole: IamRole;
  readonly namespaceRoles: readonly NamespaceRole[];
}

/**
 * `aws eks update-kubeconfig` needs DescribeCluster, and the console's cluster view (seed
 * 002: "view their cluster" in the AWS web console) needs AccessKubernetesApi; both scoped
 * to the one cluster. What the role may do inside Kubernetes is the access policy's or
 * aws-auth's business, not IAM's.
 */
function eksRole(
  cluster: AwsCluster,
  name: string,
  description: string,
  product: string | undefined,
): IamRole {
  return {
    name,
    account: cluster.account,
    arn: iamRoleArn(cluster.account, name),
    description,
    trust: accountTrust(cluster.account),
    policy: policyDocument({
      Sid: 'UseCluster',
      Effect: 'Allow',
      Action: ['eks:AccessKubernetesApi', 'eks:DescribeCluster'],
      Resource: eksClusterArn(cluster.region, cluster.account, cluster.name),
    }),
    githubOidc: false,
    product,
  };
}

/**
 * Seed 002: "The first level has cluster-wide administrator access and the second has admin
 * access that is limited to a specific kubernetes namespace". One cluster-admin role per
 * cluster, and one namespace-limited role per product running on it, covering only the
 * product's namespaces on that cluster (`{ name, namespaces }`; a plain name: all of them).
 * A product without namespaces there gets no namespace role: it would have nothing to
 * administer.
 */
export function clusterAccess(
  context: AwsContext,
  products: readonly AwsProduct[],
): ClusterAccess[] {
  for (const product of products)
    for (const name of product.aws.clusters.map(productClusterName))
      if (!context.clusters.has(name))
        throw new TypeError(`product ${product.name} names unknown cluster ${name}`);
  return [...context.clusters.values()]
    .sort((a, b) => compareText(a.name, b.name))
    .map((cluster) => ({
      cluster,
      adminRole: eksRole(
        cluster,
        clusterAdminRoleName(cluster.name),
        `Cluster-wide administrator of EKS cluster ${cluster.name}`,
        undefined,
      ),
      namespaceRoles: products
        .map((product) => ({ product, namespaces: namespacesOnCluster(product, cluster.name) }))
        .filter(({ namespaces }) => namespaces.length > 0)
        .sort((a, b) => compareText(a.product.name, b.product.name))
        .map(({ product, namespaces }) => ({
          product: product.name,
          role: eksRole(
            cluster,
            namespaceAdminRoleName(cluster.name, product.name),
            `Administrator of ${product.name}'s namespaces on EKS cluster ${cluster.name}`,
            product.name,
          ),
          namespaces,
          group: namespaceAdminGroup(product.name),
        })),
    }));
}

function roleSubject(role: IamRole): Grant['subject'] {
  return { kind: 'group', name: `iam-role:${role.arn}` };
}

/** An access entry for the role and its one policy association, scoped to `namespaces` or, without them, to the cluster. */
function addAccessEntry(
  project: TerraformProject,
  file: string,
  cluster: AwsCluster,
  roleAddress: string,
  name: string,
  policyArn: string,
  namespaces: readonly string[] | undefined,
): void {
  const provider = project.provider(cluster.account, cluster.region);
  const entry = project.add(file, 'aws_eks_access_entry', name, {
    provider,
    cluster_name: cluster.name,
    principal_arn: reference(roleAddress, 'arn'),
    type: 'STANDARD',
  });
  project.add(file, 'aws_eks_access_policy_association', name, {
    provider,
    cluster_name: cluster.name,
    // Through the entry, so Terraform creates the entry before associating a policy.
    principal_arn: reference(entry, 'principal_arn'),
    policy_arn: policyArn,
    access_scope:
      namespaces === undefined ? { type: 'cluster' } : { type: 'namespace', namespaces },
  });
}

/**
 * Writes a cluster's roles, its access entries (when the cluster uses them) and its
 * aws-auth ConfigMap (when it uses that), with a grant per role, namespace and mechanism.
 */
export function emitCluster(access: ClusterAccess, project: TerraformProject, sink: AwsSink): void {
  const { cluster, adminRole } = access;
  const clustersFile = AWS_PATHS.clustersTerraform;
  sink.files.push(...roleFiles(adminRole));
  const adminAddress = project.addRole(clustersFile, adminRole);
  if (cluster.accessEntries) {
    addAccessEntry(
      project,
      clustersFile,
      cluster,
      adminAddress,
      adminRole.name,
      EKS_CLUSTER_ADMIN_POLICY,
      undefined,
    );
    sink.grants.push({
      tool: 'aws',
      subject: roleSubject(adminRole),
      permission: `AmazonEKSClusterAdminPolicy on cluster ${cluster.name}`,
      level: 'admin',
      cluster: cluster.name,
      file: clustersFile,
    });
  }

  for (const { product, role, namespaces, group } of access.namespaceRoles) {
    const file = AWS_PATHS.productTerraform(product);
    sink.files.push(...roleFiles(role));
    const address = project.addRole(file, role);
    if (cluster.accessEntries) {
      addAccessEntry(project, file, cluster, address, role.name, EKS_ADMIN_POLICY, namespaces);
      for (const namespace of namespaces)
        sink.grants.push({
          tool: 'aws',
          subject: roleSubject(role),
          permission: `AmazonEKSAdminPolicy on namespace ${namespace}`,
          level: 'admin',
          product,
          namespace,
          cluster: cluster.name,
          file,
        });
    }
    if (cluster.awsAuth)
      for (const namespace of namespaces)
        sink.grants.push({
          tool: 'aws',
          subject: roleSubject(role),
          permission: `ClusterRole admin on namespace ${namespace} (aws-auth group ${group})`,
          level: 'admin',
          product,
          namespace,
          cluster: cluster.name,
          file: AWS_PATHS.awsAuth(cluster.name),
        });
  }

  if (cluster.awsAuth) {
    sink.files.push(awsAuthFile(access));
    sink.grants.push({
      tool: 'aws',
      subject: roleSubject(adminRole),
      permission: `system:masters on cluster ${cluster.name} (aws-auth)`,
      level: 'admin',
      cluster: cluster.name,
      file: AWS_PATHS.awsAuth(cluster.name),
    });
  }
}
