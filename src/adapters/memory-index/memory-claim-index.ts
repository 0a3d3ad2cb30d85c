import { claimSearchFields } from '../../domain/claims/claim-search.js';
import { currentPhase } from '../../domain/deployments/deployment-summary.js';
import {
  ALL,
  and,
  inSet,
  matches,
  type EnvironmentFilter,
  type FilterSubject,
} from '../../domain/policy/environment-filter.js';
import { DYNAMIC_BUCKET, STATIC_BUCKET, type BucketName } from '../../ports/claim-store.js';
import type {
  ClaimIndex,
  EnvironmentQuery,
  IndexedEnvironment,
  ObjectRef,
  RejectedClaim,
} from '../../ports/claim-index.js';
import { compareObjectRefs } from '../../ports/claim-index.js';
import { accessPath, mergeSorted, type PostedField, type SortedSource } from './access-path.js';
import { compareStrings, LazySorted, lowerBound } from './lazy-sorted.js';

// Below this share of all environments, walking posting lists beats scanning every name.
const LIST_SHARE = 0.25;

const fieldOf: Record<PostedField, (environment: IndexedEnvironment) => string> = {
  pool: (environment) => environment.claim.environment_pool,
  type: (environment) => environment.claim.environment_type,
  owner: (environment) => environment.claim.user,
};
const POSTED_FIELDS = Object.keys(fieldOf) as PostedField[];

interface Expiry {
  readonly at: number;
  readonly name: string;
}
const compareExpiry = (left: Expiry, right: Expiry): number =>
  left.at - right.at || compareStrings(left.name, right.name);

const subjectOf = (environment: IndexedEnvironment): FilterSubject => ({
  name: environment.claim.environment_name,
  type: environment.claim.environment_type,
  pool: environment.claim.environment_pool,
  owner: environment.claim.user,
  static: environment.bucket === STATIC_BUCKET,
});

/**
 * The in-process index. Environments by name, every name in a lazily sorted list, and
 * posting lists (sorted names) per pool, type and owner, so a permission filter such as
 * `pool ∈ {…}` reads only its candidates in name order instead of every environment.
 * Writes are amortized O(log n) in any order; sorting waits for the next read.
 */
