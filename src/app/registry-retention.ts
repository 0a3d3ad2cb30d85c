import type { Logger } from 'pino';
import { isExpired, manifestAge } from '../domain/registry/retention.js';
import { CREATED_ANNOTATION, isLocalRepository } from '../domain/registry/user-repositories.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { ManifestFacts, RegistryMaintenance } from '../ports/registry-maintenance.js';

/** The audit actor of the sweeper's deletions. */
export const RETENTION_ACTOR = 'system:registry-retention';
/** The audit action of one deleted manifest; its target is `artifact/<repository>@<digest>`. */
export const DELETE_ACTION = 'artifact:delete';

export interface RegistryRetentionOptions {
  readonly registry: RegistryMaintenance;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the user repositories are: `<prefix>/<user>-local-repo/…`. */
  readonly userRepositoriesPrefix: string;
  /** Release and snapshot repositories: never swept, whatever the prefix above says. */
  readonly protectedPrefixes: readonly string[];
  /** Manifests older than this are deleted (the seed: 24 hours). */
  readonly maxAgeMs: number;
}

/** What one sweep did; `errors` counts registry or audit failures, retried next sweep. */
export interface SweepResult {
  readonly repositories: number;
  readonly deleted: readonly { repository: string; digest: string; tags: readonly string[] }[];
  readonly kept: number;
  readonly skipped: number;
  readonly errors: number;
}

export interface RegistryRetention {
  /** One pass over every user repository. `fence` is asked before each deletion. */
  sweep(options?: { fence?: () => Promise<boolean> }): Promise<SweepResult>;
}

/**
 * The seed's retention for user repositories ("24-hour retention for local development
 * artifacts"): every manifest in a `<prefix>/<user>-local-repo/…` repository older than
 * `maxAgeMs` by `manifestAge` is deleted through the registry API, logged and audited
 * (`artifact:delete` by `system:registry-retention`). Release and snapshot repositories are
 * never looked into. A manifest with no readable age is kept and logged. A failing
 * registry call or audit append is logged and counted and the sweep goes on with the next
 * repository; the next sweep tries again. Untagged manifests (an index's platform images)
 * are left to the registry's garbage collection.
 */
export function createRegistryRetention(options: RegistryRetentionOptions): RegistryRetention {
  const { registry, audit, clock, logger, userRepositoriesPrefix, protectedPrefixes, maxAgeMs } =
    options;

  return {
    async sweep({ fence } = {}) {
      const result = {
        repositories: 0,
        deleted: [] as SweepResult['deleted'][number][],
        kept: 0,
        skipped: 0,
        errors: 0,
      };
      let repositories: string[];
      try {
        repositories = await registry.listRepositories();
      } catch (error) {
        logger.error({ err: error }, 'registry retention: could not list the repositories');
        return { ...result, errors: 1 };
      }
      const now = clock.now();
      for (const repository of repositories) {
        if (!isLocalRepository(repository, userRepositoriesPrefix, protectedPrefixes)) continue;
        result.repositories++;
        let manifests: Map<string, { facts: ManifestFacts; tags: string[] }>;
        try {
          manifests = await manifestsOf(repository);
        } catch (error) {
          result.errors++;
          logger.warn(
            { err: error, repository },
            'registry retention: could not read a repository',
          );
          continue;
        }
        for (const { facts, tags } of manifests.values()) {
          try {
            const configCreated =
              facts.annotations[CREATED_ANNOTATION] === undefined &&
              facts.configDigest !== undefined
                ? await registry.configCreated(repository, facts.configDigest)
                : undefined;
            const age = manifestAge(facts.annotations, configCreated);
            if (!age.known) {
              result.skipped++;
              logger.info(
                { repository, digest: facts.digest, tags, reason: age.reason },
                'registry retention: kept a manifest of unknown age',
              );
              continue;
            }
            if (!isExpired(age, now, maxAgeMs)) {
              result.kept++;
              continue;
            }
            if (fence !== undefined && !(await fence())) {
              logger.info('registry retention: no longer the leader; the sweep stops');
              return result;
            }
            await registry.deleteManifest(repository, facts.digest);
            result.deleted.push({ repository, digest: facts.digest, tags });
            logger.info(
              {
                repository,
                digest: facts.digest,
                tags,
                created: age.created.toISOString(),
                from: age.from,
              },
              'registry retention: deleted an expired manifest',
            );
            await audit.append({
              time: clock.now().toISOString(),
              actor: RETENTION_ACTOR,
              actorKind: 'system',
              action: DELETE_ACTION,
              target: `artifact/${repository}@${facts.digest}`,
              decision: 'allow',
              policyIds: [],
              requestId: null,
            });
          } catch (error) {
            result.errors++;
            logger.warn(
              { err: error, repository, digest: facts.digest, tags },
              'registry retention: could not handle a manifest; retrying next sweep',
            );
          }
        }
      }
      return result;
    },
  };

  /** The repository's tagged manifests by digest, each with its tags. */
  async function manifestsOf(
    repository: string,
  ): Promise<Map<string, { facts: ManifestFacts; tags: string[] }>> {
    const byDigest = new Map<string, { facts: ManifestFacts; tags: string[] }>();
    for (const tag of await registry.listTags(repository)) {
      const facts = await registry.manifest(repository, tag);
      if (facts === undefined) continue; // deleted since the listing
      const known = byDigest.get(facts.digest);
      if (known) known.tags.push(tag);
      else byDigest.set(facts.digest, { facts, tags: [tag] });
    }
    return byDigest;
  }
}
