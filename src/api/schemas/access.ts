import { z } from 'zod';
import { ACTIONS } from '../../domain/policy/actions.js';

const groupPathSchema = z.object({
  group: z.string().meta({ description: 'e.g. `product:koa:developer`, `idp:<IdP group>`' }),
  path: z
    .array(z.string())
    .meta({ description: 'From the principal to the group, reason by reason' }),
});

/** `GET /api/v1/access/explain`. */
export const explainResultSchema = z
  .object({
    decision: z.enum(['allow', 'deny']),
    principal: z.object({
      subject: z.string(),
      kind: z.string(),
      groups: z.array(z.string()),
    }),
    action: z.string(),
    resource: z.string(),
    policy_ids: z
      .array(z.string())
      .meta({ description: 'The policies that decided: permits for an allow, forbids for a deny' }),
    via: z.array(groupPathSchema).meta({ description: 'Groups named by those policies' }),
    memberships: z.array(groupPathSchema),
  })
  .meta({ id: 'AccessExplanation' });

/** `GET /api/v1/tenancy/status`. */
export const tenancyStatusSchema = z
  .object({
    state: z.enum(['ok', 'error']),
    tenancy: z.string().nullable(),
    policy_directory: z.string().nullable(),
    revision: z.string(),
    loaded_at: z.string(),
    checked_at: z.string(),
    counts: z.object({
      organizations: z.number().int(),
      products: z.number().int(),
      pools: z.number().int(),
      policies: z.number().int(),
      operator_policies: z.number().int(),
    }),
    warnings: z.array(z.object({ path: z.string(), message: z.string() })).meta({
      description:
        'What the model in force may get wrong without being refused (e.g. a Grafana group without an IdP object id)',
    }),
    last_error: z
      .object({
        at: z.string(),
        message: z.string(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      })
      .nullable()
      .meta({ description: 'Why the last change was rejected; the previous version is in force' }),
  })
  .meta({ id: 'TenancyStatus' });

/** The query string of `GET /api/v1/access/explain`. */
export const explainQuerySchema = z.strictObject({
  principal: z.string().min(1).optional().meta({
    description: '`user:<subject>`, `service:<name>` or a subject; default: the caller',
  }),
  groups: z.string().optional().meta({
    description: 'IdP groups to assume for another principal, comma-separated',
  }),
  action: z.enum(ACTIONS),
  resource: z.string().min(1).meta({
    description: '`environment/<name>`, `platform`, `user/<subject>` or `service/<name>`',
  }),
  pool: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'For an environment that does not exist yet (a create)' }),
  type: z.string().min(1).optional(),
});
