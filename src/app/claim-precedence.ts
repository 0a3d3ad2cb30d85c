import type { Claim } from '../domain/claims/claim-schema.js';
import type { FieldError } from '../domain/errors.js';
import { STATIC_BUCKET, type BucketName } from '../ports/claim-store.js';

/** A well-formed claim and the object holding it. */
export interface ClaimHolder {
  readonly bucket: BucketName;
  readonly key: string;
  readonly etag: string;
  readonly claim: Claim;
  /** When the store last wrote the object, if it says (the change-feed lag's start). */
  readonly modifiedAt?: Date;
}

/**
 * Which of several objects claiming one name serves it, deterministically whatever order
 * they were read in: the Git-managed (static) bucket first, as the seed keeps static
 * environments out of the API's reach; then the earliest `creation_date` (the claim made
 * first keeps its name, as if the later upload had been refused); then key order.
 */
export function comparePrecedence(left: ClaimHolder, right: ClaimHolder): number {
  const leftStatic = left.bucket === STATIC_BUCKET ? 0 : 1;
  const rightStatic = right.bucket === STATIC_BUCKET ? 0 : 1;
  if (leftStatic !== rightStatic) return leftStatic - rightStatic;
  const created = Date.parse(left.claim.creation_date) - Date.parse(right.claim.creation_date);
  if (created !== 0) return created;
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}

/** Why `loser` is not served: it names both keys and the rule that decided. */
export function lostTo(loser: ClaimHolder, winner: ClaimHolder): FieldError[] {
  const name = winner.claim.environment_name;
  const both = `${loser.bucket}/${loser.key} and ${winner.bucket}/${winner.key} both claim '${name}'`;
  let rule: string;
  if (winner.bucket === STATIC_BUCKET && loser.bucket !== STATIC_BUCKET) {
    rule = `'${name}' is a static environment; the claim in static-environments wins`;
  } else if (winner.claim.creation_date !== loser.claim.creation_date) {
    rule = `the older claim wins (created ${winner.claim.creation_date}, this one ${loser.claim.creation_date})`;
  } else {
    rule = 'both were created at the same time; the first key in order wins';
  }
  return [{ path: 'environment_name', message: `${both}: ${rule}` }];
}
