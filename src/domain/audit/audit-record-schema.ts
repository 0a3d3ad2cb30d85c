import { z } from 'zod';
import type { AuditRecord } from '../../ports/audit-log.js';
import { timestampSchema } from '../claims/claim-schema.js';
import { toFieldErrors } from '../shared/zod-errors.js';

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

/**
 * One line of `audit.jsonl`: an `AuditRecord` exactly, field names as in the port. Strict,
 * so a field added by hand is reported rather than silently left out of the hash.
 */
export const auditRecordSchema = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  time: timestampSchema,
  // Whatever the authenticator called the caller: an odd subject is recorded, not refused.
  actor: z.string(),
  actorKind: z.enum(['user', 'service', 'system']),
  action: z.string().min(1),
  target: z.string().min(1),
  decision: z.enum(['allow', 'deny']),
  policyIds: z.array(z.string()),
  requestId: z.string().nullable(),
  outcome: z
    .strictObject({
      result: z.enum(['succeeded', 'failed']),
      status: z.number().int().min(100).max(599).nullable(),
      problem: z.string().nullable(),
    })
    .optional(),
  intentSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  object: z
    .strictObject({ bucket: z.string(), key: z.string(), etag: z.string().nullable() })
    .optional(),
  detail: z.string().optional(),
  prevHash: sha256HexSchema,
  hash: sha256HexSchema,
}) satisfies z.ZodType<AuditRecord>;

/** The end of a chain: the last record's `seq` and `hash`. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** `audit.head`: the head after the last acknowledged append. */
export const auditHeadSchema = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  hash: sha256HexSchema,
}) satisfies z.ZodType<AuditHead>;

export type ParsedLine =
  | { readonly ok: true; readonly record: AuditRecord }
  | { readonly ok: false; readonly reason: string };

/** Parses one line of the log; `reason` says in a few words why it is not a record. */
export function parseAuditLine(line: string): ParsedLine {
  if (line.trim() === '') return { ok: false, reason: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = auditRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const first = toFieldErrors(parsed.error)[0];
  return { ok: false, reason: first ? `${first.path}: ${first.message}` : 'not an audit record' };
}
