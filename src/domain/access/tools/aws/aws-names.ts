/**
 * Names, ARNs and output paths of the AWS generator, in one place so the IAM documents,
 * the Terraform, the aws-auth ConfigMap and the README cannot disagree about them.
 */

/** The audience GitHub Actions puts in tokens it mints for AWS (`aws-actions/configure-aws-credentials`). */
export const GITHUB_AUDIENCE = 'sts.amazonaws.com';

/** Managed EKS access policies (seed 002's two levels: cluster-wide and namespace-limited). */
export const EKS_CLUSTER_ADMIN_POLICY =
  'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
export const EKS_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';

/** The Kubernetes ClusterRole a namespace-limited role gets in its namespaces via aws-auth. */
export const NAMESPACE_CLUSTER_ROLE = 'admin';

export function accountRootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

export function iamRoleArn(account: string, role: string): string {
  return `arn:aws:iam::${account}:role/${role}`;
}

export function oidcProviderArn(account: string, host: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${host}`;
}

/** Seed 000: a team's secrets are those named `customer/<secretsNamespace>/…`. */
export function secretsPrefix(secretsNamespace: string): string {
  return `customer/${secretsNamespace}/*`;
}

export function secretsPrefixArn(region: string, account: string, namespace: string): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:${secretsPrefix(namespace)}`;
}

export function ecrRepositoryArn(region: string, account: string, repository: string): string {
  return `arn:aws:ecr:${region}:${account}:repository/${repository}`;
}

export function eksClusterArn(region: string, account: string, cluster: string): string {
  return `arn:aws:eks:${region}:${account}:cluster/${cluster}`;
}

export function secretsRoleName(product: string): string {
  return `${product}-secrets`;
}

export function ecrPushRoleName(product: string): string {
  return `${product}-ecr-push`;
}

export function clusterAdminRoleName(cluster: string): string {
  return `${cluster}-cluster-admin`;
}

export function namespaceAdminRoleName(cluster: string, product: string): string {
  return `${cluster}-${product}-namespace-admin`;
}

/** The Kubernetes group aws-auth maps a product's namespace-limited role to. */
export function namespaceAdminGroup(product: string): string {
  return `${product}-namespace-admins`;
}

/** IAM's limit on role names; longer names are rejected by CreateRole. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/** Output paths, all under the tool's folder `aws/`. */
export const AWS_PATHS = {
  readme: 'aws/README.md',
  accountsTerraform: 'aws/terraform/accounts.tf.json',
  clustersTerraform: 'aws/terraform/clusters.tf.json',
  trust: (role: string) => `aws/iam/${role}.trust.json`,
  policy: (role: string) => `aws/iam/${role}.policy.json`,
  ecrPolicy: (repository: string) => `aws/ecr/${repository.replaceAll('/', '-')}.policy.json`,
  productTerraform: (product: string) => `aws/terraform/${product}.tf.json`,
  awsAuth: (cluster: string) => `aws/eks/${cluster}/aws-auth.yaml`,
} as const;

/** Terraform file names the generator uses for itself; a product must not take them. */
export const RESERVED_TERRAFORM_NAMES: readonly string[] = ['accounts', 'clusters'];

/**
 * A Terraform identifier for a name the model gives (role, repository, account). Terraform
 * allows letters, digits, `_` and `-`, starting with a letter or `_`. `/` becomes `__` and
 * `.` becomes `_-`: neither pair occurs in ECR or IAM names the schema admits (separators
 * never repeat), so distinct names stay distinct.
 */
export function terraformName(name: string): string {
  const escaped = name.replaceAll('/', '__').replaceAll('.', '_-');
  return /^[A-Za-z_]/.test(escaped) ? escaped : `_${escaped}`;
}
