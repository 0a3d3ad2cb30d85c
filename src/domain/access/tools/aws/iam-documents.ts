import type { AccessFile } from '../../access-output.js';
import { sortedUnique, toJson } from '../../serialize.js';
import { AWS_PATHS, GITHUB_AUDIENCE, accountRootArn, oidcProviderArn } from './aws-names.js';

/** An IAM policy statement, in the field order AWS documents (and so the files show). */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal?:
    { readonly AWS: string | readonly string[] } | { readonly Federated: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * An IAM role the generator creates: its trust and permission documents (written to
 * `aws/iam/`) and where it lives. `githubOidc` says the trust names the account's GitHub
 * OIDC provider, which Terraform must create (or import) first.
 */
export interface IamRole {
  readonly name: string;
  readonly account: string;
  readonly arn: string;
  readonly description: string;
  readonly trust: PolicyDocument;
  readonly policy: PolicyDocument;
  readonly githubOidc: boolean;
  /** The product it belongs to; `undefined` for platform roles (cluster admin). */
  readonly product: string | undefined;
}

/**
 * Trust for GitHub Actions of the listed repositories (seed 000: "a role that can be assumed
 * from actions in a set of GitHub repositories defined by the customer"). `aud` pins tokens
 * minted for AWS; `sub` is `repo:<owner>/<repo>:*`, so any branch, tag or environment of a
 * listed repository qualifies and no other repository does.
 */
export function githubActionsTrust(
  account: string,
  host: string,
  repositories: readonly string[],
): PolicyDocument {
  return policyDocument({
    Sid: 'GitHubActions',
    Effect: 'Allow',
    Principal: { Federated: oidcProviderArn(account, host) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${host}:aud`]: GITHUB_AUDIENCE },
      StringLike: {
        [`${host}:sub`]: sortedUnique(repositories).map((repository) => `repo:${repository}:*`),
      },
    },
  });
}

/**
 * Trust for principals of one account. Seed 002: "administrators can grant access for users
 * to assume the same AWS IAM role(s)" — trusting the account root hands that decision to the
 * account's own IAM policies instead of freezing a user list into the role.
 */
export function accountTrust(account: string): PolicyDocument {
  return policyDocument({
    Sid: 'AccountAdministratorsDelegate',
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(account) },
    Action: 'sts:AssumeRole',
  });
}

/** The role's two JSON documents, as Terraform reads them with `file()`. */
export function roleFiles(role: IamRole): AccessFile[] {
  return [
    {
      path: AWS_PATHS.trust(role.name),
      content: toJson(role.trust),
      objects: [`IAM role ${role.arn} trust policy`],
    },
    {
      path: AWS_PATHS.policy(role.name),
      content: toJson(role.policy),
      objects: [`IAM role ${role.arn} inline policy ${role.name}`],
    },
  ];
}
