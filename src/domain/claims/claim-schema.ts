import { z } from 'zod';
import { dnsLabelSchema } from './names.js';

// Image references and branch names travel into tags, paths and logs: no whitespace or
// control characters, ever.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const TOKEN = /^[^\s\u0000-\u001f\u007f]+$/;

function tokenSchema(what: string, maxLength: number) {
  return z
    .string()
    .min(1, { message: `${what} must not be empty`, abort: true })
    .max(maxLength, `${what} must be at most ${maxLength} characters`)
    .regex(TOKEN, `${what} must not contain whitespace or control characters`);
}

// A version may hold single spaces (the seed's range `>=1.2.0, <2.0.0`), nothing else blank.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const VERSION_TEXT = /^[^\s\u0000-\u001f\u007f]+(?: [^\s\u0000-\u001f\u007f]+)*$/;

export const serviceVersionSchema = z
  .string()
  .min(1, { message: 'version must not be empty', abort: true })
  .max(128, 'version must be at most 128 characters')
  .regex(
    VERSION_TEXT,
    'version must not contain control characters, tabs, line breaks or leading, trailing or double spaces',
  )
  .meta({
    description:
      'A version tag or constraint, e.g. `v1.2.3`, `^1.0.0.0`, `1.x.x.x`, `>=1.2.0, <2.0.0`, `latest`.',
    examples: ['v1.2.3'],
  });

/** The seed's "Artifactory Artifact Storage" form: a version plus explicit artifact references. */
export const serviceArtifactsSchema = z
  .strictObject({
    version: serviceVersionSchema,
    docker_image: tokenSchema('docker_image', 512).optional(),
    ansible_artifact: tokenSchema('ansible_artifact', 512).optional(),
  })
  .meta({ id: 'ServiceArtifacts' });

export const serviceSpecSchema = z
  .union([serviceVersionSchema, serviceArtifactsSchema], {
    error: 'must be a version string or an object { version, docker_image?, ansible_artifact? }',
  })
  .meta({ id: 'ServiceSpec' });

/** Service name → version or artifacts. Service names are DNS-1123 labels. */
export const servicesSchema = z.record(dnsLabelSchema, serviceSpecSchema);

/** The seed's `deploy_environment` flags, kept in the claim so every re-render honours them. */
const deployFlags = {
  deploy_only_specified: z.boolean().optional().meta({
    description:
      "Deploy only the services named in `services` and their dependencies (the seed's `--deploy-only-specified`). Default: the whole catalogue for the type, with `services` overriding its versions.",
  }),
  use_dev_tags: z.boolean().optional().meta({
    description:
      "Resolve versions from the dev tag stream (the seed's `--use-dev-tags`); always on for types in `deploy.devTagTypes` (sue by default).",
  }),
};

/** RFC 3339 date-time with `Z` or an offset. */
export const timestampSchema = z.iso.datetime({
  offset: true,
  // A missing field keeps zod's default issue, which becomes "is required".
  error: (issue) =>
    issue.input === undefined
      ? undefined
      : 'must be an RFC 3339 date-time such as 2024-01-15T10:30:00Z',
});

export const deploymentMethodSchema = z.enum(['dynamic', 'git']).meta({
  description:
    '`dynamic`: managed through the Platform API. `git`: a static environment managed by pull requests to `git_repository`.',
});

const userSchema = tokenSchema('user', 256).meta({
  description: 'The subject that created the claim; set by the server.',
  examples: ['john.doe@company.com'],
});

const gitRepositorySchema = tokenSchema('git_repository', 2048);
// git check-ref-format forbids `..` anywhere in a ref.
const branchSchema = tokenSchema('branch', 255).refine(
  (branch) => !branch.includes('..'),
  "branch must not contain '..'",
);
// A full SHA-1 or SHA-256 object name, as `git rev-parse HEAD` prints it.
const gitCommitSchema = z
  .string()
  .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'git_commit must be a full lowercase commit hash')
  .meta({
    description:
      'The commit of `git_repository` that last changed this static environment; set by `platformctl static publish`.',
  });

/**
 * An environment claim as stored in a bucket: the seed's JSON, field names kept. The
 * presence of this document in the `environments` bucket is the environment's existence.
 */
export const claimSchema = z
  .strictObject({
    environment_name: dnsLabelSchema,
    environment_type: dnsLabelSchema.meta({
      description:
        'A type of the environment-type catalogue: dev, staging, prod or sue by default.',
      examples: ['sue'],
    }),
    environment_pool: dnsLabelSchema,
    user: userSchema,
    creation_date: timestampSchema,
    expiration_date: timestampSchema.nullable().optional(),
    deployment_method: deploymentMethodSchema.optional(),
    git_repository: gitRepositorySchema.optional(),
    branch: branchSchema.optional(),
    git_commit: gitCommitSchema.optional(),
    services: servicesSchema.default({}),
    ...deployFlags,
  })
  .superRefine((claim, ctx) => {
    if (claim.deployment_method === 'git') {
      for (const field of ['git_repository', 'branch'] as const) {
        if (claim[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'is required when deployment_method is git',
          });
        }
      }
    } else {
      for (const field of ['git_repository', 'branch', 'git_commit'] as const) {
        if (claim[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'is only allowed when deployment_method is git',
          });
        }
      }
    }
  })
  .meta({ id: 'Claim' });

export type Claim = z.infer<typeof claimSchema>;
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;
export type Services = z.infer<typeof servicesSchema>;

const serverSet = (field: string) =>
  z
    .never({
      error: `${field} is set by the server from the authenticated principal and the clock`,
    })
    .optional();

/**
 * The body of `POST /api/v1/environments`. Only dynamic environments are created through
 * the API; `user` and `creation_date` come from the principal and the clock.
 */
export const claimCreateSchema = z
  .strictObject({
    environment_name: claimSchema.shape.environment_name,
    environment_type: claimSchema.shape.environment_type,
    environment_pool: claimSchema.shape.environment_pool,
    services: servicesSchema.default({}),
    ...deployFlags,
    expiration_date: timestampSchema.nullable().optional().meta({
      description:
        'When the environment is deleted. Omitted or null: the type default (24 h for sue; none for dev). Not allowed for staging and prod.',
    }),
    deployment_method: z
      .literal('dynamic', {
        error:
          'only dynamic environments are created through the API; static (git) environments are created by a merge to their GitOps repository',
      })
      .optional(),
    user: serverSet('user'),
    creation_date: serverSet('creation_date'),
  })
  .meta({ id: 'ClaimCreate' });

export type ClaimCreate = z.infer<typeof claimCreateSchema>;

/**
 * The body of `PATCH /api/v1/environments/{name}`, with JSON Merge Patch (RFC 7396)
 * semantics: a service set to `null` is removed, others are added or replaced;
 * `expiration_date: null` removes the expiry where the type allows that.
 */
export const claimPatchSchema = z
  .strictObject(
    {
      services: z.record(dnsLabelSchema, serviceSpecSchema.nullable()).optional(),
      expiration_date: timestampSchema.nullable().optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? 'cannot be changed: only services and expiration_date can be patched'
          : undefined,
    },
  )
  .refine((patch) => patch.services !== undefined || patch.expiration_date !== undefined, {
    message: 'a patch must change services and/or expiration_date',
  })
  .meta({ id: 'ClaimPatch' });

export type ClaimPatch = z.infer<typeof claimPatchSchema>;
