import { judgeClaimDocument } from '../domain/claims/claim-rules.js';
import type { EnvironmentTypeCatalogue } from '../domain/environment-types/catalogue.js';
import type { FieldError } from '../domain/errors.js';
import type { BucketName, LoadedObject, StoredObject } from '../ports/claim-store.js';
import type { ClaimHolder } from './claim-precedence.js';

// How objects in a claims bucket are read: which keys hold claims, and what one object
// says. Pure; the claim sync decides what the index makes of it.

/** A claim is a small document; anything larger in a bucket is refused unread. */
export const MAX_CLAIM_BYTES = 1024 * 1024;
const CLAIM_SUFFIX = '.json';

/** The key the API writes an environment's claim under; objects put by others may use any. */
export const claimKey = (name: string): string => `${name}${CLAIM_SUFFIX}`;

/** Whether a key may hold a claim: a top-level `*.json` object. */
export function isClaimKey(key: string): boolean {
  return key.endsWith(CLAIM_SUFFIX) && key.length > CLAIM_SUFFIX.length;
}

/** Keys under a prefix (`rendered/…`, `archive/…`) are other data, neither claims nor rejected. */
export const hasPrefix = (key: string): boolean => key.includes('/');

/** The name a `<name>.json` key suggests, used to serialise work on a key not yet read. */
export const stemOf = (key: string): string =>
  isClaimKey(key) ? key.slice(0, -CLAIM_SUFFIX.length) : key;

export const NOT_A_CLAIM: readonly FieldError[] = [
  { path: '(key)', message: "not a claim: claims are JSON objects whose key ends in '.json'" },
];

/** What one object holds: a well-formed claim, or the reasons it is not one. */
export type Reading =
  | { readonly valid: true; readonly holder: ClaimHolder }
  | { readonly valid: false; readonly reasons: readonly FieldError[] };

/** Judges one object's bytes against the claim rules and the catalogue's types. */
export function createClaimJudge(
  catalogue: EnvironmentTypeCatalogue,
): (bucket: BucketName, object: LoadedObject | StoredObject) => Reading {
  return (bucket, object) => {
    const { key, body } = object;
    if (body === undefined) {
      const size = 'size' in object ? object.size : '?';
      const message = `${bucket}/${key} is ${size} bytes; the limit is ${MAX_CLAIM_BYTES}`;
      return { valid: false, reasons: [{ path: '(root)', message }] };
    }
    if (body.byteLength === 0) {
      const message = `not valid JSON: ${bucket}/${key} is a zero-byte object`;
      return { valid: false, reasons: [{ path: '(root)', message }] };
    }
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    const verdict = judgeClaimDocument(text, catalogue);
    if (!verdict.valid) return verdict;
    const { etag } = object;
    const modifiedAt = 'modifiedAt' in object ? object.modifiedAt : undefined;
    const holder = {
      bucket,
      key,
      etag,
      claim: verdict.claim,
      ...(modifiedAt ? { modifiedAt } : {}),
    };
    return { valid: true, holder };
  };
}
