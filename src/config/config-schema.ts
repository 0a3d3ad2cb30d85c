import { z } from 'zod';
import { environmentTypeOverridesSchema } from '../domain/environment-types/catalogue.js';
import { durationSchema } from '../domain/shared/duration.js';
import { deployConfigSchema, versionPolicySchema } from './deploy-config-schema.js';
import { oidcIssuersSchema } from './oidc-config-schema.js';
import { notificationsConfigSchema } from './notifications-config-schema.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const staticTokenSchema = z.strictObject({
  subject: z.string().min(1),
  groups: z.array(z.string().min(1)).default([]),
  sha256: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'must be the hex SHA-256 of the token (64 hex digits), never the token itself',
    )
    .transform((hex) => hex.toLowerCase()),
  kind: z.enum(['user', 'service']).default('user'),
});

/**
 * The S3 store (`store.type: s3`); operators script these names (issue 12). Credentials
 * come from the standard AWS chain only, never from this file.
 */
const s3StoreSchema = z.strictObject({
  /** Omit for AWS; e.g. `http://127.0.0.1:7480` for Ceph RGW. */
  endpoint: z.url().optional(),
  region: z.string().min(1).default('us-east-1'),
  /** `true` for most self-hosted stores (MinIO, Ceph RGW, SeaweedFS, Garage). */
  forcePathStyle: z.boolean().default(false),
  buckets: z
    .strictObject({
      environments: z.string().min(1).default('environments'),
      staticEnvironments: z.string().min(1).default('static-environments'),
      rendered: z.string().min(1).default('platform-rendered'),
    })
    .prefault({}),
  /** Start on a store that ignores If-None-Match / If-Match (logs a loud warning). */
  unsafeWithoutConditionalWrites: z.boolean().default(false),
});

export type S3StoreConfig = z.infer<typeof s3StoreSchema>;

/**
 * The config file (YAML). Every key is optional; `prefault` lets nested defaults apply
 * when a whole section is left out. Parsed once at start; errors name the key path.
 */
export const configFileSchema = z.strictObject({
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().min(1).default('127.0.0.1'),
      /** How long shutdown waits for in-flight requests before closing connections. */
      shutdownTimeout: durationSchema.default('10s'),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** `fs` (the embedded default: a directory) or `s3` (any S3 API, see `s3`). */
      type: z.enum(['fs', 's3']).default('fs'),
      s3: s3StoreSchema.prefault({}),
      /** Directory holding the bucket directories; default `<data-dir>/buckets`. */
      path: z.string().min(1).optional(),
      /**
       * How often the change feed re-lists the buckets (comparing size, mtime and inode) to
       * catch watch events that were missed; the watch itself delivers changes within a second.
       */
      resyncInterval: durationSchema.default('5m'),
      /** Watch the bucket directories for changes; off, only the resync notices them. */
      watch: z.boolean().default(true),
    })
    .prefault({}),
  index: z
    .strictObject({
      /**
       * `memory` (the embedded default: the index, audit log, tokens and deployment records
       * of one process) or `postgres` (all of them in PostgreSQL, shared by several replicas).
       */
      type: z.enum(['memory', 'postgres']).default('memory'),
      postgres: z
        .strictObject({
          /**
           * `postgres://user@host:port/database`. The password may be in the URL or in
           * `PGPASSWORD` (preferred: the config file then holds no secret); never logged.
           */
          url: z.string().min(1).optional(),
          /** Connections per replica. */
          poolSize: z.number().int().min(2).max(100).default(10),
        })
        .prefault({}),
    })
    .prefault({})
    .refine((index) => index.type !== 'postgres' || index.postgres.url !== undefined, {
      message: 'index.postgres.url is required when index.type is postgres',
      path: ['postgres', 'url'],
    }),
  auth: z
    .strictObject({
      tokens: z.array(staticTokenSchema).default([]),
      /** Trusted OpenID Providers whose bearer JWTs (access tokens) are accepted. */
      oidc: oidcIssuersSchema.default([]),
    })
    .prefault({}),
  /** The tenancy model (YAML), relative to this file; reloaded on change. */
  tenancy: z.string().min(1).optional(),
  authorization: z
    .strictObject({
      /** Directory of operator `.cedar` policies, added to the generated ones. */
      policyDirectory: z.string().min(1).optional(),
      /** How often the tenancy file and the policy directory are checked for changes. */
      reloadInterval: durationSchema.default('2s'),
    })
    .prefault({}),
  access: z
    .strictObject({
      /**
       * Where `POST /api/v1/access/render` writes the access compiler's output (a checkout
       * of the GitOps repository), relative to this file. Unset: render and plan via the
       * API answer 404; `platformctl access render` works regardless.
       */
      outputDirectory: z.string().min(1).optional(),
    })
    .prefault({}),
  environmentTypes: environmentTypeOverridesSchema.default({}),
  /** Constraint kinds each environment type accepts, over the seed's recommendations. */
  versionPolicy: versionPolicySchema.default({}),
  deploy: deployConfigSchema.prefault({}),
  reaper: z
    .strictObject({
      interval: durationSchema.default('30s'),
    })
    .prefault({}),
  /** Webhook sinks for expiry warnings and lifecycle events (issue 15). */
  notifications: notificationsConfigSchema.prefault({}),
  /** Prometheus metrics (`GET /metrics`); docs/metrics.md lists every series. */
  metrics: z
    .strictObject({
      /** Off: no `/metrics` anywhere and nothing measured. */
      enabled: z.boolean().default(true),
      /**
       * A second listener serving only `/metrics`, without a token (for the scraper alone);
       * `/metrics` is then not on the API port. Unset: `/metrics` is on the API port.
       */
      port: z.number().int().min(0).max(65535).optional(),
      /** The metrics listener's address; default `server.host`. */
      host: z.string().min(1).optional(),
      /** Whether `/metrics` on the API port needs a valid bearer token (never on `port`). */
      requireToken: z.boolean().default(true),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info'),
    })
    .prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type StaticTokenConfig = z.infer<typeof staticTokenSchema>;
