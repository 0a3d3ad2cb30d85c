import type { Claim } from '../domain/claims/claim-schema.js';
import type { IndexedEnvironment } from '../ports/claim-index.js';
import type { BucketName } from '../ports/claim-store.js';
import type { Clock } from '../ports/clock.js';
import type { Action, EnvironmentResource } from '../ports/authorizer.js';
import { STATIC_BUCKET } from '../ports/claim-store.js';
import { formatTimestamp } from '../domain/shared/timestamp.js';
import type { DeploymentPhase } from '../domain/deployments/deployment-record.js';
import { currentPhase } from '../domain/deployments/deployment-summary.js';
import type { DeploymentStatus } from './deployment-api.js';
import { expiryStatus, NO_EXPIRY } from '../domain/notifications/expiry-warning.js';

/**
 * An environment as the API shows it: the stored claim's fields unchanged, plus a
 * read-only `status` the server derives (where it is stored, when it expires).
 */
export type EnvironmentView = Claim & {
  readonly status: {
    readonly bucket: BucketName;
    readonly managed_by: 'api' | 'git';
    readonly expires_at: string | null;
    /**
     * Seconds until `expires_at` at the time of the answer; `0` once passed (not yet reaped);
     * `null` without expiry. Computed per answer, never cached.
     */
    readonly expires_in: number | null;
    /** Within the type's `expiry.warnBefore` (or past expiry); `false` without expiry. */
    readonly expiring: boolean;
    readonly etag: string;
    /** The deployer's phase from the index (`Pending` until it decided this claim); with a deployer only. */
    readonly phase?: DeploymentPhase;
    /** Service → image tag last deployed, from the index; with a deployer only. */
    readonly versions?: Readonly<Record<string, string>>;
    /** What the deployer rendered (single-environment reads only, when a deployer runs). */
    readonly deployment?: DeploymentStatus;
    /**
     * The changes the caller may make to this environment, as the authorizer decides them
     * (single-environment reads only; a static environment allows none).
     */
    readonly allowed_actions?: readonly Action[];
  };
};

/** Whether views carry the deployer's `phase` and `versions` (a deployer runs). */
export interface ViewOptions {
  readonly deployment: boolean;
  /** The warning window of an environment type in ms (`expiry.warnBefore`); `null`: none. */
  readonly warnBefore: (type: string) => number | null;
}

const readViews = {
  plain: new WeakMap<IndexedEnvironment, EnvironmentView>(),
  deployed: new WeakMap<IndexedEnvironment, EnvironmentView>(),
};
/** The last timed view of an entry with an expiry: reused while its two fields are unchanged. */
const timedViews = {
  plain: new WeakMap<IndexedEnvironment, EnvironmentView>(),
  deployed: new WeakMap<IndexedEnvironment, EnvironmentView>(),
};

/**
 * The view of one indexed entry for a single read, made once per entry and frozen: index
 * entries are replaced, never changed, so the view (and its JSON, which the HTTP layer
 * caches for frozen bodies) stays right for as long as the entry is served. Lists build
 * their views afresh, so a listing of everything does not pin a view per environment.
 *
 * Only `expires_in` and `expiring` change with time: an environment without expiry gets the
 * frozen view itself (its constant `null`/`false` are in it); one with an expiry gets a
 * frozen copy with the two fields of `now`, kept and reused for as long as they are the same
 * (a second), so its cached JSON is never stale yet still serves a burst of reads.
 */
export function readViewOf(
  environment: IndexedEnvironment,
  options: ViewOptions,
  clock: Clock,
): EnvironmentView {
  const views = options.deployment ? readViews.deployed : readViews.plain;
  let view = views.get(environment);
  // The time is read only when needed: most reads are of a kept view without expiry.
  let now: Date | undefined;
  if (!view) {
    view = Object.freeze(toEnvironmentView(environment, options, (now = clock.now())));
    views.set(environment, view);
  }
  if (environment.expiresAt === null) return view;
  const expiry = expiryOf(environment, options, now ?? clock.now());
  const timed = options.deployment ? timedViews.deployed : timedViews.plain;
  const last = timed.get(environment);
  if (last?.status.expires_in === expiry.expires_in && last.status.expiring === expiry.expiring)
    return last;
  const fresh = Object.freeze({ ...view, status: { ...view.status, ...expiry } });
  timed.set(environment, fresh);
  return fresh;
}

/** Per single-read view, its copies with each set of allowed actions seen (at most 2^n). */
const withActions = new WeakMap<EnvironmentView, Map<string, EnvironmentView>>();

/**
 * A single read's view with the caller's `allowed_actions`, frozen and kept per view and set
 * of actions: callers with the same rights on the same version share one object, so the HTTP
 * layer serializes it once, as it does the view itself.
 */
export function viewWithAllowedActions(
  view: EnvironmentView,
  allowed: readonly Action[],
): EnvironmentView {
  let copies = withActions.get(view);
  if (!copies) {
    copies = new Map();
    withActions.set(view, copies);
  }
  const key = allowed.join(' ');
  let copy = copies.get(key);
  if (!copy) {
    copy = Object.freeze({
      ...view,
      status: Object.freeze({ ...view.status, allowed_actions: Object.freeze([...allowed]) }),
    });
    copies.set(key, copy);
  }
  return copy;
}

function expiryOf(environment: IndexedEnvironment, options: ViewOptions, now: Date) {
  if (environment.expiresAt === null) return NO_EXPIRY;
  const warnBefore = options.warnBefore(environment.claim.environment_type);
  return expiryStatus(environment.expiresAt, now, warnBefore);
}

export function toEnvironmentView(
  environment: IndexedEnvironment,
  options: ViewOptions,
  now: Date,
): EnvironmentView {
  const { expires_in, expiring } = expiryOf(environment, options, now);
  return {
    ...environment.claim,
    status: {
      bucket: environment.bucket,
      managed_by: environment.bucket === STATIC_BUCKET ? 'git' : 'api',
      expires_at: environment.expiresAt === null ? null : formatTimestamp(environment.expiresAt),
      expires_in,
      expiring,
      etag: environment.etag,
      ...(options.deployment
        ? {
            phase: currentPhase(environment.deployment, environment.etag),
            versions: environment.deployment?.versions ?? {},
          }
        : {}),
    },
  };
}

export function toEnvironmentResource(
  environment: Pick<IndexedEnvironment, 'claim' | 'bucket'>,
): EnvironmentResource {
  return {
    kind: 'environment',
    name: environment.claim.environment_name,
    type: environment.claim.environment_type,
    pool: environment.claim.environment_pool,
    owner: environment.claim.user,
    static: environment.bucket === STATIC_BUCKET,
  };
}
