import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';
import { kuberocketciSchema } from './kuberocketci-schema.js';

/** Seed 003: a member is a collaborator or a developer of a product, never both. */
export const BASE_ROLES = ['collaborator', 'developer'] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

/** Seed 001 (KubeRocketCI): extension groups that add rights to an independent group. */
export const EXTENSION_ROLES = ['builder', 'deployer'] as const;
export type ExtensionRole = (typeof EXTENSION_ROLES)[number];

export const ACCESS_LEVELS = ['read', 'write'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/**
 * Roles a product grants through IdP groups named by the organization's convention: the
 * base roles, the seed 001 extensions, `manager` (seed 003 self management) and `admin`
 * (customer admin on tooling, only where a product opts in).
 */
export const GROUP_ROLES = [
  'collaborator',
  'developer',
  'builder',
  'deployer',
  'manager',
  'admin',
] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/**
 * Tools the access compiler knows. Argo CD and Grafana are per namespace (seed 000 groups
 * `<namespace>-<tool>-<level>`); SonarQube, Nexus and Gerrit are per product (seed 001).
 */
export const TOOLS = ['argocd', 'grafana', 'sonarqube', 'nexus', 'gerrit'] as const;
export type Tool = (typeof TOOLS)[number];
export const NAMESPACE_TOOLS: readonly Tool[] = ['argocd', 'grafana'];

/** Kinds of IdP groups the compiler creates for an organization (`groupNaming.managed`). */
export const MANAGED_GROUP_KINDS = ['roles', 'extraRoles', 'tools'] as const;

const awsAccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

/** An IdP group or user name: printable, no control characters (they end up in policies). */
const principalName = z
  .string()
  .min(1)
  .max(256)
  // eslint-disable-next-line no-control-regex -- keeping control characters out is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
  .refine((value) => value.trim() === value, 'must not start or end with spaces');

const userOrGroupLists = z.strictObject({
  users: z.array(principalName).default([]),
  groups: z.array(principalName).default([]),
});

/**
 * Group name templates. Placeholders: `{org}`, `{path}`, `{product}`, `{role}` for roles;
 * `{namespace}`, `{tool}`, `{level}` for tool groups (seed 000). An empty `{path}` collapses
 * with its separator, so `{org}/{path}/{product}/{role}` gives `USMC/Marine Coders/developer`.
 */
export const groupNamingSchema = z.strictObject({
  /** The IdP group whose members hold a product role (seed 003 convention by default). */
  roles: z.string().min(1).default('{org}/{path}/{product}/{role}'),
  /** Extra role groups such as `roles/ADMIN`; default: `roles/{role}` in the roles template. */
  extraRoles: z.string().min(1).optional(),
  /** Per-namespace tool groups (seed 000: `koa-dev-grafana-write`). */
  tools: z.string().min(1).default('{namespace}-{tool}-{level}'),
  /**
   * The group the compiler creates for the members of `{group}` who hold every clearance a
   * product requires (`{clearances}`, joined by `+`; `{org}` may tell organizations apart),
   * bound in the product's tools instead of `{group}`:
   * `Platform-One/Products/Valkyrie/developer+il2`. Always created.
   */
  cleared: z
    .string()
    .min(1)
    .default('{group}+{clearances}')
    .refine(
      (template) => template.includes('{group}') && template.includes('{clearances}'),
      'must contain {group} and {clearances}',
    ),
  /** The `{role}` text per role where it differs (seed 001: collaborator → `viewer`). */
  roleNames: z.partialRecord(z.enum(GROUP_ROLES), z.string().min(1)).default({}),
  /** Role groups the organization has (seed 003: collaborator and developer). */
  roleGroups: z.array(z.enum(GROUP_ROLES)).default(['collaborator', 'developer']),
  /**
   * Which groups the access compiler creates in the IdP. Seed 000 manages only its tool
   * groups; role groups named by the convention may still exist elsewhere and are honoured.
   */
  managed: z.array(z.enum(MANAGED_GROUP_KINDS)).default([...MANAGED_GROUP_KINDS]),
});

/**
 * A product's EKS cluster: `idp-dev` (all the product's namespaces run there) or
 * `{ name: idp-dev, namespaces: [koa-dev] }` (only those; each a namespace of the product).
 */
export const productClusterSchema = z.union([
  dnsLabelSchema,
  z.strictObject({ name: dnsLabelSchema, namespaces: z.array(dnsLabelSchema).min(1) }),
]);
export type ProductCluster = z.infer<typeof productClusterSchema>;

/** A product cluster entry's name, whichever form it has. */
export const productClusterName = (cluster: ProductCluster): string =>
  typeof cluster === 'string' ? cluster : cluster.name;

export const memberSchema = z
  .strictObject({
    user: principalName.optional(),
    group: principalName.optional(),
    serviceAccount: principalName.optional(),
    /** Exactly one base role; extensions and extra roles come on top of it. */
    role: z.enum(BASE_ROLES).optional(),
    extensions: z.array(z.enum(EXTENSION_ROLES)).default([]),
    /** Extra role groups declared in the product's `extraRoles` (seed 003 `roles/ADMIN`). */
    roles: z.array(z.string().min(1)).default([]),
    /** May manage the product's membership (seed 003 "self management"). */
    manager: z.boolean().default(false),
    /** Admin on the product's tooling; only where the product sets `customerAdmin: true`. */
    admin: z.boolean().default(false),
  })
  .refine(
    (member) =>
      [member.user, member.group, member.serviceAccount].filter((who) => who !== undefined)
        .length === 1,
    { message: 'give exactly one of user, group or serviceAccount' },
  );
export type Member = z.infer<typeof memberSchema>;

export const productSchema = z.strictObject({
  name: dnsLabelSchema,
  /** The product's segment in group names (`Valkyrie`, `Marine Coders`); default `name`. */
  groupName: principalName.optional(),
  /** Optional hierarchy between the organization and the product (seed 003 `Products`). */
  path: z.array(principalName).default([]),
  description: z.string().optional(),
  /** Environment pools the product owns: its developers manage the environments in them. */
  pools: z.array(dnsLabelSchema).default([]),
  /** Kubernetes namespaces of the product (seed 000: `koa-dev`, `koa-test`, `koa-prod`). */
  namespaces: z.array(dnsLabelSchema).default([]),
  /** Application repositories (`org/repo`), e.g. for GitHub OIDC trust and teams. */
  repositories: z
    .array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repository'))
    .default([]),
  /** Secrets Manager prefix: secrets named `customer/<secretsNamespace>/*` (seed 000). */
  secretsNamespace: dnsLabelSchema.optional(),
  /** Registry section for the product's images (seed 000 ECR namespace). */
  registryNamespace: dnsLabelSchema.optional(),
  /**
   * Tool access levels, e.g. `{ grafana: [write], argocd: [write] }`: `write` is for
   * developers, `read` for collaborators too; only listed levels get groups (seed 000).
   */
  tools: z.partialRecord(z.enum(TOOLS), z.array(z.enum(ACCESS_LEVELS)).min(1)).default({}),
  /** AWS: Secrets Manager, ECR and EKS access of the product (seeds 000 and 002). */
  aws: z
    .strictObject({
      /** The account holding the product's cluster and its Secrets Manager secrets. */
      account: awsAccountId,
      /**
       * EKS clusters (names from `aws.clusters`) its namespaces run on: a name means all of
       * the product's namespaces; `{ name, namespaces }` only the listed ones.
       */
      clusters: z.array(productClusterSchema).default([]),
      /** Accounts, besides its own, that may pull the product's images. */
      pullAccounts: z.array(awsAccountId).default([]),
      /** ECR repositories under the registry namespace: `koa/api` for `api`. */
      images: z
        .array(
          z.string().regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, 'must be an ECR repository name'),
        )
        .default([]),
    })
    .optional(),
  /** Seed 000: customers never get admin on tooling unless the product opts in here. */
  customerAdmin: z.boolean().default(false),
  /** Names of extra role groups members may hold (seed 003 `ADMIN`). */
  extraRoles: z.array(z.string().regex(/^[\w.-]+$/, 'letters, digits, _ . - only')).default([]),
  /** Clearances required, on top of the role, for environments of the listed types. */
  clearance: z
    .strictObject({
      requires: z.array(dnsLabelSchema).min(1),
      environmentTypes: z.array(dnsLabelSchema).min(1).default(['prod', 'staging']),
    })
    .optional(),
  members: z.array(memberSchema).default([]),
});
export type Product = z.infer<typeof productSchema>;

