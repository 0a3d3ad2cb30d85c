import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditService } from '../../app/audit-service.js';
import type { AuditRecord } from '../../ports/audit-log.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';

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
    seq: z.number().int().min(1).meta({ description: '1, 2, 3, … without gaps.' }),
    prev_hash: sha256Hex.meta({
      description: '`hash` of the previous record; 64 zeros for the first.',
    }),
    hash: sha256Hex.meta({
      description: 'Hex SHA-256 over the canonical JSON of every other field (stored names).',
    }),
  })
  .meta({ id: 'AuditRecord', description: 'One decision or mutation, hash-chained.' });

export const auditPageSchema = z
  .strictObject({
    items: z.array(auditRecordJsonSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });

export type AuditRecordJson = z.infer<typeof auditRecordJsonSchema>;

export function toAuditRecordJson(record: AuditRecord): AuditRecordJson {
  return {
    time: record.time,
    actor: record.actor,
    actor_kind: record.actorKind,
    action: record.action,
    target: record.target,
    decision: record.decision,
    policy_ids: [...record.policyIds],
    request_id: record.requestId,
    seq: record.seq,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** `/api/v1/audit`: the audit log, for callers allowed `audit:read`. */
export function auditRoutes(options: { service: AuditService }): Hono<HttpEnv> {
  const { service } = options;
  const routes = new Hono<HttpEnv>();

  routes.get('/', async (c) => {
    const page = await service.list(callerOf(c), c.req.query());
    const body: z.infer<typeof auditPageSchema> = {
      items: page.items.map(toAuditRecordJson),
      next_cursor: page.next_cursor,
    };
    return c.json(body);
  });

  routes.all('/', methodNotAllowed(['GET']));
  return routes;
}
