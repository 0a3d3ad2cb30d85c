import type { Logger } from 'pino';
import type { Claim } from '../domain/claims/claim-schema.js';
import {
  deploymentRecordSchema,
  type DeploymentRecord,
  type ResolvedService,
} from '../domain/deployments/deployment-record.js';
import { summaryOf } from '../domain/deployments/deployment-summary.js';
import { planFileSync, sha256Hex } from '../domain/deployments/file-sync.js';
import { recordFailed, recordRendered, type ClaimSeen } from '../domain/deployments/next-record.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import { InputError, UnavailableError } from '../domain/errors.js';
import { renderEnvironment, type RenderSettings } from '../domain/render/render-environment.js';
import { selectServices, type SelectedService } from '../domain/services/deploy-selection.js';
import type { ServiceCatalogue } from '../domain/services/service-catalogue.js';
import { formatTimestamp } from '../domain/shared/timestamp.js';
import type { VersionPolicy } from '../domain/versions/version-policy.js';
import type { ClaimIndex, IndexedEnvironment } from '../ports/claim-index.js';
import type { Clock } from '../ports/clock.js';
import type { RenderedStore } from '../ports/rendered-store.js';
import { createKeyedLock } from '../shared/keyed-lock.js';
import type { Stream, VersionResolver } from './version-resolver.js';
import { parseJsonOrUndefined } from '../domain/shared/parse-json.js';

export type DeployTrigger = 'claim' | 'interval' | 'rollback';

export interface DeployOutcome {
  readonly record: DeploymentRecord | undefined;
  /** The rendered files changed (a new revision). */
  readonly changed: boolean;
}