export function createMemoryClaimIndex(): ClaimIndex {
  const byName = new Map<string, IndexedEnvironment>();
  const names = new LazySorted<string>(compareStrings);
  const postings: Record<PostedField, Map<string, LazySorted<string>>> = {
    pool: new Map(),
    type: new Map(),
    owner: new Map(),
  };
  const expiries = new LazySorted<Expiry>(compareExpiry);
  const rejected = new Map<string, RejectedClaim>();
  // Key → the name its claim names, per bucket, and back. A name has one key but for a
  // duplicate not yet removed, so one ref, not a collection, is the common value: an entry
  // per environment stays a few dozen bytes at 100k environments.
  const keyNames: Record<BucketName, Map<string, string>> = {
    environments: new Map(),
    'static-environments': new Map(),
  };
  // A ref in the API's bucket is kept as its key alone: the key string is held anyway (in
  // keyNames), and an object per ref was ~4 MB at 100k environments.
  type StoredRef = string | ObjectRef;
  const nameKeys = new Map<string, StoredRef | StoredRef[]>();
  const storedRef = (bucket: BucketName, key: string): StoredRef =>
    bucket === DYNAMIC_BUCKET ? key : { bucket, key };
  const refOf = (ref: StoredRef): ObjectRef =>
    typeof ref === 'string' ? { bucket: DYNAMIC_BUCKET, key: ref } : ref;
  const sameRef = (ref: StoredRef, bucket: BucketName, key: string): boolean =>
    typeof ref === 'string'
      ? bucket === DYNAMIC_BUCKET && ref === key
      : ref.bucket === bucket && ref.key === key;

  const isLive = (name: string): boolean => byName.has(name);
  const postingSource = (field: PostedField, value: string): SortedSource | undefined => {
    const list = postings[field].get(value);
    if (!list || list.estimate === 0) return undefined;
    const live = (name: string): boolean => {
      const environment = byName.get(name);
      return environment !== undefined && fieldOf[field](environment) === value;
    };
    return { estimate: list.estimate, names: () => list.view(live) };
  };

  function post(field: PostedField, value: string, name: string): void {
    let list = postings[field].get(value);
    if (!list) postings[field].set(value, (list = new LazySorted(compareStrings)));
    list.add(name);
  }

  function unpost(field: PostedField, value: string): void {
    postings[field].get(value)?.markStale();
  }

  function candidates(filter: EnvironmentFilter, after: string | undefined): Iterable<string> {
    const path = accessPath(filter, { lookup: postingSource });
    if (path.kind === 'empty') return [];
    if (path.kind === 'lists' && path.estimate < byName.size * LIST_SHARE)
      return mergeSorted(
        path.lists.map((list) => list.names()),
        after,
      );
    const all = names.view(isLive);
    const start = after === undefined ? 0 : lowerBound(all, after, compareStrings, false);
    return from(all, start);
  }

  function query(request: EnvironmentQuery): { items: IndexedEnvironment[]; hasMore: boolean } {
    const { type, pool, user, q, phase, after, limit, where = ALL, decide } = request;
    const needle = q?.toLowerCase();
    const filter = and(
      where,
      ...(type === undefined ? [] : [inSet('type', [type])]),
      ...(pool === undefined ? [] : [inSet('pool', [pool])]),
      ...(user === undefined ? [] : [inSet('owner', [user])]),
    );
    const decideItem = decide ?? mustNotDecide;
    const items: IndexedEnvironment[] = [];
    for (const name of candidates(filter, after)) {
      const environment = byName.get(name);
      if (!environment) continue;
      if (needle !== undefined && !containsText(environment, needle)) continue;
      if (phase !== undefined && currentPhase(environment.deployment, environment.etag) !== phase)
        continue;
      if (!matches(filter, subjectOf(environment), () => decideItem(environment))) continue;
      if (items.length === limit) return { items, hasMore: true };
      items.push(environment);
    }
    return { items, hasMore: false };
  }

  return {
    get: (name) => Promise.resolve(byName.get(name)),

    // A misuse (per-item leaves without `decide`) rejects, as the PostgreSQL index does.
    query: (request) => new Promise((resolve) => resolve(query(request))),

    expiredAt(instant) {
      const limit = instant.getTime();
      const expired: IndexedEnvironment[] = [];
      const live = ({ at, name }: Expiry): boolean => byName.get(name)?.expiresAt?.getTime() === at;
      for (const entry of expiries.view(live)) {
        if (entry.at > limit) break;
        const environment = byName.get(entry.name);
        if (environment && environment.expiresAt?.getTime() === entry.at) expired.push(environment);
      }
      return Promise.resolve(expired);
    },

    upsert(upserted) {
      const name = upserted.claim.environment_name;
      const previous = byName.get(name);
      // The deployer's summary outlives claim changes: it says what is deployed until the
      // deployer decides the new claim.
      const environment =
        previous?.deployment === undefined || upserted.deployment !== undefined
          ? upserted
          : { ...upserted, deployment: previous.deployment };
      byName.set(name, environment);
      if (!previous) names.add(name);
      for (const field of POSTED_FIELDS) {
        const value = fieldOf[field](environment);
        if (previous && fieldOf[field](previous) === value) continue;
        if (previous) unpost(field, fieldOf[field](previous));
        post(field, value, name);
      }
      const before = previous?.expiresAt?.getTime() ?? null;
      const now = environment.expiresAt?.getTime() ?? null;
      if (before !== now) {
        if (before !== null) expiries.markStale();
        if (now !== null) expiries.add({ at: now, name });
      }
      return Promise.resolve();
    },

    remove(name) {
      const previous = byName.get(name);
      if (previous) {
        byName.delete(name);
        names.markStale();
        for (const field of POSTED_FIELDS) unpost(field, fieldOf[field](previous));
        if (previous.expiresAt !== null) expiries.markStale();
      }
      return Promise.resolve();
    },

    setDeployment(name, deployment) {
      const environment = byName.get(name);
      // A new entry, not a change to the old one: entries are replaced, never mutated.
      if (environment) byName.set(name, { ...environment, deployment });
      return Promise.resolve();
    },

    setRejected(bucket: BucketName, key: string, entry: RejectedClaim | undefined) {
      if (entry) rejected.set(`${bucket}/${key}`, entry);
      else rejected.delete(`${bucket}/${key}`);
      return Promise.resolve();
    },

    getRejected(bucket: BucketName, key: string) {
      return Promise.resolve(rejected.get(`${bucket}/${key}`));
    },

    setKeyName(bucket: BucketName, key: string, name: string | undefined) {
      const previous = keyNames[bucket].get(key);
      if (previous === name) return Promise.resolve();
      if (previous !== undefined) {
        keyNames[bucket].delete(key);
        const refs = nameKeys.get(previous);
        const left = Array.isArray(refs) ? refs.filter((ref) => !sameRef(ref, bucket, key)) : [];
        if (left.length === 0) nameKeys.delete(previous);
        else nameKeys.set(previous, left.length === 1 ? left[0]! : left);
      }
      if (name !== undefined) {
        keyNames[bucket].set(key, name);
        const refs = nameKeys.get(name);
        const ref = storedRef(bucket, key);
        if (refs === undefined) nameKeys.set(name, ref);
        else nameKeys.set(name, Array.isArray(refs) ? [...refs, ref] : [refs, ref]);
      }
      return Promise.resolve();
    },

    nameOfKey(bucket: BucketName, key: string) {
      return Promise.resolve(keyNames[bucket].get(key));
    },

    keysOfName(name: string) {
      const refs = nameKeys.get(name);
      const list = refs === undefined ? [] : Array.isArray(refs) ? refs.map(refOf) : [refOf(refs)];
      return Promise.resolve(list.sort(compareObjectRefs));
    },

    listRejected() {
      return Promise.resolve([...rejected.values()].sort(compareObjectRefs));
    },
  };
}

function* from(list: readonly string[], start: number): Generator<string, void, undefined> {
  for (let index = start; index < list.length; index++) yield list[index] as string;
}

/** Whether a searched field of the claim contains `needle` (already lower-cased). */
function containsText(environment: IndexedEnvironment, needle: string): boolean {
  return claimSearchFields(environment.claim).some((field) => field.includes(needle));
}

function mustNotDecide(): boolean {
  throw new TypeError('the query filter has per-item leaves but no decide callback');
}
