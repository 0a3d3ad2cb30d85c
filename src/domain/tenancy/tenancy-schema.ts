import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';

/** Seed 003: a member is a collaborator or a developer of a product, never both. */
export const BASE_ROLES = ['collaborator', 'developer'] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

/** Seed 001 (KubeRocketCI): extension groups that add rights to an independent group. */
export const EXTENSION_ROLES = ['builder', 'deployer'] as const;
export type ExtensionRole = (typeof EXTENSION_ROLES)[number];

export const ACCESS_LEVELS = ['read', 'write'] as const;

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
});

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
  /** Tool access levels per namespace group, e.g. `{ grafana: [write], argocd: [write] }`. */
  tools: z.record(dnsLabelSchema, z.array(z.enum(ACCESS_LEVELS)).min(1)).default({}),
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
});
export type Organization = z.infer<typeof organizationSchema>;

export const clearanceSchema = z.strictObject({
  name: dnsLabelSchema,
  description: z.string().optional(),
  /** The IdP group that carries the clearance (seed 003: `IL2 Authorized`). */
  group: principalName.optional(),
  /** Users cleared directly. */
  users: z.array(principalName).default([]),
});
export type Clearance = z.infer<typeof clearanceSchema>;

/** The tenancy model: one declarative file for organizations, products, members and access. */
export const tenancySchema = z
  .strictObject({
    platformAdmins: userOrGroupLists.prefault({}),
    clearances: z.array(clearanceSchema).default([]),
    organizations: z.array(organizationSchema).default([]),
  })
  .meta({ id: 'Tenancy' });
export type Tenancy = z.infer<typeof tenancySchema>;
