import type { AccessFile } from '../../access-output.js';
import { compareText, entriesByKey, toJson } from '../../serialize.js';
import { AWS_PATHS, GITHUB_AUDIENCE, iamRoleArn, terraformName } from './aws-names.js';
import type { IamRole } from './iam-documents.js';
import type { TerraformBody } from '../shared/terraform-json.js';

/** The provider version that first lets `aws_iam_openid_connect_provider` omit thumbprints. */
const AWS_PROVIDER_VERSION = '>= 5.81';

/**
 * Terraform's expression for reading one of the generated documents. The documents live
 * next to `terraform/` (`aws/iam/…`, `aws/ecr/…`), so the JSON a reviewer reads is the
 * JSON Terraform applies — there is no second, embedded copy to drift.
 */
export function documentExpression(path: string): string {
  if (!path.startsWith('aws/')) throw new TypeError(`not an aws output path: ${path}`);
  return `\${file("\${path.module}/../${path.slice('aws/'.length)}")}`;
}

/** `${<type>.<name>.<attribute>}`: an interpolated reference to another resource. */
export function reference(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

const TAGS = { 'managed-by': 'platformctl-access-render' } as const;

/**
 * The tags of a resource the generator manages, with its product where it has one. A literal,
 * not `{ ...TAGS, product }`: Node 20 gives each object made by a spread a class of its own.
 */
export function resourceTags(product: string | undefined): Readonly<Record<string, string>> {
  return product === undefined ? TAGS : { 'managed-by': TAGS['managed-by'], product };
}

/**
 * The Terraform root module under `aws/terraform/`: resources spread over one file per
 * product plus `clusters.tf.json`, and `accounts.tf.json` with what they share. Terraform
 * reads every `*.tf.json` of a directory as one module and rejects a provider alias declared
 * twice, so the per-account aliases (`aws.a222222222222`) and the GitHub OIDC providers are
 * declared once there rather than in each file that uses them.
 */
export class TerraformProject {
  private readonly files = new Map<string, Map<string, Map<string, TerraformBody>>>();
  private readonly addresses = new Set<string>();
  private readonly providers = new Map<string, { account: string; region: string }>();
  private readonly oidcAccounts = new Set<string>();

  constructor(
    private readonly defaultRegion: string,
    private readonly oidcHost: string,
  ) {}

  /** The provider alias reference for an account and region, e.g. `aws.a222222222222`. */
  provider(account: string, region: string = this.defaultRegion): string {
    const alias =
      region === this.defaultRegion ? `a${account}` : `a${account}_${region.replaceAll('-', '_')}`;
    this.providers.set(alias, { account, region });
    return `aws.${alias}`;
  }

  /** The address of the account's GitHub OIDC provider, declared in `accounts.tf.json`. */
  githubOidcProvider(account: string): string {
    this.oidcAccounts.add(account);
    return `aws_iam_openid_connect_provider.github_a${account}`;
  }

  /** Adds a resource to a file; returns its address. Addresses are unique in the module. */
  add(file: string, type: string, name: string, body: TerraformBody): string {
    const id = terraformName(name);
    const address = `${type}.${id}`;
    if (this.addresses.has(address)) throw new TypeError(`duplicate Terraform resource ${address}`);
    this.addresses.add(address);
    const byType = this.files.get(file) ?? new Map<string, Map<string, TerraformBody>>();
    this.files.set(file, byType);
    const byName = byType.get(type) ?? new Map<string, TerraformBody>();
    byType.set(type, byName);
    byName.set(id, body);
    return address;
  }

  /**
   * An IAM role with its inline policy, both read from the generated documents. Roles
   * trusting GitHub depend on the OIDC provider: the trust names it by ARN, which Terraform
   * cannot see as a dependency.
   */
  addRole(file: string, role: IamRole): string {
    const provider = this.provider(role.account);
    const address = this.add(file, 'aws_iam_role', role.name, {
      provider,
      name: role.name,
      description: role.description,
      assume_role_policy: documentExpression(AWS_PATHS.trust(role.name)),
      tags: resourceTags(role.product),
      ...(role.githubOidc ? { depends_on: [this.githubOidcProvider(role.account)] } : {}),
    });
    this.add(file, 'aws_iam_role_policy', role.name, {
      provider,
      name: role.name,
      role: reference(address, 'name'),
      policy: documentExpression(AWS_PATHS.policy(role.name)),
    });
    return address;
  }

  /** Every file of the module, `accounts.tf.json` included; empty when nothing was added. */
  render(): AccessFile[] {
    if (this.files.size === 0) return [];
    const files: AccessFile[] = [...this.files]
      .sort(([a], [b]) => compareText(a, b))
      .map(([path, byType]) => {
        const resource: Record<string, Record<string, TerraformBody>> = {};
        const objects: string[] = [];
        for (const [type, byName] of entriesByKey(byType)) {
          resource[type] = Object.fromEntries(entriesByKey(byName));
          objects.push(...Object.keys(resource[type]).map((name) => `${type}.${name}`));
        }
        return { path, content: toJson({ resource }), objects };
      });
    return [this.accountsFile(), ...files];
  }

  private accountsFile(): AccessFile {
    const oidc = [...this.oidcAccounts].sort();
    const oidcProviders = oidc.map((account) => [account, this.provider(account)] as const);
    const aliases = [...this.providers].sort(([a], [b]) => compareText(a, b));
    const providers = aliases.map(([alias, { account, region }]) => ({
      alias,
      region,
      // Refuses to apply with credentials of another account: a wrong profile fails loudly.
      allowed_account_ids: [account],
      assume_role: { role_arn: iamRoleArn(account, '${var.deploy_role_name}') },
    }));
    const resource =
      oidc.length === 0
        ? undefined
        : {
            aws_iam_openid_connect_provider: Object.fromEntries(
              oidcProviders.map(([account, provider]) => [
                `github_a${account}`,
                {
                  provider,
                  url: `https://${this.oidcHost}`,
                  client_id_list: [GITHUB_AUDIENCE],
                  // No thumbprint_list: AWS validates GitHub's certificate against its own
                  // trusted CAs since July 2023 and ignores thumbprints for it.
                  tags: TAGS,
                },
              ]),
            ),
          };
    const content = {
      terraform: {
        required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } },
      },
      variable: {
        deploy_role_name: {
          type: 'string',
          description: 'Role Terraform assumes in every account it manages.',
          default: 'OrganizationAccountAccessRole',
        },
      },
      provider: { aws: providers },
      ...(resource ? { resource } : {}),
    };
    return {
      path: AWS_PATHS.accountsTerraform,
      content: toJson(content),
      objects: [
        ...aliases.map(([alias]) => `provider aws.${alias}`),
        ...oidc.map((account) => `aws_iam_openid_connect_provider.github_a${account}`),
      ],
    };
  }
}
