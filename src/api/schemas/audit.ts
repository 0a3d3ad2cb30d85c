import { z } from 'zod';
import { timestampSchema } from '../../domain/claims/claim-schema.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** One audit record as the API shows it: the stored record with snake_case names. */
export const auditRecordJsonSchema = z
  .strictObject({
    time: z.string().meta({ description: 'RFC 3339 instant of the decision.' }),
    actor: z.string().meta({ description: 'Subject, or `system:<controller>`.' }),
    actor_kind: z.enum(['user', 'service', 'system']),
    action: z.string().meta({ examples: ['environment:create'] }),
    target: z.string().meta({ examples: ['environment/sue-poc', 'platform'] }),
    decision: z.enum(['allow', 'deny']),
    policy_ids: z.array(z.string()),
    request_id: z.string().nullable(),
    outcome: z
      .strictObject({
        result: z.enum(['succeeded', 'failed']),
        status: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'The HTTP status answered; null for work without a request.' }),
        problem: z.string().nullable().meta({
          description: "The error's kind when it failed (`INPUT`, `NOT_FOUND`, … or `INTERNAL`).",
        }),
        seq: z.number().int().min(1).meta({
          description:
            'The record holding the outcome: this one for a deny, system work or a change seen in a bucket; a later one, linked by request id, for an allowed mutation.',
        }),
        time: z.string(),
      })
      .nullable()
      .meta({
        description:
          'How the action ended. null: not recorded yet (still running, or the service stopped before it could append it).',
      }),
    object: z
      .strictObject({ bucket: z.string(), key: z.string(), etag: z.string().nullable() })
      .optional()
      .meta({ description: 'The object of a change seen in a bucket (`system:bucket-watcher`).' }),
    detail: z
      .string()
      .optional()
      .meta({ description: 'Why, e.g. the reasons a claim was rejected.' }),
    seq: z.number().int().min(1).meta({ description: '1, 2, 3, … without gaps.' }),
    prev_hash: sha256Hex.meta({
      description: '`hash` of the previous record; 64 zeros for the first.',
    }),
    hash: sha256Hex.meta({
      description:
        'Hex SHA-256 over the canonical JSON of the stored record (stored names): every field here but `hash`, with `outcome` only when this record holds it.',
    }),
  })
  .meta({ id: 'AuditRecord', description: 'One decision or mutation, hash-chained.' });

export const auditPageSchema = z
  .strictObject({
    items: z.array(auditRecordJsonSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });

export const AUDIT_DEFAULT_PAGE_SIZE = 100;
export const AUDIT_MAX_PAGE_SIZE = 500;

/** The query string of `GET /api/v1/audit`. Unknown parameters are refused, not ignored. */
export const auditListQuerySchema = z
  .strictObject({
    actor: z.string().min(1).optional().meta({ description: 'Exact subject' }),
    action: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Exact action, e.g. `environment:create`' }),
    decision: z.enum(['allow', 'deny']).optional(),
    target: z.string().min(1).optional().meta({
      description: 'Exact target, or a prefix ending in `/` (e.g. `environment/`)',
    }),
    since: timestampSchema
      .optional()
      .meta({ description: 'Inclusive RFC 3339 lower bound on `time`' }),
    until: timestampSchema
      .optional()
      .meta({ description: 'Inclusive RFC 3339 upper bound on `time`' }),
    limit: z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE_SIZE).default(AUDIT_DEFAULT_PAGE_SIZE),
    cursor: z
      .string()
      .min(1)
      .optional()
      .meta({ description: '`next_cursor` of the previous page' }),
  })
  .refine(
    (query) =>
      query.since === undefined ||
      query.until === undefined ||
      Date.parse(query.since) <= Date.parse(query.until),
    { path: ['until'], message: 'must not be before since' },
  );
