import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';

/** The `versions` key that applies to every environment type the service does not list. */
export const DEFAULT_VERSION_KEY = 'default';

// The catalogue's strings travel into OCI references, Kustomization paths and logs.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The OCI distribution spec's repository name grammar (path components of lower-case
 * alphanumerics joined by `.`, `_`, `__` or dashes, separated by `/`).
 */
const OCI_REPOSITORY_NAME =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/** Flux post-build substitution variables; the catalogue keeps them UPPER_SNAKE. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const versionTextSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((text) => !CONTROL.test(text), 'must not contain control characters')
  .meta({
    description:
      "A version tag or constraint (grammar in src/domain/versions/README.md), e.g. 'v1.2.3', '>=1.2.0, <2.0.0', '*'.",
  });

const artifactNameSchema = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(
    OCI_REPOSITORY_NAME,
    "must be an OCI repository name: lower-case letters and digits, joined by '.', '_', '-' or '/'",
  );

/** A path inside the deployment artifact, as a Flux Kustomization `path`: relative, no `..`. */
const artifactPathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(512, 'must be at most 512 characters')
  .refine((path) => !CONTROL.test(path) && !/\s/.test(path), {
    message: 'must not contain whitespace or control characters',
    abort: true,
  })
  .refine((path) => !path.startsWith('/') && !path.includes('\\'), {
    message: "must be a relative path with '/' separators, e.g. ./infrastructure",
    abort: true,
  })
  .refine((path) => !path.split('/').includes('..'), "must not contain '..'");

// YAML writes `REPLICAS: 3` and `DEBUG: true`; Flux substitutes strings.
const envValueSchema = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'must be a string, a number or a boolean',
  })
  .transform(String)
  .refine((value) => !CONTROL.test(value.replace(/[\n\t]/g, '')), {
    message: 'must not contain control characters other than newlines and tabs',
  });

const envNameSchema = z
  .string()
  .regex(ENV_NAME, "must be UPPER_SNAKE_CASE (A-Z, 0-9 and '_', not starting with a digit)");

/** One service of the catalogue. */
export const catalogueServiceSchema = z.strictObject({
  description: z.string().max(500, 'must be at most 500 characters').optional(),
  dependsOn: z
    .array(dnsLabelSchema)
    .default([])
    .meta({ description: 'Catalogue services that must run before this one.' }),
  port: z
    .number()
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .optional()
    .meta({ description: 'Default container port.' }),
  types: z.array(dnsLabelSchema).optional().meta({
    description:
      'Environment types that get this service when the whole catalogue is deployed; default: all.',
  }),
  versions: z
    .record(z.string(), versionTextSchema)
    .default({})
    .meta({
      description: `Default version per environment type when a claim names none; '${DEFAULT_VERSION_KEY}' applies to types not listed.`,
    }),
  artifacts: z
    .strictObject({
      image: artifactNameSchema.optional(),
      deployment: artifactNameSchema.optional(),
    })
    .optional()
    .meta({
      description:
        'Repository names of the Docker image and of the OCI artifact with the deployment files; default <service> and <service>-ansible.',
    }),
  path: artifactPathSchema
    .optional()
    .meta({ description: 'Path inside the deployment artifact to apply; default ./' }),
  env: z
    .record(envNameSchema, envValueSchema)
    .default({})
    .meta({ description: 'Post-build substitution variables for this service.' }),
});

/** The service catalogue file: `services`, by DNS-1123 name. */
export const serviceCatalogueSchema = z.strictObject({
  services: z.record(dnsLabelSchema, catalogueServiceSchema),
});

export type CatalogueServiceInput = z.infer<typeof catalogueServiceSchema>;
export type ServiceCatalogueInput = z.infer<typeof serviceCatalogueSchema>;
