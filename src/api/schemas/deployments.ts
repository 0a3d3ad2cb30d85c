import { z } from 'zod';
import {
  DEPLOYMENT_PHASES,
  historyEntrySchema,
  resolvedServiceSchema,
} from '../../domain/deployments/deployment-record.js';

/** `status.deployment` of `GET /api/v1/environments/{name}`: what the deployer decided. */
export const deploymentStatusSchema = z
  .strictObject({
    phase: z.enum(DEPLOYMENT_PHASES),
    reason: z.string().nullable(),
    revision: z.number().int(),
    content_digest: z.string().nullable(),
    rendered_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    pinned_revision: z.number().int().nullable(),
    resolved: z.record(z.string(), resolvedServiceSchema.meta({ id: 'ResolvedService' })),
  })
  .meta({
    id: 'DeploymentStatus',
    description:
      'Pending: not rendered for the current claim yet. Rendered: the desired state is written. Failed: `reason` says why; the last rendered files stay.',
  });

export const deploymentHistorySchema = z
  .strictObject({
    environment: z.string(),
    revision: z.number().int(),
    pinned_revision: z.number().int().nullable(),
    items: z.array(historyEntrySchema.meta({ id: 'DeploymentHistoryEntry' })),
  })
  .meta({ id: 'DeploymentHistory', description: 'Render revisions, newest first.' });

/** The body of `POST /api/v1/environments/{name}/rollback`. */
export const rollbackRequestSchema = z
  .strictObject({
    revision: z.number().int().min(1).meta({ description: 'A revision from the history.' }),
  })
  .meta({ id: 'RollbackRequest' });
