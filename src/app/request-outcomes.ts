import type { Logger } from 'pino';
import type { AuditLog, AuditOutcome, AuditRecord } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';

/**
 * Pairs each audit record appended while serving a request with an outcome record once the
 * answer is known (issue 15: a create that failed with 400 must not read as a bare `allow`).
 * The intent is still appended before the action (the guard fails closed); the outcome
 * follows the answer, linked by request id and `intentSeq`.
 */
export interface RequestOutcomes {
  /** Notes a record appended for request `requestId` (a rejection is ignored: no record). */
  track(requestId: string, recorded: Promise<AuditRecord>): void;
  /**
   * Appends `outcome` once for every record tracked for `requestId`, then forgets them.
   * Resolves when those appends are durable; rejects if one could not be written.
   */
  settle(requestId: string, outcome: AuditOutcome): Promise<void>;
}

/**
 * Requests with records but no outcome yet, at most. The HTTP layer settles every request
 * it serves, so this bounds only a caller that tracks without settling (a bug): the oldest
 * are dropped with a warning rather than kept for ever.
 */
const MAX_OPEN_REQUESTS = 10_000;

export function createRequestOutcomes(deps: {
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}): RequestOutcomes {
  const { audit, clock, logger } = deps;
  const open = new Map<string, Promise<AuditRecord | undefined>[]>();

  return {
    track(requestId, recorded) {
      let records = open.get(requestId);
      if (!records) {
        if (open.size >= MAX_OPEN_REQUESTS) {
          const oldest = open.keys().next().value as string;
          open.delete(oldest);
          logger.warn({ request_id: oldest }, 'audit: dropped a request never settled');
        }
        records = [];
        open.set(requestId, records);
      }
      // The request itself awaits `recorded` and answers its failure; here it only means
      // there is no intent to complete.
      records.push(recorded.catch(() => undefined));
    },

    async settle(requestId, outcome) {
      const records = open.get(requestId);
      if (!records) return;
      open.delete(requestId);
      const intents = (await Promise.all(records)).filter((r) => r !== undefined);
      await Promise.all(
        intents.map((intent) =>
          audit.append({
            time: clock.now().toISOString(),
            actor: intent.actor,
            actorKind: intent.actorKind,
            action: intent.action,
            target: intent.target,
            decision: intent.decision,
            policyIds: [],
            requestId,
            outcome,
            intentSeq: intent.seq,
          }),
        ),
      );
    },
  };
}
