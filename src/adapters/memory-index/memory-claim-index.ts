import type { BucketName } from '../../ports/claim-store.js';
import type { ClaimIndex, IndexedEnvironment, RejectedClaim } from '../../ports/claim-index.js';

/**
 * The in-process index: a map by name plus the names kept sorted, so a page is a binary
 * search and a short scan rather than a sort of everything per request.
 */
export function createMemoryClaimIndex(): ClaimIndex {
  const byName = new Map<string, IndexedEnvironment>();
  const sortedNames: string[] = [];
  const rejected = new Map<string, RejectedClaim>();

  /** Index of the first name strictly greater than `name` (or equal, with `inclusive`). */
  const lowerBound = (name: string, inclusive: boolean): number => {
    let low = 0;
    let high = sortedNames.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = sortedNames[middle] as string;
      if (candidate < name || (!inclusive && candidate === name)) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  return {
    get(name) {
      return Promise.resolve(byName.get(name));
    },

    query({ type, pool, user, after, limit, where }) {
      const items: IndexedEnvironment[] = [];
      let position = after === undefined ? 0 : lowerBound(after, false);
      for (; position < sortedNames.length; position++) {
        const environment = byName.get(sortedNames[position] as string);
        if (!environment) continue;
        const { claim } = environment;
        if (type !== undefined && claim.environment_type !== type) continue;
        if (pool !== undefined && claim.environment_pool !== pool) continue;
        if (user !== undefined && claim.user !== user) continue;
        if (where && !where(environment)) continue;
        if (items.length === limit) return Promise.resolve({ items, hasMore: true });
        items.push(environment);
      }
      return Promise.resolve({ items, hasMore: false });
    },

    expiredAt(instant) {
      const expired = [...byName.values()].filter(
        (environment) =>
          environment.expiresAt !== null && environment.expiresAt.getTime() <= instant.getTime(),
      );
      return Promise.resolve(expired);
    },

    upsert(environment) {
      const name = environment.claim.environment_name;
      if (!byName.has(name)) sortedNames.splice(lowerBound(name, true), 0, name);
      byName.set(name, environment);
      return Promise.resolve();
    },

    remove(name) {
      if (byName.delete(name)) sortedNames.splice(lowerBound(name, true), 1);
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

    listRejected() {
      return Promise.resolve(
        [...rejected.values()].sort((a, b) =>
          `${a.bucket}/${a.key}`.localeCompare(`${b.bucket}/${b.key}`),
        ),
      );
    },
  };
}
