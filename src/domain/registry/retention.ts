import { CREATED_ANNOTATION } from './user-repositories.js';

/** How old a user-repository manifest is, and from what. */
export type ManifestAge =
  | { readonly known: true; readonly created: Date; readonly from: 'annotation' | 'config' }
  | { readonly known: false; readonly reason: string };

/** RFC 3339 with a zone, as the OCI annotation and image config `created` are written. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * When a manifest was created: its `org.opencontainers.image.created` annotation (which the
 * local push sets to the push time) before the image config's `created` (which a
 * reproducible build may set to 1970 or a commit's time, so it is only the fallback).
 * Neither, or one that is not an RFC 3339 time: unknown, with the reason.
 */
export function manifestAge(
  annotations: Readonly<Record<string, string>>,
  configCreated: string | undefined,
): ManifestAge {
  const annotation = annotations[CREATED_ANNOTATION];
  if (annotation !== undefined) {
    const created = parseTime(annotation);
    return created === undefined
      ? { known: false, reason: `annotation ${CREATED_ANNOTATION} is not an RFC 3339 time` }
      : { known: true, created, from: 'annotation' };
  }
  if (configCreated !== undefined) {
    const created = parseTime(configCreated);
    return created === undefined
      ? { known: false, reason: 'the image config `created` is not an RFC 3339 time' }
      : { known: true, created, from: 'config' };
  }
  return {
    known: false,
    reason: `no ${CREATED_ANNOTATION} annotation and no image config \`created\``,
  };
}

/** Whether a manifest of this age is past `maxAgeMs` at `now`: the retention's one rule. */
export function isExpired(age: ManifestAge, now: Date, maxAgeMs: number): boolean {
  return age.known && now.getTime() - age.created.getTime() > maxAgeMs;
}

function parseTime(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
