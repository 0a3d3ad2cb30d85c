import { sortedUnique } from '../../serialize.js';
import type { AwsContext, AwsProduct, AwsSink } from './aws-context.js';
import {
  AWS_PATHS,
  iamRoleArn,
  secretsPrefix,
  secretsPrefixArn,
  secretsRoleName,
} from './aws-names.js';
import { githubActionsTrust, policyDocument, roleFiles, type IamRole } from './iam-documents.js';
import type { TerraformProject } from './terraform.js';

/**
 * What a team's workflows may do to its own secrets. `secretsmanager:ListSecrets` is left
 * out on purpose: it supports no resource scoping (it needs `Resource: "*"`) and would show
 * every team's secret names and tags in the account. Workflows address secrets by name.
 */
export const SECRETS_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetResourcePolicy',
  'secretsmanager:GetSecretValue',
  'secretsmanager:ListSecretVersionIds',
  'secretsmanager:PutSecretValue',
  'secretsmanager:RestoreSecret',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
] as const;

/** A product's Secrets Manager role (seed 000), for the README. */
export interface SecretsAccess {
  readonly product: string;
  readonly role: IamRole;
  /** `customer/<secretsNamespace>/*`. */
  readonly prefix: string;
  readonly repositories: readonly string[];
}

/**
 * Seed 000: "each team [defines] their own secrets in AWS Secrets Manager in the account
 * holding their cluster … The secrets name must start with `customer/` followed by a
 * namespace … This produces a role, that can be assumed from actions in a set of GitHub
 * repositories". `undefined` when the product lacks a namespace or repositories (a role
 * nobody may assume would only be clutter).
 */
export function secretsAccess(context: AwsContext, product: AwsProduct): SecretsAccess | undefined {
  const namespace = product.secretsNamespace;
  if (namespace === undefined || product.repositories.length === 0) return undefined;
  const account = product.aws.account;
  const name = secretsRoleName(product.name);
  const repositories = sortedUnique(product.repositories);
  const role: IamRole = {
    name,
    account,
    arn: iamRoleArn(account, name),
    description: `GitHub Actions of ${product.name}'s repositories manage secrets ${secretsPrefix(namespace)}`,
    trust: githubActionsTrust(account, context.oidcHost, repositories),
    policy: policyDocument({
      Sid: 'TeamSecrets',
      Effect: 'Allow',
      Action: SECRETS_ACTIONS,
      // The trailing `*` also covers the random six-character suffix AWS appends to ARNs.
      Resource: secretsPrefixArn(context.region, account, namespace),
    }),
    githubOidc: true,
    product: product.name,
  };
  return { product: product.name, role, prefix: secretsPrefix(namespace), repositories };
}

/** Writes the role's documents and Terraform, and one grant per repository. */
export function emitSecrets(access: SecretsAccess, project: TerraformProject, sink: AwsSink): void {
  const { role } = access;
  sink.files.push(...roleFiles(role));
  project.addRole(AWS_PATHS.productTerraform(access.product), role);
  for (const repository of access.repositories)
    sink.grants.push({
      tool: 'aws',
      subject: { kind: 'repository', name: repository },
      permission: `assume role ${role.arn} (secrets ${access.prefix})`,
      level: 'write',
      product: access.product,
      file: AWS_PATHS.trust(role.name),
    });
}
