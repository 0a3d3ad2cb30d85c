import type { AccessFile } from '../../access-output.js';
import type { AwsContext } from './aws-context.js';
import { AWS_PATHS, accountRootArn } from './aws-names.js';
import type { EcrAccess, EcrRepository } from './ecr.js';
import type { ClusterAccess } from './eks.js';
import type { IamRole } from './iam-documents.js';
import type { SecretsAccess } from './secrets.js';

/** Everything the README describes, already sorted by the parts that built it. */
export interface AwsFacts {
  readonly context: AwsContext;
  readonly clusters: readonly ClusterAccess[];
  readonly secrets: readonly SecretsAccess[];
  readonly ecr: readonly EcrAccess[];
  readonly shared: readonly EcrRepository[];
}

const code = (text: string): string => `\`${text}\``;
const codes = (texts: readonly string[]): string => texts.map(code).join(', ');

/** Seed 002's command, with the role to assume so kubectl acts with that role's rights. */
export function updateKubeconfigCommand(region: string, cluster: string, role: IamRole): string {
  return `aws eks update-kubeconfig --region ${region} --name ${cluster} --role-arn ${role.arn}`;
}

/** A path relative to the README, which sits in `aws/`. */
const fromReadme = (path: string): string => path.slice('aws/'.length);

function clusterSection(access: ClusterAccess): string[] {
  const { cluster, adminRole } = access;
  // What each mechanism the cluster uses grants; both are listed during a migration.
  const via = (entries: string, awsAuth: string, joiner = ' / '): string =>
    [...(cluster.accessEntries ? [entries] : []), ...(cluster.awsAuth ? [awsAuth] : [])].join(
      joiner,
    );
  const mechanisms = via(
    'EKS access entries',
    `the aws-auth ConfigMap (${code(fromReadme(AWS_PATHS.awsAuth(cluster.name)))})`,
    ' and ',
  );
  const lines = [
    `### ${cluster.name}`,
    '',
    `Account ${cluster.account}, region ${cluster.region}; IAM roles map to Kubernetes through ${mechanisms}.`,
    '',
    `Cluster administrator (${code(adminRole.name)}: ${via('AmazonEKSClusterAdminPolicy', code('system:masters'))}):`,
    '',
    '```sh',
    updateKubeconfigCommand(cluster.region, cluster.name, adminRole),
    '```',
  ];
  for (const { product, role, namespaces, group } of access.namespaceRoles)
    lines.push(
      '',
      `${product}, limited to ${codes(namespaces)} (${code(role.name)}: ${via('AmazonEKSAdminPolicy', `group ${code(group)} bound to ClusterRole ${code('admin')}`)}):`,
      '',
      '```sh',
      updateKubeconfigCommand(cluster.region, cluster.name, role),
      '```',
    );
  return [...lines, ''];
}

function secretsSection(secrets: readonly SecretsAccess[]): string[] {
  if (secrets.length === 0) return [];
  return [
    '## Secrets Manager',
    '',
    'Seed 000: each team manages secrets named `customer/<namespace>/…` in the account holding its cluster, through a role its GitHub Actions assume (OIDC; no stored keys).',
    '',
    '| product | role | secrets | assumable from GitHub Actions of |',
    '| --- | --- | --- | --- |',
    ...secrets.map(
      ({ product, role, prefix, repositories }) =>
        `| ${product} | ${code(role.arn)} | ${code(prefix)} | ${codes(repositories)} |`,
    ),
    '',
    '`secretsmanager:ListSecrets` is not granted: it cannot be limited to a prefix and would list every team’s secret names. Workflows address their secrets by name.',
    '',
  ];
}

