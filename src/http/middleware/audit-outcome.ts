import type { Logger } from 'pino';
import type { AuditOutcome } from '../../ports/audit-log.js';
import { problemKindOf } from '../problem.js';
import type { RequestObserver } from './observe-requests.js';

/** The outcome of an answered request, as the audit log records it. */
export function outcomeOf(status: number, error: unknown): AuditOutcome {
  if (status < 400) return { result: 'succeeded', status, problem: null };
  return { result: 'failed', status, problem: error === undefined ? null : problemKindOf(error) };
}

/**
 * After each API request, appends the outcome of every audit record the request made. Not
 * awaited: the answer does not wait for a second commit (the intent, appended before the
 * action, is what fails closed). A crash in between leaves an intent with no outcome, which
 * the audit API shows as `outcome: null`.
 */
export function auditOutcome(options: {
  settle: (requestId: string, outcome: AuditOutcome) => Promise<void>;
  logger: Logger;
}): RequestObserver {
  const { settle, logger } = options;
  return {
    finished(c, { status }) {
      if (!c.req.path.startsWith('/api/')) return;
      const requestId = c.get('requestId');
      // Hono has already turned a thrown error into the answer (`onError`) by now.
      settle(requestId, outcomeOf(status, c.error)).catch((error: unknown) => {
        logger.error({ err: error, request_id: requestId }, 'audit: could not record an outcome');
      });
    },
  };
}