export const organizationSchema = z.strictObject({
  name: dnsLabelSchema,
  displayName: z.string().optional(),
  /** The organization's segment in group names (`Platform-One`); default `name`. */
  groupName: principalName.optional(),
  groupNaming: groupNamingSchema.prefault({}),
  /** Seat licences per base role (seed 003: 2,500 collaborator, 30,000 developer). */
  seats: z.partialRecord(z.enum(BASE_ROLES), z.number().int().min(0)).default({}),
  /** IdP groups whose members are declared here (like a realm.yaml), for checks and seats. */
  groups: z
    .array(z.strictObject({ name: principalName, members: z.array(principalName).default([]) }))
    .default([]),
  products: z.array(productSchema).default([]),
  /** Its KubeRocketCI operators' API generation and Sonar/Nexus resources (seed 001). */
  kuberocketci: kuberocketciSchema.prefault({}),
  /**
   * KubeRocketCI's cd-pipeline-operator creates namespaces for the products' CD pipeline
   * stages (seed 001): render the `tenant-admin` RoleBinding it applies in each of them.
   */
  cdPipelineNamespaces: z.boolean().default(false),
});
export type Organization = z.infer<typeof organizationSchema>;

/**
 * A service account of member entries. Without `kubernetes` it is an IdP client (OIDC
 * client credentials) that Kubernetes sees as a `User`; with it, a Kubernetes
 * ServiceAccount in that namespace, bound as `kind: ServiceAccount`.
 */
