import { sortedUnique, toJson } from '../../serialize.js';
import type { AwsContext, AwsProduct, AwsSink } from './aws-context.js';
import {
  AWS_PATHS,
  accountRootArn,
  ecrPushRoleName,
  ecrRepositoryArn,
  iamRoleArn,
} from './aws-names.js';
import {
  githubActionsTrust,
  policyDocument,
  roleFiles,
  type IamRole,
  type PolicyDocument,
} from './iam-documents.js';
import { reference, documentExpression, resourceTags, type TerraformProject } from './terraform.js';

/** What pulling an image takes: the manifest, the layer URLs and the layer check. */
export const ECR_PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
] as const;

/** Pushing (and re-tagging, which reads the manifest first) plus the reads push actions use. */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:DescribeImages',
  'ecr:DescribeRepositories',
  'ecr:GetDownloadUrlForLayer',
  'ecr:InitiateLayerUpload',
  'ecr:ListImages',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
] as const;

/** One ECR repository in the shared registry and the accounts that may pull from it. */
export interface EcrRepository {
  readonly name: string;
  readonly pullAccounts: readonly string[];
  readonly policy: PolicyDocument;
}

/** A product's section of the registry (seed 000), for the README. */
export interface EcrAccess {
  readonly product: string;
  readonly namespace: string;
  readonly repositories: readonly EcrRepository[];
  /** `undefined` when the product lists no GitHub repositories to push from. */
  readonly pushRole: IamRole | undefined;
  readonly pushRepositories: readonly string[];
}

/**
 * The repository policy: pull, and nothing else, for each account's root. Naming the root
 * delegates to that account's IAM which of its principals (node roles, CI) pull; a
 * cross-account pull needs both this policy and the puller's own IAM permission.
 */
function pullPolicy(accounts: readonly string[]): PolicyDocument {
  return policyDocument({
    Sid: 'PullFromListedAccounts',
    Effect: 'Allow',
    Principal: { AWS: sortedUnique(accounts).map(accountRootArn) },
    Action: ECR_PULL_ACTIONS,
  });
}

function repository(name: string, accounts: readonly string[]): EcrRepository {
  const pullAccounts = sortedUnique(accounts);
  return { name, pullAccounts, policy: pullPolicy(pullAccounts) };
}

/**
 * Seed 000: images live in the shared registry, "sectioned by a namespace defined on a per
 * team/product basis"; the setup defines "which accounts can pull", and push "is granted to
 * GitHub organisations/repos identified by the customer". `undefined` without a registry
 * namespace or images.
 */
export function ecrAccess(context: AwsContext, product: AwsProduct): EcrAccess | undefined {
  const namespace = product.registryNamespace;
  if (namespace === undefined || product.aws.images.length === 0) return undefined;
  const registry = context.registry;
  if (!registry)
    throw new TypeError(`product ${product.name} lists images but aws.registry is not set`);
  const accounts = [product.aws.account, ...product.aws.pullAccounts];
  const repositories = sortedUnique(product.aws.images).map((image) =>
    repository(`${namespace}/${image}`, accounts),
  );
  const pushRepositories = sortedUnique(product.repositories);
  const name = ecrPushRoleName(product.name);
  const pushRole: IamRole | undefined =
    pushRepositories.length === 0
      ? undefined
      : {
          name,
          account: registry.account,
          arn: iamRoleArn(registry.account, name),
          description: `GitHub Actions of ${product.name}'s repositories push images to ${namespace}/*`,
          trust: githubActionsTrust(registry.account, context.oidcHost, pushRepositories),
          policy: policyDocument(
            {
              Sid: 'PushToTeamNamespace',
              Effect: 'Allow',
              Action: ECR_PUSH_ACTIONS,
              Resource: ecrRepositoryArn(registry.region, registry.account, `${namespace}/*`),
            },
            {
              // GetAuthorizationToken is the registry login; it acts on no repository, so
              // IAM accepts only `*` for it. The token alone grants nothing: every push is
              // still checked against the statement above.
              Sid: 'RegistryLogin',
              Effect: 'Allow',
              Action: 'ecr:GetAuthorizationToken',
              Resource: '*',
            },
          ),
          githubOidc: true,
          product: product.name,
        };
  return { product: product.name, namespace, repositories, pushRole, pushRepositories };
}

/**
 * Seed 000: "Some images like IDP defined helm charts should be available to everyone":
 * the shared repositories, pullable by every account the model names.
 */
export function sharedRepositories(
  context: AwsContext,
  products: readonly AwsProduct[],
): EcrRepository[] {
  if (!context.registry) return [];
  const accounts = [
    ...products.flatMap((product) => [product.aws.account, ...product.aws.pullAccounts]),
    ...[...context.clusters.values()].map((cluster) => cluster.account),
  ];
  return sortedUnique(context.registry.shared).map((name) => repository(name, accounts));
}

/** Writes repositories (policy file, Terraform, a pull grant per account) to `file`. */
export function emitRepositories(
  context: AwsContext,
  repositories: readonly EcrRepository[],
  terraformFile: string,
  product: string | undefined,
  project: TerraformProject,
  sink: AwsSink,
): void {
  const registry = context.registry;
  if (!registry) return;
  const provider = project.provider(registry.account, registry.region);
  for (const repo of repositories) {
    const address = project.add(terraformFile, 'aws_ecr_repository', repo.name, {
      provider,
      name: repo.name,
      tags: resourceTags(product),
    });
    // IAM rejects a statement without principals: a repository nobody else pulls (shared
    // ones in a model that names no account yet) keeps the registry account's access only.
    if (repo.pullAccounts.length === 0) continue;
    const policyFile = AWS_PATHS.ecrPolicy(repo.name);
    sink.files.push({
      path: policyFile,
      content: toJson(repo.policy),
      objects: [`ECR repository ${repo.name} policy`],
    });
    project.add(terraformFile, 'aws_ecr_repository_policy', repo.name, {
      provider,
      repository: reference(address, 'name'),
      policy: documentExpression(policyFile),
    });
    for (const account of repo.pullAccounts)
      sink.grants.push({
        tool: 'aws',
        subject: { kind: 'group', name: `aws-account:${account}` },
        permission: `pull ${repo.name}`,
        level: 'read',
        ...(product ? { product } : {}),
        file: policyFile,
      });
  }
}

/** Writes a product's repositories and its push role. */
export function emitEcr(
  context: AwsContext,
  access: EcrAccess,
  project: TerraformProject,
  sink: AwsSink,
): void {
  const file = AWS_PATHS.productTerraform(access.product);
  emitRepositories(context, access.repositories, file, access.product, project, sink);
  const role = access.pushRole;
  if (!role) return;
  sink.files.push(...roleFiles(role));
  project.addRole(file, role);
  for (const repository of access.pushRepositories)
    sink.grants.push({
      tool: 'aws',
      subject: { kind: 'repository', name: repository },
      permission: `assume role ${role.arn} (push ${access.namespace}/*)`,
      level: 'write',
      product: access.product,
      file: AWS_PATHS.trust(role.name),
    });
}
