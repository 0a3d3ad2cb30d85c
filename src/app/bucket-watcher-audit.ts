import type { Logger } from 'pino';
import type { AuditEntry, AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { ObservedChange } from './claim-sync.js';

/** The actor of changes nobody asked the platform for (issue 15). */
export const BUCKET_WATCHER = 'system:bucket-watcher';

/** Longest `detail` kept: a rejected document can have many reasons. */
const MAX_DETAIL_CHARS = 2000;

/** The audit entry of a change found in a bucket. Pure. */
export function observedChangeEntry(change: ObservedChange, time: Date): AuditEntry {
  const rejected = change.change === 'rejected';
  const detail = change.reasons
    ?.map((reason) => `${reason.path}: ${reason.message}`)
    .join('; ')
    .slice(0, MAX_DETAIL_CHARS);
  return {
    time: time.toISOString(),
    actor: BUCKET_WATCHER,
    actorKind: 'system',
    action: rejected ? 'bucket:claim-rejected' : `bucket:object-${change.change}`,
    target:
      change.environment === undefined
        ? `object/${change.bucket}/${change.key}`
        : `environment/${change.environment}`,
    // Nobody was asked: the change had happened when the platform saw it.
    decision: 'allow',
    policyIds: [],
    requestId: null,
    outcome: rejected
      ? { result: 'failed', status: null, problem: 'INPUT' }
      : { result: 'succeeded', status: null, problem: null },
    object: { bucket: change.bucket, key: change.key, etag: change.etag },
    ...(detail === undefined ? {} : { detail }),
  };
}

/**
 * Records each change the feed found that the platform did not make. Never blocks the feed
 * nor fails it: an append that fails is logged (the change itself is in the index anyway).
 */
export function createBucketWatcherAudit(deps: {
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}): (change: ObservedChange) => void {
  const { audit, clock, logger } = deps;
  return (change) => {
    audit.append(observedChangeEntry(change, clock.now())).catch((error: unknown) => {
      logger.error(
        { err: error, bucket: change.bucket, key: change.key },
        'audit: could not record a change seen in a bucket',
      );
    });
  };
}
