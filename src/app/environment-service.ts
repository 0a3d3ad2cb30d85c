import { listQuerySchema } from '../api/schemas/environments.js';
import type { Logger } from 'pino';

import {
  claimCreateSchema,
  claimPatchSchema,
  type Claim,
  type ClaimCreate,
} from '../domain/claims/claim-schema.js';
import { newClaim, patchedClaim, unknownTypeProblems } from '../domain/claims/claim-rules.js';
import { dnsLabelProblem } from '../domain/claims/names.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from '../domain/errors.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import type { ConstraintKind } from '../domain/versions/constraint.js';
import {
  allowedKinds,
  DEFAULT_VERSION_POLICY,
  type VersionPolicy,
} from '../domain/versions/version-policy.js';
import type { Action } from '../ports/authorizer.js';
import type { ClaimIndex, IndexedEnvironment, RejectedClaim } from '../ports/claim-index.js';
import { DYNAMIC_BUCKET, STATIC_BUCKET, type ClaimStore } from '../ports/claim-store.js';
import type { Clock } from '../ports/clock.js';
import type { Caller } from '../ports/principal.js';
import type { AccessGuard } from './access-guard.js';
import { claimKey, MAX_CLAIM_BYTES, type ClaimSync } from './claim-sync.js';
import {
  toEnvironmentResource,
  readViewOf,
  toEnvironmentView,
  viewWithAllowedActions,
  type EnvironmentView,
  type ViewOptions,
} from './environment-view.js';
import { warnBeforeMs } from '../domain/notifications/expiry-warning.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { DeploymentStatus } from './deployment-api.js';
import type { Notifier } from './notification-service.js';

export interface EnvironmentPage {
  readonly items: EnvironmentView[];
  readonly next_cursor: string | null;
}

/** A conditional request's `If-Match` etag, when the client sent one. */
export interface Precondition {
  readonly ifMatch?: string | undefined;
}

export interface EnvironmentService {
  create(principal: Caller, body: unknown): Promise<EnvironmentView>;
  get(principal: Caller, name: string): Promise<EnvironmentView>;
  list(principal: Caller, query: Record<string, string>): Promise<EnvironmentPage>;
  patch(
    principal: Caller,
    name: string,
    body: unknown,
    precondition?: Precondition,
  ): Promise<EnvironmentView>;
  delete(principal: Caller, name: string, precondition?: Precondition): Promise<void>;
  /**
   * Deletes every dynamic environment whose expiry has passed; returns their names. With
   * `fence`, asks it before each delete and stops the run at its first `false` (a replica
   * that is no longer the leader must not delete).
   */
  reapExpired(options?: { fence?: () => Promise<boolean> }): Promise<string[]>;
  listRejected(principal: Caller): Promise<RejectedClaim[]>;
  listTypes(principal: Caller): Promise<EnvironmentTypeCatalogue>;
  /** The version constraint kinds a type accepts, as the configured version policy says. */
  versionConstraints(environmentType: string): readonly ConstraintKind[];
}

/**
 * The actions `get` reports in `status.allowed_actions`: what a client may offer on one
 * environment (`environment:update` also covers a rollback).
 */
const CHANGE_ACTIONS = [
  'environment:update',
  'environment:extend',
  'environment:delete',
] as const satisfies readonly Action[];

/** Attempts of a read-modify-write that lost a race to another writer before giving up. */
const PATCH_ATTEMPTS = 5;

/**
 * The environment lifecycle: the one place where claims, the store, the index and the
 * authorizer meet. Every write goes to the store first, then re-reads it into the index
 * (read-your-writes), so the index never holds what the store does not.
 */
