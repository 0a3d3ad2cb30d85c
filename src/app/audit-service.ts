import { auditListQuerySchema } from '../api/schemas/audit.js';
import { InputError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import type { AuditLog, AuditRecord } from '../ports/audit-log.js';
import type { Caller } from '../ports/principal.js';
import type { AccessGuard } from './access-guard.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * A record as listed: an intent with the record of its outcome (`undefined` while none is
 * written: still running, or the process stopped before it could be), or a complete record
 * (a deny, the platform's own work, a change seen in a bucket) that holds its outcome.
 */
export interface AuditItem {
  readonly record: AuditRecord;
  readonly outcome: AuditRecord | undefined;
}

export interface AuditPage {
  readonly items: AuditItem[];
  readonly next_cursor: string | null;
}

export interface AuditService {
  /** One page of records in `seq` order. Requires `audit:read` on the platform. */
  list(caller: Caller, rawQuery: Record<string, string>): Promise<AuditPage>;
}

// Cursors are opaque to clients; the prefix keeps an environment cursor from passing as one.
const CURSOR_PREFIX = 'audit:';

function encodeAuditCursor(seq: number): string {
  return encodeCursor(`${CURSOR_PREFIX}${seq}`);
}

function decodeAuditCursor(cursor: string): number {
  const text = decodeCursor(cursor);
  const seq = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^[1-9][0-9]{0,15}$/.test(seq) || !Number.isSafeInteger(Number(seq))) {
    throw new InputError('Invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return Number(seq);
}

/** Reading the audit log: for administrators, with filters and cursor pagination. */
export function createAuditService(deps: { audit: AuditLog; guard: AccessGuard }): AuditService {
  const { audit, guard } = deps;
  return {
    async list(caller, rawQuery) {
      // Permission first: a caller who may not read the log learns nothing from a 400.
      await guard.require(caller, 'audit:read', { kind: 'platform' });
      const parsed = auditListQuerySchema.safeParse(rawQuery);
      if (!parsed.success) throw new InputError('Invalid query', toFieldErrors(parsed.error));
      const query = parsed.data;
      const page = await audit.query({
        actor: query.actor,
        action: query.action,
        decision: query.decision,
        target: query.target,
        since: query.since,
        until: query.until,
        afterSeq: query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor),
        // Outcomes are shown with their intents, not as items of their own.
        excludeOutcomes: true,
        limit: query.limit,
      });
      const intents = page.items.filter((record) => record.outcome === undefined);
      const outcomes = new Map<number, AuditRecord>();
      for (const outcome of await audit.outcomesOf(intents.map((record) => record.seq))) {
        if (outcome.intentSeq !== undefined) outcomes.set(outcome.intentSeq, outcome);
      }
      const last = page.items.at(-1);
      return {
        items: page.items.map((record) => ({ record, outcome: outcomes.get(record.seq) })),
        next_cursor: page.hasMore && last ? encodeAuditCursor(last.seq) : null,
      };
    },
  };
}
