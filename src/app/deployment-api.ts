import { rollbackRequestSchema } from '../api/schemas/deployments.js';
import type {
  DeploymentPhase,
  DeploymentRecord,
  HistoryEntry,
  ResolvedService,
} from '../domain/deployments/deployment-record.js';
import { ConflictError, InputError, NotFoundError } from '../domain/errors.js';
import { dnsLabelProblem } from '../domain/claims/names.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import type { ClaimIndex, IndexedEnvironment } from '../ports/claim-index.js';
import type { Caller } from '../ports/principal.js';
import type { AccessGuard } from './access-guard.js';
import type { Deployer } from './deployer.js';
import { toEnvironmentResource } from './environment-view.js';

/** `status.deployment` of an environment: what the deployer decided and rendered. */
export interface DeploymentStatus {
  readonly phase: DeploymentPhase;
  readonly reason: string | null;
  /** Render revision (0 before the first render). */
  readonly revision: number;
  readonly content_digest: string | null;
  readonly rendered_at: string | null;
  readonly resolved_at: string | null;
  /** Set after a rollback: versions stay there until the claim's services change. */
  readonly pinned_revision: number | null;
  readonly resolved: Readonly<Record<string, ResolvedService>>;
}

export interface DeploymentHistory {
  readonly environment: string;
  readonly revision: number;
  readonly pinned_revision: number | null;
  /** Newest first. */
  readonly items: readonly HistoryEntry[];
}

/**
 * The deployment status, as the API shows it. A record decided for an older version of
 * the claim reads `Pending`: the change has not been rendered yet.
 */
export function deploymentStatus(
  environment: IndexedEnvironment,
  record: DeploymentRecord | undefined,
): DeploymentStatus {
  if (!record) {
    return {
      phase: 'Pending',
      reason: 'not rendered yet',
      revision: 0,
      content_digest: null,
      rendered_at: null,
      resolved_at: null,
      pinned_revision: null,
      resolved: {},
    };
  }
  const stale = record.claim_etag !== environment.etag;
  return {
    phase: stale ? 'Pending' : record.phase,
    reason: stale ? 'the claim changed; rendering' : record.reason,
    revision: record.revision,
    content_digest: record.content_digest,
    rendered_at: record.rendered_at,
    resolved_at: record.resolved_at,
    pinned_revision: record.pinned_revision,
    resolved: record.resolved,
  };
}

export interface DeploymentApi {
  /** No authorization: for callers that already may read the environment. */
  readonly status: (environment: IndexedEnvironment) => Promise<DeploymentStatus>;
  readonly history: (caller: Caller, name: string) => Promise<DeploymentHistory>;
  readonly rollback: (caller: Caller, name: string, body: unknown) => Promise<DeploymentStatus>;
}

/** History and rollback for callers, authorized like reading and updating the environment. */
export function createDeploymentApi(deps: {
  deployer: Deployer;
  index: ClaimIndex;
  guard: AccessGuard;
}): DeploymentApi {
  const { deployer, index, guard } = deps;

  async function existing(name: string): Promise<IndexedEnvironment> {
    const problem = dnsLabelProblem(name);
    if (problem) {
      throw new InputError(`Invalid environment name '${name}'`, [
        { path: 'name', message: problem },
      ]);
    }
    const environment = await index.get(name);
    if (!environment) throw new NotFoundError(`environment '${name}' not found`);
    return environment;
  }

  return {
    async status(environment) {
      return deploymentStatus(
        environment,
        await deployer.record(environment.claim.environment_name),
      );
    },

    async history(caller, name) {
      const environment = await existing(name);
      await guard.require(caller, 'environment:read', toEnvironmentResource(environment));
      const record = await deployer.record(name);
      return {
        environment: name,
        revision: record?.revision ?? 0,
        pinned_revision: record?.pinned_revision ?? null,
        items: [...(record?.history ?? [])].reverse(),
      };
    },

    async rollback(caller, name, body) {
      const parsed = rollbackRequestSchema.safeParse(body);
      if (!parsed.success) {
        throw new InputError('Invalid rollback request', toFieldErrors(parsed.error));
      }
      const environment = await existing(name);
      await guard.require(caller, 'environment:update', toEnvironmentResource(environment));
      const outcome = await deployer.rollback(name, parsed.data.revision);
      const current = (await index.get(name)) ?? environment;
      const status = deploymentStatus(current, outcome.record);
      if (status.phase === 'Failed') {
        throw new ConflictError(
          `environment '${name}' could not be rolled back to revision ${parsed.data.revision}: ${status.reason ?? 'unknown reason'}`,
        );
      }
      return status;
    },
  };
}
