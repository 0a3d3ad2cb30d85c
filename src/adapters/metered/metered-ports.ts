import { isPlatformError } from '../../domain/errors.js';
import type { ArtifactRegistry } from '../../ports/artifact-registry.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { Authorizer } from '../../ports/authorizer.js';
import type { ClaimStore } from '../../ports/claim-store.js';
import type { PlatformMetrics } from '../../ports/metrics.js';
import type { RegistryMaintenance } from '../../ports/registry-maintenance.js';

/**
 * Whether `error` is the dependency failing rather than the answer to a request: a lost
 * race (conflict, precondition), an absent repository or a bad name is the caller's
 * business and pages nobody; an outage or anything unexpected is.
 */
export function isDependencyFault(error: unknown): boolean {
  if (!isPlatformError(error)) return true;
  return error.code === 'UNAVAILABLE' || error.code === 'BAD_GATEWAY';
}

/**
 * `target` with each of `operations` counting its faults as `dependency` errors; results,
 * errors and every other member pass through unchanged. The adapters return plain objects,
 * so a spread keeps their other members (`close`, `host`, optional methods).
 */
function countingFaults<T extends object>(
  target: T,
  dependency: string,
  operations: readonly (keyof T & string)[],
  metrics: PlatformMetrics,
): T {
  const wrapped = { ...target } as Record<string, unknown>;
  for (const operation of operations) {
    const original = target[operation] as unknown as (...args: unknown[]) => Promise<unknown>;
    wrapped[operation] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await original.apply(target, args);
      } catch (error) {
        if (isDependencyFault(error)) metrics.dependencyError(dependency, operation);
        throw error;
      }
    };
  }
  return wrapped as T;
}

/** The claim store, counting its faults by operation (`get`, `putIfAbsent`, …). */
export function meteredClaimStore(store: ClaimStore, metrics: PlatformMetrics): ClaimStore {
  return countingFaults(
    store,
    'store',
    ['get', 'head', 'list', 'putIfAbsent', 'putIfMatch', 'delete'],
    metrics,
  );
}

/** The deployer's read-only registry, counting its faults by operation. */
export function meteredArtifactRegistry(
  registry: ArtifactRegistry,
  metrics: PlatformMetrics,
): ArtifactRegistry {
  return countingFaults(registry, 'registry', ['listTags', 'resolveDigest', 'exists'], metrics);
}

/** The retention sweeper's registry, counting its faults by operation. */
export function meteredRegistryMaintenance(
  registry: RegistryMaintenance,
  metrics: PlatformMetrics,
): RegistryMaintenance {
  return countingFaults(
    registry,
    'registry',
    ['listRepositories', 'listTags', 'manifest', 'configCreated', 'deleteManifest'],
    metrics,
  );
}

/**
 * The audit log, timing each append (the latency every mutating request waits for) and
 * counting a failed append as an `audit` dependency error as well.
 */
export function meteredAuditLog<T extends AuditLog>(
  audit: T,
  metrics: PlatformMetrics,
  now: () => number = () => performance.now(),
): T {
  return {
    ...audit,
    append: async (entry, options) => {
      const started = now();
      try {
        const record = await audit.append(entry, options);
        metrics.auditAppend((now() - started) / 1000, 'success');
        return record;
      } catch (error) {
        metrics.auditAppend((now() - started) / 1000, 'failure');
        metrics.dependencyError('audit', 'append');
        throw error;
      }
    },
  };
}

/** The authorizer, counting each decision by action and result. */
export function meteredAuthorizer(authorizer: Authorizer, metrics: PlatformMetrics): Authorizer {
  return {
    ...authorizer,
    // `then`, not an async wrapper: one promise fewer on every authorized request.
    authorize: (request) =>
      authorizer.authorize(request).then((decision) => {
        metrics.authorizationDecision(request.action, decision.allowed ? 'allow' : 'deny');
        return decision;
      }),
  };
}
