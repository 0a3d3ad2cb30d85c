import { isClaimKey, MAX_CLAIM_BYTES, stemOf } from '../../app/claim-reading.js';
import type { Claim } from '../../domain/claims/claim-schema.js';
import {
  ConflictError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from '../../domain/errors.js';
import type { CurrentObject, PublishPlan } from '../../domain/static-environments/publish-plan.js';
import { STATIC_BUCKET, type ClaimStore } from '../../ports/claim-store.js';

// The store side of `static publish`: what the bucket holds, and carrying a plan out.

/** The same bytes the API stores for a claim, so both read back alike. */
export function encodeClaim(claim: Claim): Uint8Array {
  return Buffer.from(`${JSON.stringify(claim, null, 2)}\n`, 'utf8');
}

/** Every claim object of the bucket with its parsed body (`undefined`: not JSON, too large). */
export async function readCurrent(store: ClaimStore): Promise<CurrentObject[]> {
  const infos = (await store.list(STATIC_BUCKET)).filter(({ key }) => isClaimKey(key));
  const objects = await Promise.all(
    infos.map(async ({ key, etag }): Promise<CurrentObject | undefined> => {
      try {
        const object = await store.get(STATIC_BUCKET, key, { maxBytes: MAX_CLAIM_BYTES });
        // Gone since the listing: nothing to compare, nothing to remove.
        if (object === undefined) return undefined;
        return { key, etag: object.etag, document: parseJson(object.body) };
      } catch (error) {
        if (error instanceof PayloadTooLargeError) return { key, etag, document: undefined };
        throw error;
      }
    }),
  );
  return objects.filter((object) => object !== undefined);
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What applying a plan did; `refused` says why each refused write was refused. */
export interface ApplyResult {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly refused: readonly string[];
}

/**
 * Carries the plan out with conditional writes: a create only where nothing is, a replace
 * or delete only of the version the plan read. What someone changed meanwhile is refused
 * and reported, never overwritten; the rest still goes ahead (each claim stands alone).
 */
export async function applyPlan(store: ClaimStore, plan: PublishPlan): Promise<ApplyResult> {
  const refused: string[] = [];
  const done = { created: 0, updated: 0, deleted: 0 };
  const attempt = async (
    what: string,
    counter: keyof typeof done,
    write: () => Promise<unknown>,
  ) => {
    try {
      await write();
      done[counter] += 1;
    } catch (error) {
      if (error instanceof ConflictError || error instanceof PreconditionFailedError) {
        refused.push(`${what}: ${error.message} (changed by someone else meanwhile; re-run)`);
      } else throw error;
    }
  };
  for (const { key, claim } of plan.create) {
    await attempt(`create ${stemOf(key)}`, 'created', () =>
      store.putIfAbsent(STATIC_BUCKET, key, encodeClaim(claim)),
    );
  }
  for (const { key, claim, etag } of plan.update) {
    await attempt(`update ${stemOf(key)}`, 'updated', () =>
      store.putIfMatch(STATIC_BUCKET, key, encodeClaim(claim), etag),
    );
  }
  for (const { key, etag } of plan.remove) {
    await attempt(`delete ${stemOf(key)}`, 'deleted', () =>
      store.delete(STATIC_BUCKET, key, { ifMatch: etag }),
    );
  }
  return { ...done, refused };
}