export function createEnvironmentService(deps: {
  store: ClaimStore;
  index: ClaimIndex;
  sync: ClaimSync;
  guard: AccessGuard;
  catalogue: EnvironmentTypeCatalogue;
  clock: Clock;
  logger: Logger;
  /** Checks a claim's services before it is stored (version policy, catalogue); throws `InputError`. */
  checkServices?: (claim: Claim) => void;
  /** The policy `checkServices` applies, published with the types; default: the built-in one. */
  versionPolicy?: VersionPolicy;
  /** The deployer's status of an environment, shown by `get`; absent when no deployer runs. */
  deploymentStatus?: (environment: IndexedEnvironment) => Promise<DeploymentStatus>;
  /**
   * Told of `created` and `deleted` (through the API) and `expired` (the reaper), after the
   * store has the change: the request waits for the outbox write, never for a delivery, and
   * a failing outbox is logged, not the request's failure (issue 15).
   */
  notifier?: Pick<Notifier, 'publishQuietly'>;
}): EnvironmentService {
  const { store, index, sync, guard, catalogue, clock, logger } = deps;
  const checkServices = deps.checkServices ?? (() => undefined);
  const viewOptions: ViewOptions = {
    deployment: deps.deploymentStatus !== undefined,
    warnBefore: (type) => warnBeforeMs(catalogue, type),
  };

  /**
   * A change to an environment. Static environments are read-only through the API for
   * everyone (a Cedar forbid says so); a caller who may read one learns where to change it.
   */
  async function authorizeChange(
    caller: Caller,
    action: Action,
    environment: IndexedEnvironment,
    verb: string,
  ): Promise<void> {
    const resource = toEnvironmentResource(environment);
    const decision = await guard.decide(caller, action, resource);
    if (decision.allowed) return;
    if (resource.static && (await guard.decide(caller, 'environment:read', resource)).allowed)
      refuseStatic(environment, verb);
    throw new NotAllowedError(
      `${caller.subject} may not perform ${action} on environment/${resource.name}`,
    );
  }

  async function existing(name: string): Promise<IndexedEnvironment> {
    const problem = dnsLabelProblem(name);
    if (problem)
      throw new InputError(`Invalid environment name '${name}'`, [
        { path: 'name', message: problem },
      ]);
    const environment = await index.get(name);
    if (!environment) throw new NotFoundError(`environment '${name}' not found`);
    return environment;
  }

  function refuseStatic(environment: IndexedEnvironment, verb: string): void {
    if (environment.bucket !== STATIC_BUCKET) return;
    const { claim } = environment;
    const where = claim.git_repository
      ? ` in ${claim.git_repository}${claim.branch ? ` (branch ${claim.branch})` : ''}`
      : '';
    throw new ConflictError(
      `environment '${claim.environment_name}' is a static environment managed in Git${where}; ${verb} it with a pull request to its GitOps repository, not through the API`,
    );
  }

  function checkPrecondition(environment: IndexedEnvironment, precondition: Precondition): void {
    if (precondition.ifMatch !== undefined && precondition.ifMatch !== environment.etag) {
      throw new PreconditionFailedError(
        `environment '${environment.claim.environment_name}' has changed (etag ${environment.etag})`,
      );
    }
  }

  async function viewOf(name: string): Promise<EnvironmentView> {
    const environment = await index.get(name);
    if (!environment)
      throw new NotFoundError(`environment '${name}' was removed while the request ran`);
    return toEnvironmentView(environment, viewOptions, clock.now());
  }

  /**
   * The bytes stored for `claim`, refused if the sync would refuse to read them back:
   * a stored claim over the read limit vanishes from the API while its name stays taken.
   * The serialized form is what counts; it is larger than the request body that led to it
   * (indentation, and a patch merges into the services already there).
   */
  function encode(claim: Claim): Uint8Array {
    const bytes = Buffer.from(`${JSON.stringify(claim, null, 2)}\n`, 'utf8');
    if (bytes.byteLength > MAX_CLAIM_BYTES) {
      throw new PayloadTooLargeError(
        `environment '${claim.environment_name}' would be stored as ${bytes.byteLength} bytes; a claim may be at most ${MAX_CLAIM_BYTES} bytes as stored`,
      );
    }
    return bytes;
  }

  /**
   * A create the guard allowed, while its audit record is still being written: the claim is
   * prepared meanwhile and becomes visible only once `durable` resolves (fail closed).
   */
  async function createPermitted(
    principal: Caller,
    request: ClaimCreate,
    durable: Promise<void>,
  ): Promise<EnvironmentView> {
    const name = request.environment_name;
    const claim = newClaim({ request, user: principal.subject, now: clock.now(), catalogue });
    checkServices(claim);
    const bytes = encode(claim);
    const key = claimKey(name);
    // Any key may hold a claim: the name is taken if the index serves it from another.
    const held = await index.get(name);
    if (held?.bucket === STATIC_BUCKET || (await store.head(STATIC_BUCKET, key)) !== undefined) {
      throw new ConflictError(`environment '${name}' already exists as a static environment`);
    }
    if (held) throw new ConflictError(`environment '${name}' already exists`);
    let etag = '';
    await sync.writeThrough(DYNAMIC_BUCKET, name, async () => {
      try {
        etag = await store.putIfAbsent(DYNAMIC_BUCKET, key, bytes, { after: durable });
        return { key, etag, size: bytes.byteLength, body: bytes };
      } catch (error) {
        if (error instanceof ConflictError)
          throw new ConflictError(`environment '${name}' already exists`, { cause: error });
        throw error;
      }
    });
    const served = await index.get(name);
    if (served && (served.bucket !== DYNAMIC_BUCKET || served.key !== key)) {
      // An older claim of the name under another key appeared meanwhile (an upload): it
      // wins, so this one is withdrawn rather than left rejected in the bucket.
      await store.delete(DYNAMIC_BUCKET, key, { ifMatch: etag }).catch(() => false);
      await sync.reconcileKey(DYNAMIC_BUCKET, key);
      throw new ConflictError(`environment '${name}' already exists`);
    }
    logger.info(
      { environment: name, type: claim.environment_type, principal: principal.subject },
      'environment created',
    );
    if (served) await deps.notifier?.publishQuietly('created', served, { occurrence: served.etag });
    return viewOf(name);
  }

  return {
    async create(principal, body) {
      const parsed = claimCreateSchema.safeParse(body);
      if (!parsed.success) {
        // Report an unknown type together with the schema's findings, not one round later.
        const errors = toFieldErrors(parsed.error);
        const type = (body as { environment_type?: unknown } | null)?.environment_type;
        if (!errors.some((error) => error.path === 'environment_type')) {
          errors.push(...unknownTypeProblems(catalogue, type));
        }
        throw new InputError('Invalid environment claim', errors);
      }
      const request = parsed.data;
      const name = request.environment_name;
      const permit = await guard.permit(principal, 'environment:create', {
        kind: 'environment',
        name,
        type: request.environment_type,
        pool: request.environment_pool,
        owner: principal.subject,
        static: false,
      });
      try {
        // The claim may appear once the record is durable; the answer waits for all of it.
        const view = await createPermitted(principal, request, permit.durable);
        await permit.recorded;
        return view;
      } catch (error) {
        // A failed audit record outranks why the create stopped: it is the 503 to retry.
        await permit.recorded;
        throw error;
      }
    },

    async get(principal, name) {
      const environment = await existing(name);
      const resource = toEnvironmentResource(environment);
      await guard.require(principal, 'environment:read', resource);
      const view = readViewOf(environment, viewOptions, clock);
      // Single reads only: a listing would pay one authorization per item and action.
      const allowedActions = await guard.allowedActions(principal, CHANGE_ACTIONS, resource);
      if (!deps.deploymentStatus) return viewWithAllowedActions(view, allowedActions);
      // The deployment's status changes without a new claim version: made per answer.
      const deployment = await deps.deploymentStatus(environment);
      return {
        ...view,
        status: { ...view.status, allowed_actions: allowedActions, deployment },
      };
    },

    async list(principal, rawQuery) {
      const parsed = listQuerySchema.safeParse(rawQuery);
      if (!parsed.success) throw new InputError('Invalid query', toFieldErrors(parsed.error));
      const query = parsed.data;
      if (query.phase !== undefined && !viewOptions.deployment)
        throw new InputError('Invalid query', [
          { path: 'phase', message: 'no deployer runs here, so environments have no phase' },
        ]);
      const readable = await guard.readableFilter(principal);
      const page = await index.query({
        type: query.type,
        pool: query.pool,
        user: query.user,
        q: query.q,
        phase: query.phase,
        after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: query.limit,
        where: readable.filter,
        decide: (environment) => readable.decide(toEnvironmentResource(environment)),
      });
      const last = page.items.at(-1);
      const now = clock.now();
      return {
        items: page.items.map((item) => toEnvironmentView(item, viewOptions, now)),
        next_cursor: page.hasMore && last ? encodeCursor(last.claim.environment_name) : null,
      };
    },

    async patch(principal, name, body, precondition = {}) {
      const parsed = claimPatchSchema.safeParse(body);
      if (!parsed.success) throw new InputError('Invalid patch', toFieldErrors(parsed.error));
      const patch = parsed.data;
      for (let attempt = 1; ; attempt++) {
        const environment = await existing(name);
        if (patch.services !== undefined)
          await authorizeChange(principal, 'environment:update', environment, 'change');
        if (patch.expiration_date !== undefined)
          await authorizeChange(principal, 'environment:extend', environment, 'change');
        refuseStatic(environment, 'change');
        checkPrecondition(environment, precondition);
        const claim = patchedClaim({
          claim: environment.claim,
          patch,
          now: clock.now(),
          catalogue,
        });
        if (patch.services !== undefined) checkServices(claim);
        try {
          // Reconciled under the name's lock whatever happens (a lost race included).
          await sync.changeThrough(name, () =>
            store.putIfMatch(DYNAMIC_BUCKET, environment.key, encode(claim), environment.etag),
          );
        } catch (error) {
          // Someone else wrote in between: retry with what is there now, unless the client
          // pinned a version.
          if (!(error instanceof PreconditionFailedError)) throw error;
          if (precondition.ifMatch !== undefined) throw error;
          if (attempt >= PATCH_ATTEMPTS)
            throw new ConflictError(`environment '${name}' is being changed concurrently; retry`);
          continue;
        }
        logger.info(
          { environment: name, principal: principal.subject, fields: Object.keys(patch) },
          'environment patched',
        );
        return viewOf(name);
      }
    },

    async delete(principal, name, precondition = {}) {
      const environment = await existing(name);
      await authorizeChange(principal, 'environment:delete', environment, 'delete');
      refuseStatic(environment, 'delete');
      checkPrecondition(environment, precondition);
      // Whichever key holds the environment (an upload's own key, say), not `<name>.json`.
      await sync.changeThrough(name, () =>
        store.delete(DYNAMIC_BUCKET, environment.key, { ifMatch: precondition.ifMatch }),
      );
      logger.info({ environment: name, principal: principal.subject }, 'environment deleted');
      await deps.notifier?.publishQuietly('deleted', environment, { occurrence: environment.etag });
    },

    async reapExpired({ fence } = {}) {
      const now = clock.now();
      const reaped: string[] = [];
      for (const environment of await index.expiredAt(now)) {
        if (environment.bucket !== DYNAMIC_BUCKET) continue;
        const name = environment.claim.environment_name;
        if (fence && !(await fence())) {
          logger.warn({ environment: name }, 'expiry run stopped: no longer the leader');
          break;
        }
        try {
          // Only the version we judged expired: a concurrent extension must win. Reconciled
          // under the name's lock, so the feed's echo is not taken for an outside change.
          const deleted = await sync.changeThrough(name, () =>
            store.delete(DYNAMIC_BUCKET, environment.key, { ifMatch: environment.etag }),
          );
          if (deleted) {
            reaped.push(name);
            await guard.recordSystem(
              'system:expiry-reaper',
              'environment:delete',
              toEnvironmentResource(environment),
            );
            logger.info(
              {
                environment: name,
                expired_at: environment.expiresAt?.toISOString(),
                user: environment.claim.user,
              },
              'deleted expired environment',
            );
            await deps.notifier?.publishQuietly('expired', environment);
          }
        } catch (error) {
          // Changed since judged expired (extended, say): leave it. Anything else is
          // logged and retried next run; one environment must not stop the others.
          if (!(error instanceof PreconditionFailedError)) {
            logger.error({ err: error, environment: name }, 'could not delete expired environment');
          }
        }
      }
      return reaped;
    },

    async listRejected(principal) {
      await guard.require(principal, 'rejected-claims:read', { kind: 'platform' });
      return index.listRejected();
    },

    async listTypes(principal) {
      await guard.require(principal, 'environment-types:read', { kind: 'platform' });
      return catalogue;
    },

    versionConstraints: (environmentType) =>
      allowedKinds(deps.versionPolicy ?? DEFAULT_VERSION_POLICY, environmentType),
  };
}
