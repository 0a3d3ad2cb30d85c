import type { Claim } from './claim-schema.js';

/**
 * What a list's `q` searches in a claim: its name, its service names and its user,
 * lower-cased (`q` is lower-cased too, so the search ignores case). Every index searches
 * these same fields: the memory index in place, PostgreSQL in a column made from them.
 */
export function claimSearchFields(claim: Claim): string[] {
  return [claim.environment_name, ...Object.keys(claim.services ?? {}), claim.user].map((field) =>
    field.toLowerCase(),
  );
}
