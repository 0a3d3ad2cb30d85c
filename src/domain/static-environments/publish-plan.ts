import { claimSchema, type Claim } from '../claims/claim-schema.js';

/** An object the bucket holds now; `document` is `undefined` when its body is not JSON. */
export interface CurrentObject {
  readonly key: string;
  readonly etag: string;
  readonly document: unknown;
}

/** A claim the bucket should hold, under the key its environment is stored at. */
export interface DesiredClaim {
  readonly key: string;
  readonly claim: Claim;
}

/**
 * What publishing changes. Every current key is in exactly one of `update`, `remove` and
 * `unchanged`; every desired key in exactly one of `create`, `update` and `unchanged`. The
 * etags are the versions the plan was made from: writes are conditional on them, so a
 * change made meanwhile by someone else is refused, not overwritten.
 */
export interface PublishPlan {
  readonly create: readonly DesiredClaim[];
  readonly update: readonly (DesiredClaim & { readonly etag: string })[];
  readonly remove: readonly { readonly key: string; readonly etag: string }[];
  readonly unchanged: readonly { readonly key: string; readonly etag: string }[];
}

/**
 * The fields that record a publication rather than define the environment: a merge that
 * leaves a definition as it was must not rewrite its claim (Flux and the deployer would
 * see a change), so they are left out of the comparison and keep their stored values.
 */
export const PUBLICATION_FIELDS = ['user', 'creation_date', 'git_commit'] as const;

/**
 * The plan that makes a bucket holding `current` hold exactly `desired`: create what is
 * missing, replace what differs in anything but `PUBLICATION_FIELDS`, remove keys no
 * definition wants, touch nothing else. An updated environment keeps the `creation_date`
 * it was first published with. Pure; keys in the result are in key order.
 */
export function planPublish(
  desired: readonly DesiredClaim[],
  current: readonly CurrentObject[],
): PublishPlan {
  const held = new Map(current.map((object) => [object.key, object]));
  const wanted = new Set(desired.map(({ key }) => key));
  if (wanted.size !== desired.length) throw new TypeError('planPublish: duplicate desired keys');
  const create: DesiredClaim[] = [];
  const update: (DesiredClaim & { etag: string })[] = [];
  const unchanged: { key: string; etag: string }[] = [];
  for (const target of [...desired].sort(byKey)) {
    const object = held.get(target.key);
    if (object === undefined) create.push(target);
    else if (sameDefinition(object.document, target.claim))
      unchanged.push({ key: object.key, etag: object.etag });
    else update.push({ ...target, claim: keepCreation(target.claim, object), etag: object.etag });
  }
  const remove = [...current]
    .filter(({ key }) => !wanted.has(key))
    .sort(byKey)
    .map(({ key, etag }) => ({ key, etag }));
  return { create, update, remove, unchanged };
}

/** Whether a stored document defines the same environment as `claim`. */
export function sameDefinition(document: unknown, claim: Claim): boolean {
  return canonical(definitionOf(document)) === canonical(definitionOf(claim));
}

function definitionOf(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return document;
  }
  const fields: Record<string, unknown> = { ...document };
  for (const field of PUBLICATION_FIELDS) delete fields[field];
  return fields;
}

function keepCreation(claim: Claim, object: CurrentObject): Claim {
  const stored = claimSchema.safeParse(object.document);
  return stored.success ? { ...claim, creation_date: stored.data.creation_date } : claim;
}

/** JSON with object keys sorted, so key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
