import { z } from 'zod';

const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>');

/** One artifact as resolved: where it lives, the tag chosen and the digest it pointed to. */
export const resolvedArtifactSchema = z.strictObject({
  repository: z.string().min(1),
  tag: z.string().min(1),
  digest: digestSchema,
});
export type ResolvedArtifactRecord = z.infer<typeof resolvedArtifactSchema>;

/** A service as deployed: the constraint it came from and its two artifacts (seed: image + `-ansible`). */
export const resolvedServiceSchema = z.strictObject({
  constraint: z.string().min(1),
  /** `claim`: named by the claim; `default`: the catalogue's default for the type; `explicit`: artifact references given in the claim. */
  source: z.enum(['claim', 'default', 'explicit']),
  /** `release` or `dev` (the seed's `--use-dev-tags`). */
  stream: z.enum(['release', 'dev']),
  image: resolvedArtifactSchema,
  deployment: resolvedArtifactSchema,
});
export type ResolvedService = z.infer<typeof resolvedServiceSchema>;
export type ResolvedSet = Readonly<Record<string, ResolvedService>>;

export const HISTORY_REASONS = [
  'created',
  'claim-changed',
  'newer-version',
  'rollback',
  'render-changed',
] as const;
export type HistoryReason = (typeof HISTORY_REASONS)[number];

const versionRefSchema = z.strictObject({ tag: z.string(), digest: digestSchema }).nullable();

/** What one service went from and to in a revision; `null`: absent on that side. */
export const serviceChangeSchema = z.strictObject({
  service: z.string(),
  from: versionRefSchema,
  to: versionRefSchema,
});
export type ServiceChange = z.infer<typeof serviceChangeSchema>;

export const historyEntrySchema = z.strictObject({
  revision: z.number().int().min(1),
  at: z.string(),
  reason: z.enum(HISTORY_REASONS),
  /** For `rollback`: the revision whose versions were restored. */
  rolled_back_to: z.number().int().min(1).optional(),
  content_digest: z.string(),
  changes: z.array(serviceChangeSchema),
  resolved: z.record(z.string(), resolvedServiceSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const DEPLOYMENT_PHASES = ['Pending', 'Rendered', 'Failed'] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/**
 * The platform's record of one environment's deployment, kept beside the rendered files
 * (never applied by Flux). The claim stays the truth of what was asked; this is what the
 * platform decided from it and when, so history and rollback survive restarts.
 */
export const deploymentRecordSchema = z.strictObject({
  environment: z.string(),
  phase: z.enum(DEPLOYMENT_PHASES),
  /** Why the phase is `Failed` (or still `Pending`); `null` when rendered. */
  reason: z.string().nullable(),
  /** The claim's etag this record was last decided for. */
  claim_etag: z.string(),
  /** Hash of the claim's services and deploy flags: a change clears a rollback pin. */
  request_hash: z.string(),
  /** Render revision: +1 whenever the rendered files change; 0 before the first render. */
  revision: z.number().int().min(0),
  /** SHA-256 over the rendered files (paths and contents); `null` before the first render. */
  content_digest: z.string().nullable(),
  rendered_at: z.string().nullable(),
  /** When versions were last resolved against the registry (or tried). */
  resolved_at: z.string().nullable(),
  resolved: z.record(z.string(), resolvedServiceSchema),
  /** Set by a rollback: versions stay at this revision's until the claim's services change. */
  pinned_revision: z.number().int().min(1).nullable(),
  /** Newest last; at most `MAX_HISTORY` entries. */
  history: z.array(historyEntrySchema),
});
export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

/** History kept per environment; older revisions drop off (and can no longer be rolled back to). */
export const MAX_HISTORY = 50;