export const serviceAccountSchema = z.strictObject({
  /** As member entries name it (`serviceAccount: gitlab-ci-edp`). */
  name: principalName,
  kubernetes: z.strictObject({ namespace: dnsLabelSchema }).optional(),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

/** Facts about the identity provider that tools need besides group names. */
export const idpSchema = z.strictObject({
  /**
   * IdP object ids by group name (seed 000 step 3: Grafana is configured with the groups'
   * identifiers, e.g. Entra object ids). Tools that sync by id use them where known.
   */
  groupIds: z.record(principalName, principalName).default({}),
});
export type IdpSettings = z.infer<typeof idpSchema>;

export const clearanceSchema = z.strictObject({
  name: dnsLabelSchema,
  description: z.string().optional(),
  /** The IdP group that carries the clearance (seed 003: `IL2 Authorized`). */
  group: principalName.optional(),
  /** Users cleared directly. */
  users: z.array(principalName).default([]),
});
export type Clearance = z.infer<typeof clearanceSchema>;

/** People the model names, with the handles tools need (GitHub, Gerrit e-mail). */
export const userSchema = z.strictObject({
  /** The subject the IdP puts in tokens, as used in member entries. */
  name: principalName,
  email: z.email().optional(),
  /** Given and family name for tools that want them (Nexus); default: from the e-mail. */
  firstName: z.string().min(1).optional(),
  lastName: z.string().min(1).optional(),
  github: z
    .string()
    .regex(/^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/, 'must be a GitHub user name')
    .optional(),
});
export type User = z.infer<typeof userSchema>;

/** A Keycloak realm the compiler writes an import file for (keycloak-config-cli). */
export const realmSchema = z.strictObject({
  name: dnsLabelSchema,
  /** Organizations whose groups and members live in this realm. */
  organizations: z.array(dnsLabelSchema).default([]),
  /** Realm roles; composites name other realm roles (seed 001 `administrator` ⊇ `sonar-administrators`). */
  roles: z
    .array(
      z.strictObject({
        name: principalName,
        description: z.string().optional(),
        composites: z.array(principalName).default([]),
      }),
    )
    .default([]),
  /** Groups of the realm itself (seed 001 `ArgoCDAdmins`), with the product roles whose people join them. */
  groups: z
    .array(
      z.strictObject({
        name: principalName,
        realmRoles: z.array(principalName).default([]),
        grantedTo: z
          .array(z.strictObject({ product: dnsLabelSchema, role: z.enum(GROUP_ROLES) }))
          .default([]),
      }),
    )
    .default([]),
});
export type Realm = z.infer<typeof realmSchema>;

/** Shared AWS settings: the registry account and the EKS clusters (seeds 000 and 002). */
export const awsSchema = z.strictObject({
  region: awsRegion,
  /** GitHub Actions' OIDC issuer host, trusted by roles that repositories assume. */
  githubOidcHost: z.string().min(1).default('token.actions.githubusercontent.com'),
  registry: z
    .strictObject({
      /** The shared registry account (seed 000: 354918371398 idp-jppol-shared). */
      account: awsAccountId,
      region: awsRegion.optional(),
      /** Repositories every account in the model may pull, e.g. the platform's Helm charts. */
      shared: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  clusters: z
    .array(
      z.strictObject({
        name: dnsLabelSchema,
        account: awsAccountId,
        region: awsRegion.optional(),
        /** Seed 002: EKS access entries, the `aws-auth` ConfigMap, or both during a migration. */
        authentication: z
          .array(z.enum(['access-entries', 'aws-auth']))
          .min(1)
          .default(['access-entries']),
      }),
    )
    .default([]),
});
export type AwsSettings = z.infer<typeof awsSchema>;

/** The tenancy model: one declarative file for organizations, products, members and access. */
export const tenancySchema = z
  .strictObject({
    platformAdmins: userOrGroupLists.prefault({}),
    clearances: z.array(clearanceSchema).default([]),
    users: z.array(userSchema).default([]),
    serviceAccounts: z.array(serviceAccountSchema).default([]),
    idp: idpSchema.prefault({}),
    keycloak: z.strictObject({ realms: z.array(realmSchema).min(1) }).optional(),
    aws: awsSchema.optional(),
    organizations: z.array(organizationSchema).default([]),
  })
  .meta({ id: 'Tenancy' });
export type Tenancy = z.infer<typeof tenancySchema>;
