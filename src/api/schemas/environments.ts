import { z } from 'zod';
import { claimSchema } from '../../domain/claims/claim-schema.js';
import { DEPLOYMENT_PHASES } from '../../domain/deployments/deployment-record.js';
import { environmentTypeSchema } from '../../domain/environment-types/environment-type.js';
import { CONSTRAINT_KINDS } from '../../domain/versions/constraint.js';
import { BUCKETS } from '../../ports/claim-store.js';
import { deploymentStatusSchema } from './deployments.js';

/**
 * Response documents of the API. Their TypeScript types come from the app layer; these
 * schemas describe them for the OpenAPI document, and the route tests parse real
 * responses with them so the two cannot drift apart.
 */
const fieldErrorSchema = z
  .strictObject({ path: z.string(), message: z.string() })
  .meta({ id: 'FieldError' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export const environmentStatusSchema = z
  .strictObject({
    bucket: z.enum(BUCKETS),
    managed_by: z.enum(['api', 'git']),
    expires_at: z.string().nullable(),
    expires_in: z.number().int().min(0).nullable().meta({
      description:
        'Seconds until `expires_at` when the server answered; 0 once passed (expired, not yet deleted by the reaper); null for an environment that does not expire.',
    }),
    expiring: z.boolean().meta({
      description:
        "True within the environment type's `expiry.warnBefore` window (default 2 h) or once expired; false without expiry.",
    }),
    etag: z.string(),
    phase: z
      .enum(DEPLOYMENT_PHASES)
      .optional()
      .meta({ description: "The deployer's phase; `Pending` until it decided this claim." }),
    versions: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Service → image tag last deployed.' }),
    deployment: deploymentStatusSchema.optional(),
    allowed_actions: z
      .array(z.enum(['environment:update', 'environment:extend', 'environment:delete']))
      .optional()
      .meta({
        description:
          'On `GET /api/v1/environments/{name}` only: the changes the caller may make, decided by the same authorizer as the changes themselves. `environment:update` also allows a rollback; a static environment allows none.',
      }),
  })
  .meta({ id: 'EnvironmentStatus', description: 'Read-only, derived by the server.' });

export const environmentViewSchema = z
  .intersection(claimSchema, z.object({ status: environmentStatusSchema }))
  .meta({ id: 'Environment', description: 'The stored claim plus a read-only status.' });

export const environmentPageSchema = z
  .strictObject({
    items: z.array(environmentViewSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'EnvironmentPage' });

export const rejectedClaimSchema = z
  .strictObject({
    bucket: z.enum(BUCKETS),
    key: z.string(),
    reasons: z.array(fieldErrorSchema),
    observed_at: z.string(),
  })
  .meta({ id: 'RejectedClaim' });

export const rejectedClaimListSchema = z
  .strictObject({ items: z.array(rejectedClaimSchema) })
  .meta({ id: 'RejectedClaimList' });

export const environmentTypeListSchema = z
  .strictObject({
    items: z.array(
      z.intersection(
        z.object({
          name: z.string(),
          version_constraints: z.array(z.enum(CONSTRAINT_KINDS)).meta({
            description:
              "The version constraint kinds the type's services may use (the configured `versionPolicy`): `anchored` (v1.2.3), `caret` (^1.0.0), `pattern` (1.x), `range` (>=1.2.0, <2.0.0), `any` (* or latest).",
          }),
        }),
        environmentTypeSchema,
      ),
    ),
  })
  .meta({ id: 'EnvironmentTypeList' });

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The query string of `GET /api/v1/environments`. Unknown parameters are refused. */
export const listQuerySchema = z.strictObject({
  type: z.string().min(1).optional(),
  pool: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  q: z.string().min(1).max(256).optional().meta({
    description:
      'Only environments whose name, a service name or the user contain this text (case-insensitive)',
  }),
  phase: z.enum(DEPLOYMENT_PHASES).optional().meta({
    description:
      'Only environments in this deployer phase (`status.phase`); 400 where no deployer runs',
  }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).optional().meta({ description: '`next_cursor` of the previous page' }),
});

/** The path of every `/api/v1/environments/{name}…` route. */
export const environmentNameParamsSchema = z.strictObject({
  name: z.string().meta({ description: 'The environment_name.' }),
});

/** `If-Match: "etag"` on a change: only act on the version the client saw (412 otherwise). */
export const ifMatchHeadersSchema = z.object({
  'if-match': z.string().optional().meta({
    description: 'Only act if the environment still has this ETag; 412 otherwise.',
  }),
});
