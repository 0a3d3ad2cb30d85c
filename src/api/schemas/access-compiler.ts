import { z } from 'zod';
import { GRANT_LEVELS } from '../../domain/access/access-output.js';

/** Response schemas of the access compiler routes (OpenAPI components and test parsers). */

const grantSchema = z
  .object({
    tool: z.string(),
    subject: z.object({
      kind: z.enum(['user', 'group', 'serviceAccount', 'repository']),
      name: z.string(),
    }),
    permission: z.string(),
    level: z.enum(GRANT_LEVELS),
    product: z.string().optional(),
    namespace: z.string().optional(),
    cluster: z.string().optional(),
    realm: z.string().optional(),
    repository: z.string().optional(),
    file: z.string().meta({ description: 'The generated file that makes the grant' }),
  })
  .meta({ id: 'AccessGrant' });

export const renderedAccessSchema = z
  .object({
    files: z.array(
      z.object({
        path: z.string(),
        tool: z.string(),
        sha256: z.string(),
        objects: z.array(z.string()),
        content: z.string(),
      }),
    ),
  })
  .meta({ id: 'RenderedAccess' });

export const accessPlanSchema = z
  .object({
    directory: z.string(),
    counts: z.object({ add: z.number().int(), change: z.number().int(), remove: z.number().int() }),
    changes: z.array(
      z.object({
        action: z.enum(['add', 'change', 'remove']),
        path: z.string(),
        tool: z.string(),
        objects: z.array(z.string()),
        editedByHand: z.boolean(),
      }),
    ),
    unchanged: z.number().int(),
    conflicts: z
      .array(z.string())
      .meta({ description: 'Hand-made files where the compiler would write; render refuses' }),
    unmanaged: z.array(z.string()).meta({ description: 'Hand-made files, left alone' }),
  })
  .meta({ id: 'AccessPlan' });

const because = z.string();

export const userAccessSchema = z
  .object({
    user: z.string(),
    known: z.boolean(),
    platformAdmin: because.optional(),
    groups: z.array(z.object({ group: z.string(), because })),
    roles: z.array(z.object({ product: z.string(), role: z.string(), because })),
    grants: z.array(grantSchema.extend({ via: because })),
  })
  .meta({ id: 'UserAccess' });

export const whoCanSchema = z
  .object({
    query: z.object({
      tool: z.string(),
      level: z.enum(GRANT_LEVELS),
      namespace: z.string().optional(),
    }),
    product: z.string().optional(),
    grants: z.array(grantSchema),
    users: z.array(z.string()),
    groups: z.array(z.object({ name: z.string(), members: z.array(z.string()) })),
    others: z.array(z.object({ kind: z.string(), name: z.string() })),
  })
  .meta({ id: 'WhoCan' });

/** The query string of `GET /api/v1/access/who-can`. */
export const whoCanQuerySchema = z.strictObject({
  tool: z.string().min(1),
  level: z.enum(GRANT_LEVELS),
  namespace: z.string().min(1).optional(),
});

/** The query string of `GET /api/v1/access/render`. */
export const renderQuerySchema = z.strictObject({
  tool: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Only this tool folder: idp, keycloak, kubernetes, argocd, …' }),
});

/** The path of `GET /api/v1/access/users/{user}`. */
export const userParamsSchema = z.strictObject({ user: z.string() });