function ecrSection(facts: AwsFacts): string[] {
  const registry = facts.context.registry;
  if (!registry || (facts.ecr.length === 0 && facts.shared.length === 0)) return [];
  const rows = [
    ...facts.ecr.flatMap((access) =>
      access.repositories.map((repo) => ({ repo, owner: access.product })),
    ),
    ...facts.shared.map((repo) => ({ repo, owner: 'shared' })),
  ];
  const pushRoles = facts.ecr.filter((access) => access.pushRole !== undefined);
  const lines = [
    '## ECR',
    '',
    `Seed 000: every image lives in the shared registry, account ${registry.account}, region ${registry.region}, in its team’s namespace. Pull is granted per account (the account root: its own IAM decides which of its principals pull); shared repositories are pullable by every account the model names.`,
    '',
    '| repository | product | pull accounts |',
    '| --- | --- | --- |',
    ...rows.map(
      ({ repo, owner }) =>
        `| ${code(repo.name)} | ${owner} | ${codes(repo.pullAccounts.map(accountRootArn))} |`,
    ),
    '',
  ];
  if (pushRoles.length > 0)
    lines.push(
      'Push is granted to GitHub Actions of the team’s repositories, only within its namespace (`ecr:GetAuthorizationToken`, the registry login, accepts no narrower resource than `*`):',
      '',
      '| product | role | may push to | assumable from GitHub Actions of |',
      '| --- | --- | --- | --- |',
      ...pushRoles.map(
        (access) =>
          `| ${access.product} | ${code(access.pushRole?.arn ?? '')} | ${code(`${access.namespace}/*`)} | ${codes(access.pushRepositories)} |`,
      ),
      '',
    );
  return lines;
}

/** `aws/README.md`: how to use what was generated. Same facts, same bytes. */
export function awsReadme(facts: AwsFacts): AccessFile {
  const { context } = facts;
  const lines = [
    '<!-- Generated by `platformctl access render` from the tenancy model. Do not edit: change the model. -->',
    '',
    '# AWS access',
    '',
    'IAM roles, ECR repositories and EKS access generated from the tenancy model (seeds 000 and 002). `iam/` and `ecr/` hold the policy documents; `terraform/` applies exactly those files (`file()`), one file per product plus `clusters.tf.json` (cluster-admin roles, shared repositories) and `accounts.tf.json` (one provider alias per account, e.g. `aws.a<account id>`, assuming `var.deploy_role_name` there, and the GitHub OIDC providers).',
    '',
  ];
  if (facts.clusters.length > 0)
    lines.push(
      '## EKS clusters',
      '',
      'Seed 002: two levels of access per cluster — cluster-wide administrator, and administrator limited to a product’s namespaces. Each role trusts its cluster’s account (`arn:aws:iam::<account>:root`): as seed 002 puts it, “administrators can grant access for users to assume the same AWS IAM role(s)”, so the account’s administrators decide who may assume a role by granting `sts:AssumeRole` on its ARN in IAM. Having that, run the line for the role:',
      '',
      ...facts.clusters.flatMap(clusterSection),
    );
  lines.push(...secretsSection(facts.secrets), ...ecrSection(facts));

  const notes: string[] = [];
  if (facts.clusters.some((access) => access.cluster.awsAuth))
    notes.push(
      '- `eks/<cluster>/aws-auth.yaml` holds the platform’s role mappings only. Applying it replaces the whole ConfigMap: merge the node group role mappings the cluster needs first, or nodes cannot join. Where a cluster lists both mechanisms, the access entry wins for a role that has one.',
    );
  if (facts.secrets.length > 0 || facts.ecr.some((access) => access.pushRole))
    notes.push(
      `- Roles assumed from GitHub trust ${code(`https://${context.oidcHost}`)} with audience ${code('sts.amazonaws.com')}. An account holds one provider per URL: where it already exists, import it (${code('terraform import aws_iam_openid_connect_provider.github_a<account> arn:aws:iam::<account>:oidc-provider/' + context.oidcHost)}) instead of creating it.`,
    );
  if (notes.length > 0) lines.push('## Notes', '', ...notes, '');
  return {
    path: AWS_PATHS.readme,
    content: `${lines.join('\n').trimEnd()}\n`,
    objects: ['AWS access README'],
  };
}
