import type { z } from 'zod';
import type { auditPageSchema, auditRecordJsonSchema } from '../../api/schemas/audit.js';
import type * as definitions from '../../api/routes/audit.js';
import type { AuditService } from '../../app/audit-service.js';
import type { AuditRecord } from '../../ports/audit-log.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';

export type AuditRecordJson = z.infer<typeof auditRecordJsonSchema>;

/** A listed item as the API shows it: the record, with its outcome wherever it is held. */
export function toAuditRecordJson(
  record: AuditRecord,
  outcomeRecord: AuditRecord | undefined = undefined,
): AuditRecordJson {
  const holder = record.outcome ? record : outcomeRecord;
  const outcome = holder?.outcome
    ? { ...holder.outcome, seq: holder.seq, time: holder.time }
    : null;
  return {
    time: record.time,
    actor: record.actor,
    actor_kind: record.actorKind,
    action: record.action,
    target: record.target,
    decision: record.decision,
    policy_ids: [...record.policyIds],
    request_id: record.requestId,
    outcome,
    ...(record.object === undefined ? {} : { object: { ...record.object } }),
    ...(record.detail === undefined ? {} : { detail: record.detail }),
    seq: record.seq,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** `/api/v1/audit`: the audit log, for callers allowed `audit:read`. */
export function auditHandlers(options: {
  service: AuditService;
}): RouteHandlers<typeof definitions> {
  const { service } = options;
  return {
    listAudit: async (c) => {
      const page = await service.list(callerOf(c), c.req.query());
      const body: z.infer<typeof auditPageSchema> = {
        items: page.items.map((item) => toAuditRecordJson(item.record, item.outcome)),
        next_cursor: page.next_cursor,
      };
      return c.json(body);
    },
  };
}
