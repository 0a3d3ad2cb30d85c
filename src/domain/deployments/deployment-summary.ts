import type { DeploymentPhase, DeploymentRecord } from './deployment-record.js';

/**
 * What the index keeps of an environment's deployment record, so listings show and filter
 * by phase and versions without reading one record per environment. Small on purpose: the
 * record (history, digests, artifacts) stays in the rendered store for single reads.
 */
export interface DeploymentSummary {
  readonly phase: DeploymentPhase;
  readonly reason: string | null;
  /** The claim's etag the record was decided for: another etag means the change is pending. */
  readonly claimEtag: string;
  readonly revision: number;
  /** Service name → the image tag deployed. */
  readonly versions: Readonly<Record<string, string>>;
}

export function summaryOf(record: DeploymentRecord): DeploymentSummary {
  const versions: Record<string, string> = {};
  for (const [service, resolved] of Object.entries(record.resolved)) {
    versions[service] = resolved.image.tag;
  }
  return {
    phase: record.phase,
    reason: record.reason,
    claimEtag: record.claim_etag,
    revision: record.revision,
    versions,
  };
}

/**
 * The phase an environment shows: `Pending` until the deployer decided the claim as it is
 * now (no summary yet, or one for an older etag).
 */
export function currentPhase(
  summary: DeploymentSummary | undefined,
  etag: string,
): DeploymentPhase {
  return summary !== undefined && summary.claimEtag === etag ? summary.phase : 'Pending';
}