export interface Deployer {
  /** Decides one environment now: select, resolve, render, write. Serialised per name. */
  deploy(name: string, trigger?: DeployTrigger): Promise<DeployOutcome>;
  /**
   * Queues `deploy(name)`; bursts for one name collapse into one run. Does nothing while
   * the queue is closed.
   */
  schedule(name: string): void;
  /**
   * Opens or closes the queue (open at first). Closing drops what is queued, not what runs:
   * a replica that is not the leader must not render; the leader renders everything when it
   * takes over.
   */
  setQueueOpen(open: boolean): void;
  /** Environments waiting in the queue, not counting those rendering now. */
  queueDepth(): number;
  /** Restores the versions of `revision` and pins them until the claim's services change. */
  rollback(name: string, revision: number): Promise<DeployOutcome>;
  /** The stored record, or `undefined` before the first attempt. */
  record(name: string): Promise<DeploymentRecord | undefined>;
  /**
   * Removes rendered output of environments the index no longer has. With `fence`, asks it
   * before each removal and stops at its first `false` (no longer the leader).
   */
  removeOrphans(options?: { fence?: () => Promise<boolean> }): Promise<string[]>;
  /** Resolves once nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * The environment deployer (the seed's "Environment Deployment Pipeline"): from a claim to
 * the desired state Flux applies. The claim says what is wanted; the catalogue what exists
 * and depends on what; the registry which versions exist; the renderer writes it down.
 * One environment's failure (a bad constraint, a missing tag, a registry outage) becomes
 * its `Failed` phase and never stops the others; its last rendered files stay in place.
 */
export function createDeployer(deps: {
  index: ClaimIndex;
  services: ServiceCatalogue;
  environmentTypes: EnvironmentTypeCatalogue;
  resolver: VersionResolver;
  store: RenderedStore;
  settings: RenderSettings;
  policy: VersionPolicy;
  devTagTypes: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Told whenever the rendered files of an environment change. */
  onRevision?: (environment: IndexedEnvironment, record: DeploymentRecord) => Promise<void>;
  /** Told when an environment newly fails to render (not again for the same reason). */
  onFailed?: (environment: IndexedEnvironment, reason: string, revision: number) => Promise<void>;
}): Deployer {
  const { index, services, environmentTypes, resolver, store, settings, policy } = deps;
  const { devTagTypes, clock, logger } = deps;
  const lock = createKeyedLock();
  const queued = new Set<string>();
  let queueOpen = true;
  const workers = new Set<Promise<void>>();

  /** Takes names off the queue until it is empty; one failure never stops the rest. */
  async function drain(): Promise<void> {
    for (let name = first(queued); name !== undefined; name = first(queued)) {
      queued.delete(name);
      await deployer
        .deploy(name, 'claim')
        .catch((error: unknown) =>
          logger.error({ err: error, environment: name }, 'deploy failed'),
        );
    }
  }

  async function readRecord(name: string): Promise<DeploymentRecord | undefined> {
    const body = await store.readRecord(name);
    if (body === undefined) return undefined;
    const parsed = deploymentRecordSchema.safeParse(
      parseJsonOrUndefined(Buffer.from(body).toString('utf8')),
    );
    if (parsed.success) return parsed.data;
    // A damaged record loses history, not the environment: it is decided afresh.
    logger.error({ environment: name }, 'unreadable deployment record; starting a new one');
    return undefined;
  }

  async function writeRecord(name: string, record: DeploymentRecord): Promise<void> {
    await store.writeRecord(name, Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8'));
  }

  function streamOf(claim: Claim): Stream {
    return claim.use_dev_tags === true || devTagTypes.includes(claim.environment_type)
      ? 'dev'
      : 'release';
  }

  async function resolveVersions(
    selected: readonly SelectedService[],
    stream: Stream,
    pinned: Readonly<Record<string, ResolvedService>>,
  ): Promise<Record<string, ResolvedService>> {
    const open = selected.filter((service) => pinned[service.name] === undefined);
    const resolution = await resolver.resolve(open, stream);
    if (!resolution.ok) throw new ResolutionFailed(resolution.problems.join('; '));
    const resolved: Record<string, ResolvedService> = {};
    for (const service of selected) {
      const version = pinned[service.name] ?? resolution.resolved[service.name];
      if (version) resolved[service.name] = version;
    }
    return resolved;
  }

  async function decide(
    environment: IndexedEnvironment,
    previous: DeploymentRecord | undefined,
    rollbackTo: number | undefined,
  ): Promise<DeploymentRecord> {
    const { claim } = environment;
    const name = claim.environment_name;
    const seen: ClaimSeen = {
      environment: name,
      claimEtag: environment.etag,
      requestHash: requestHash(claim),
    };
    const now = formatTimestamp(clock.now());
    // A rollback pin holds while the claim asks for the same thing.
    const pinnedRevision =
      rollbackTo ??
      (previous?.pinned_revision != null && previous.request_hash === seen.requestHash
        ? previous.pinned_revision
        : null);
    try {
      const type = environmentTypes[claim.environment_type];
      if (!type) throw new InputError(`unknown environment type '${claim.environment_type}'`);
      const selected = selectServices({
        catalogue: services,
        environmentType: claim.environment_type,
        services: claim.services,
        deployOnlySpecified: claim.deploy_only_specified === true,
        policy,
      });
      const pinnedSet =
        pinnedRevision === null
          ? {}
          : (previous?.history.find((entry) => entry.revision === pinnedRevision)?.resolved ?? {});
      const resolved = await resolveVersions(selected, streamOf(claim), pinnedSet);
      const files = renderEnvironment({
        environment: {
          name,
          type: claim.environment_type,
          pool: claim.environment_pool,
          owner: claim.user,
        },
        environmentType: type,
        services: selected.map((service) => {
          const version = resolved[service.name];
          if (!version) throw new TypeError(`unresolved service ${service.name}`);
          return {
            name: service.name,
            dependsOn: service.dependsOn,
            ...(service.port === undefined ? {} : { port: service.port }),
            path: service.path,
            env: service.env,
            image: version.image,
            deployment: version.deployment,
          };
        }),
        settings,
      });
      const plan = planFileSync(await store.hashes(name), files);
      // Writes first, removals last: a reader mid-way sees old and new files, never neither.
      for (const file of plan.writes) {
        await store.writeFile(name, file.path, Buffer.from(file.content, 'utf8'));
      }
      for (const path of plan.removals) await store.removeFile(name, path);
      return recordRendered({
        previous,
        seen,
        resolved,
        contentDigest: plan.digest,
        now,
        pinnedRevision,
        ...(rollbackTo === undefined ? {} : { rolledBackTo: rollbackTo }),
      });
    } catch (error) {
      return recordFailed({ previous, seen, reason: failureReason(error, name), now });
    }
  }

  function failureReason(error: unknown, name: string): string {
    if (error instanceof ResolutionFailed) return error.message;
    if (error instanceof InputError) {
      const details = error.errors.map((problem) => `${problem.path}: ${problem.message}`);
      return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
    }
    if (error instanceof UnavailableError) return `registry unavailable: ${error.message}`;
    logger.error({ err: error, environment: name }, 'deploy failed unexpectedly');
    return `internal error: ${(error as Error).message}`;
  }

  async function deployLocked(name: string, trigger: DeployTrigger, rollbackTo?: number) {
    const environment = await index.get(name);
    if (!environment) {
      if (await store.removeEnvironment(name)) {
        logger.info({ environment: name }, 'removed rendered output of a deleted environment');
      }
      return { record: undefined, changed: false };
    }
    const previous = await readRecord(name);
    const next = await decide(environment, previous, rollbackTo);
    const changed = next.revision !== (previous?.revision ?? 0);
    await writeRecord(name, next);
    // Listings show and filter by phase from the index, on every replica.
    await index.setDeployment(name, summaryOf(next));
    if (next.phase === 'Failed' && previous?.reason !== next.reason) {
      logger.warn({ environment: name, trigger, reason: next.reason }, 'environment not rendered');
      await deps.onFailed?.(environment, next.reason ?? 'unknown', next.revision);
    }
    if (changed) {
      const entry = next.history.at(-1);
      logger.info(
        { environment: name, trigger, revision: next.revision, changes: entry?.changes },
        'environment rendered',
      );
      await deps.onRevision?.(environment, next);
    }
    return { record: next, changed };
  }

  const deployer: Deployer = {
    deploy(name, trigger = 'claim') {
      return lock.run(name, () => deployLocked(name, trigger));
    },

    schedule(name) {
      // A set keeps the queue free of repeats and in arrival order: a burst for one name
      // (or a full resync at start) costs one run per name, a few at a time.
      if (!queueOpen || queued.has(name)) return;
      queued.add(name);
      if (workers.size < SCHEDULE_CONCURRENCY) {
        const worker: Promise<void> = drain().finally(() => workers.delete(worker));
        workers.add(worker);
      }
    },

    queueDepth: () => queued.size,

    setQueueOpen(open) {
      queueOpen = open;
      if (!open) queued.clear();
    },

    rollback(name, revision) {
      return lock.run(name, async () => {
        const record = await readRecord(name);
        const entry = record?.history.find((item) => item.revision === revision);
        if (!record || !entry) {
          const kept = record?.history.map((item) => item.revision) ?? [];
          throw new InputError(`Cannot roll back environment '${name}'`, [
            {
              path: 'revision',
              message:
                kept.length === 0
                  ? 'the environment has no rendered revisions yet'
                  : `revision ${revision} is not in the history (kept: ${kept[0]}–${kept.at(-1)})`,
            },
          ]);
        }
        return deployLocked(name, 'rollback', revision);
      });
    },

    record: readRecord,

    async removeOrphans({ fence } = {}) {
      const removed: string[] = [];
      for (const name of await store.environments()) {
        if (await index.get(name)) continue;
        if (fence && !(await fence())) break;
        await lock.run(name, async () => {
          if (!(await index.get(name)) && (await store.removeEnvironment(name))) removed.push(name);
        });
      }
      if (removed.length > 0) logger.info({ environments: removed }, 'removed orphaned renders');
      return removed;
    },

    async idle() {
      while (workers.size > 0) await Promise.allSettled([...workers]);
    },
  };
  return deployer;
}

class ResolutionFailed extends Error {}

/** Environments decided at once from the change feed: enough to overlap registry round trips. */
const SCHEDULE_CONCURRENCY = 4;

function first(set: ReadonlySet<string>): string | undefined {
  for (const value of set) return value;
  return undefined;
}

/** What the claim asks of the deployer; a change lifts a rollback pin. */
function requestHash(claim: Claim): string {
  return sha256Hex(
    JSON.stringify([
      claim.environment_type,
      Object.entries(claim.services).sort(([a], [b]) => (a < b ? -1 : 1)),
      claim.deploy_only_specified === true,
      claim.use_dev_tags === true,
    ]),
  );
}
