import type { z } from 'zod';
import type { environmentViewSchema } from '../../../../src/api/schemas/environments.js';

export type EnvironmentView = z.output<typeof environmentViewSchema>;

/** One artifact as deployed: its tag and the digest the tag pointed to. */
export interface ArtifactCell {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

/** A row of the services table: what the claim asks for and what the deployer resolved. */
export interface ServiceRow {
  readonly name: string;
  /** The constraint as requested (the claim's, else the one the deployer used). */
  readonly requested: string | undefined;
  /** `claim`, `default` (the catalogue's default for the type) or `explicit` artifacts. */
  readonly source: 'claim' | 'default' | 'explicit' | undefined;
  readonly image: ArtifactCell | undefined;
  readonly deployment: ArtifactCell | undefined;
  /** The tag last deployed per the index, when no resolution is at hand. */
  readonly deployedTag: string | undefined;
}

/**
 * The claim's services joined with `status.deployment.resolved` (per artifact: tag and
 * digest) and `status.versions`, in name order. A service only the catalogue added
 * (deployed by default) is listed too.
 */
export function serviceRows(view: EnvironmentView): ServiceRow[] {
  const resolved = view.status.deployment?.resolved ?? {};
  const versions = view.status.versions ?? {};
  const names = new Set([
    ...Object.keys(view.services),
    ...Object.keys(resolved),
    ...Object.keys(versions),
  ]);
  return [...names].sort().map((name) => {
    const spec = Object.hasOwn(view.services, name) ? view.services[name] : undefined;
    const service = Object.hasOwn(resolved, name) ? resolved[name] : undefined;
    return {
      name,
      requested:
        spec === undefined ? service?.constraint : typeof spec === 'string' ? spec : spec.version,
      source: spec === undefined ? service?.source : (service?.source ?? 'claim'),
      image: service?.image,
      deployment: service?.deployment,
      deployedTag: Object.hasOwn(versions, name) ? versions[name] : undefined,
    };
  });
}

/** `sha256:0123456789ab…` → `sha256:0123456789ab`: enough to tell digests apart at a glance. */
export function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return hex === '' ? digest : `${algorithm}:${hex.slice(0, 12)}`;
}
