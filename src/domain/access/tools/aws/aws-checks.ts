import type { FieldError } from '../../../errors.js';
import { productClusterName, type Tenancy } from '../../../tenancy/tenancy-schema.js';
import {
  AWS_PATHS,
  IAM_ROLE_NAME_MAX_LENGTH,
  RESERVED_TERRAFORM_NAMES,
  clusterAdminRoleName,
  ecrPushRoleName,
  namespaceAdminRoleName,
  secretsRoleName,
} from './aws-names.js';

/**
 * Checks on the names the AWS generator derives (role names, policy file names, Terraform
 * file names), each with its key path. The cross-references of the AWS settings themselves
 * (unknown clusters, a missing registry, shared namespaces) are in the tenancy model checks;
 * here only what would make two generated things collide or AWS refuse a name.
 */
export function checkAwsNames(model: Tenancy): FieldError[] {
  const problems: FieldError[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const aws = model.aws;
  if (!aws) return problems;
  const clusters = new Set(aws.clusters.map((cluster) => cluster.name));

  // Role documents are written to aws/iam/<role>.*.json: a name must be unique across accounts.
  const roles = new Map<string, string>();
  const role = (name: string, at: string): void => {
    if (name.length > IAM_ROLE_NAME_MAX_LENGTH)
      report(at, `IAM role name '${name}' is longer than ${IAM_ROLE_NAME_MAX_LENGTH} characters`);
    const before = roles.get(name);
    if (before) report(at, `IAM role '${name}' would also be created for ${before}`);
    else roles.set(name, at);
  };
  aws.clusters.forEach((cluster, i) => {
    role(clusterAdminRoleName(cluster.name), `aws.clusters.${i}.name`);
  });

  // ECR policy files replace `/` with `-`: `a/b-c` and `a-b/c` would share one file.
  const files = new Map<string, string>();
  const file = (repository: string, at: string): void => {
    const path = AWS_PATHS.ecrPolicy(repository);
    const before = files.get(path);
    if (before) report(at, `repository '${repository}' would share ${path} with ${before}`);
    else files.set(path, at);
  };
  aws.registry?.shared.forEach((name, i) => {
    file(name, `aws.registry.shared.${i}`);
  });

  model.organizations.forEach((organization, o) =>
    organization.products.forEach((product, p) => {
      const at = `organizations.${o}.products.${p}`;
      if (!product.aws) return;
      if (RESERVED_TERRAFORM_NAMES.includes(product.name))
        report(
          `${at}.name`,
          `'${product.name}' is reserved for aws/terraform/${product.name}.tf.json; rename the product`,
        );
      product.aws.clusters.map(productClusterName).forEach((name, i) => {
        if (clusters.has(name) && product.namespaces.length > 0)
          role(namespaceAdminRoleName(name, product.name), `${at}.aws.clusters.${i}`);
      });
      const hasRepositories = product.repositories.length > 0;
      if (product.secretsNamespace !== undefined && hasRepositories)
        role(secretsRoleName(product.name), `${at}.secretsNamespace`);
      const namespace = product.registryNamespace;
      if (namespace === undefined || product.aws.images.length === 0) return;
      if (hasRepositories) role(ecrPushRoleName(product.name), `${at}.registryNamespace`);
      product.aws.images.forEach((image, i) => {
        file(`${namespace}/${image}`, `${at}.aws.images.${i}`);
      });
    }),
  );
  return problems;
}
