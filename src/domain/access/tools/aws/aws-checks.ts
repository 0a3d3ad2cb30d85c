import type { FieldError } from '../../../errors.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';
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
 * Cross-references of the AWS settings the schema cannot express, each with its key path.
 * `compileAws` assumes a model without these problems (it throws `TypeError` on the ones it
 * cannot render); call this from the tenancy model checks so they surface as input errors.
 */
export function checkAwsModel(model: Tenancy): FieldError[] {
  const problems: FieldError[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const aws = model.aws;
  const clusters = new Map<string, string>();
  aws?.clusters.forEach((cluster, i) => {
    const before = clusters.get(cluster.name);
    if (before)
      report(`aws.clusters.${i}.name`, `duplicate cluster '${cluster.name}' (also ${before})`);
    else clusters.set(cluster.name, `aws.clusters.${i}`);
  });

  // Role documents are written to aws/iam/<role>.*.json: a name must be unique across accounts.
  const roles = new Map<string, string>();
  const role = (name: string, at: string): void => {
    if (name.length > IAM_ROLE_NAME_MAX_LENGTH)
      report(at, `IAM role name '${name}' is longer than ${IAM_ROLE_NAME_MAX_LENGTH} characters`);
    const before = roles.get(name);
    if (before) report(at, `IAM role '${name}' would also be created for ${before}`);
    else roles.set(name, at);
  };
  clusters.forEach((at, name) => {
    role(clusterAdminRoleName(name), `${at}.name`);
  });

  const claims = new Map<string, string>();
  const claim = (key: string, at: string, what: string): void => {
    const before = claims.get(key);
    if (before) report(at, `${what} is already used by ${before}`);
    else claims.set(key, at);
  };
  for (const name of aws?.registry?.shared ?? [])
    claim(`ecr:${AWS_PATHS.ecrPolicy(name)}`, 'aws.registry.shared', `repository '${name}'`);

  model.organizations.forEach((organization, o) =>
    organization.products.forEach((product, p) => {
      const at = `organizations.${o}.products.${p}`;
      if (!product.aws) return;
      if (!aws) {
        report(`${at}.aws`, 'needs the top-level aws settings (region, clusters, registry)');
        return;
      }
      if (RESERVED_TERRAFORM_NAMES.includes(product.name))
        report(
          `${at}.name`,
          `'${product.name}' is reserved for aws/terraform/${product.name}.tf.json`,
        );
      product.aws.clusters.forEach((name, i) => {
        if (!clusters.has(name))
          report(
            `${at}.aws.clusters.${i}`,
            `unknown cluster '${name}'; declared: ${[...clusters.keys()].join(', ') || 'none'}`,
          );
        else if (product.namespaces.length > 0)
          role(namespaceAdminRoleName(name, product.name), `${at}.aws.clusters.${i}`);
      });
      const hasRepositories = product.repositories.length > 0;
      if (product.secretsNamespace !== undefined) {
        claim(
          `secrets:${product.secretsNamespace}`,
          `${at}.secretsNamespace`,
          `secrets namespace '${product.secretsNamespace}'`,
        );
        if (hasRepositories) role(secretsRoleName(product.name), `${at}.secretsNamespace`);
      }
      const namespace = product.registryNamespace;
      if (namespace === undefined || product.aws.images.length === 0) return;
      if (!aws.registry)
        report(`${at}.aws.images`, 'images need aws.registry (the shared registry account)');
      claim(
        `registry:${namespace}`,
        `${at}.registryNamespace`,
        `registry namespace '${namespace}'`,
      );
      if (hasRepositories) role(ecrPushRoleName(product.name), `${at}.registryNamespace`);
      product.aws.images.forEach((image, i) => {
        const name = `${namespace}/${image}`;
        claim(`ecr:${AWS_PATHS.ecrPolicy(name)}`, `${at}.aws.images.${i}`, `repository '${name}'`);
      });
    }),
  );
  return problems;
}
