import {
  MAX_HISTORY,
  type DeploymentRecord,
  type HistoryReason,
  type ResolvedSet,
} from './deployment-record.js';
import { resolvedChanges } from './resolved-changes.js';

export interface ClaimSeen {
  readonly environment: string;
  readonly claimEtag: string;
  /** Hash of what the claim asks for (services, deploy flags). */
  readonly requestHash: string;
}

/** The record of a successful render. A new revision only when the files changed. */
export function recordRendered(args: {
  previous: DeploymentRecord | undefined;
  seen: ClaimSeen;
  resolved: ResolvedSet;
  contentDigest: string;
  now: string;
  pinnedRevision: number | null;
  /** Set for a rollback: the revision whose versions were restored. */
  rolledBackTo?: number;
}): DeploymentRecord {
  const { previous, seen, resolved, contentDigest, now, pinnedRevision, rolledBackTo } = args;
  const base = {
    environment: seen.environment,
    phase: 'Rendered' as const,
    reason: null,
    claim_etag: seen.claimEtag,
    request_hash: seen.requestHash,
    resolved_at: now,
    resolved: { ...resolved },
    pinned_revision: pinnedRevision,
  };
  if (previous && previous.content_digest === contentDigest) {
    return { ...previous, ...base };
  }
  const revision = (previous?.revision ?? 0) + 1;
  const changes = resolvedChanges(previous?.resolved ?? {}, resolved);
  const entry = {
    revision,
    at: now,
    reason: historyReason(previous, seen, changes.length > 0, rolledBackTo),
    ...(rolledBackTo === undefined ? {} : { rolled_back_to: rolledBackTo }),
    content_digest: contentDigest,
    changes,
    resolved: { ...resolved },
  };
  return {
    ...base,
    revision,
    content_digest: contentDigest,
    rendered_at: now,
    history: [...(previous?.history ?? []), entry].slice(-MAX_HISTORY),
  };
}

function historyReason(
  previous: DeploymentRecord | undefined,
  seen: ClaimSeen,
  versionsChanged: boolean,
  rolledBackTo: number | undefined,
): HistoryReason {
  if (rolledBackTo !== undefined) return 'rollback';
  if (!previous || previous.revision === 0) return 'created';
  if (previous.request_hash !== seen.requestHash) return 'claim-changed';
  return versionsChanged ? 'newer-version' : 'render-changed';
}

/**
 * The record of a failed attempt: the phase says why, and everything last rendered stays
 * (the files in the bucket are untouched, so the environment keeps running what it ran).
 */
export function recordFailed(args: {
  previous: DeploymentRecord | undefined;
  seen: ClaimSeen;
  reason: string;
  now: string;
}): DeploymentRecord {
  const { previous, seen, reason, now } = args;
  return {
    environment: seen.environment,
    revision: 0,
    content_digest: null,
    rendered_at: null,
    resolved: {},
    pinned_revision: null,
    history: [],
    ...previous,
    phase: 'Failed',
    reason,
    claim_etag: seen.claimEtag,
    request_hash: seen.requestHash,
    resolved_at: now,
  };
}
