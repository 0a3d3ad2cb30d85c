import type {
  ResolvedArtifactRecord,
  ResolvedService,
} from '../domain/deployments/deployment-record.js';
import { NotFoundError } from '../domain/errors.js';
import type { SelectedService } from '../domain/services/deploy-selection.js';
import { createStreamIndex, type TagStream } from '../domain/versions/dev-tags.js';
import type { ArtifactRegistry } from '../ports/artifact-registry.js';

/** Where each stream's artifacts live: repository path prefixes in the registry. */
export interface ArtifactSources {
  /** Names a claim's explicit references may use for the registry (the seed writes `artifactory/…`). */
  readonly registryAliases?: readonly string[];
  readonly release: { readonly images: string; readonly deployments: string };
  readonly dev: {
    readonly images: string;
    readonly deployments: string;
    readonly tagPattern?: string | undefined;
  };
}

export type Stream = 'release' | 'dev';

/** Every service resolved, or what kept each failing one from resolving. */
export type VersionResolution =
  | { readonly ok: true; readonly resolved: Record<string, ResolvedService> }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Resolves the selected services against the registry. A version counts only when both
 * of its artifacts carry the tag (the image and the deployment files: one without the
 * other cannot run), so resolution picks among the tags the two repositories share.
 * Digests are read at resolution time and pinned into the render.
 * Registry outages (`UnavailableError`) propagate: they say nothing about the claim.
 */
export function createVersionResolver(deps: {
  registry: ArtifactRegistry;
  sources: ArtifactSources;
}) {
  const { registry, sources } = deps;

  async function digestOf(repository: string, tag: string): Promise<ResolvedArtifactRecord> {
    const digest = await registry.resolveDigest(repository, tag);
    if (digest === undefined) throw new ResolutionProblem(`${repository}:${tag} does not exist`);
    return { repository, tag, digest };
  }

  /**
   * A reference with `@sha256:…` (what `platform-deploy --local` writes) is pinned: that
   * manifest must exist and is deployed even if the tag has moved since.
   */
  async function pinnedOrTagged(reference: {
    repository: string;
    tag: string;
    digest?: string | undefined;
  }): Promise<ResolvedArtifactRecord> {
    if (reference.digest === undefined) return digestOf(reference.repository, reference.tag);
    const found = await registry.resolveDigest(reference.repository, reference.digest);
    if (found !== reference.digest) {
      throw new ResolutionProblem(`${reference.repository}@${reference.digest} does not exist`);
    }
    return { repository: reference.repository, tag: reference.tag, digest: reference.digest };
  }

  async function tagsOf(repository: string): Promise<string[]> {
    try {
      return await registry.listTags(repository);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ResolutionProblem(`repository ${repository} does not exist`);
      }
      throw error;
    }
  }

  async function resolveOne(service: SelectedService, stream: Stream): Promise<ResolvedService> {
    const where = sources[stream];
    const imageRepository = `${where.images}/${service.artifacts.image}`;
    const deploymentRepository = `${where.deployments}/${service.artifacts.deployment}`;
    const explicit = service.explicit;
    if (explicit && (explicit.docker_image ?? explicit.ansible_artifact) !== undefined) {
      // The seed's explicit artifact references (a user repository, say): taken as given.
      const aliases = sources.registryAliases ?? [];
      const image = referenceOf(
        explicit.docker_image,
        imageRepository,
        service.constraint.text,
        aliases,
      );
      const deployment = referenceOf(
        explicit.ansible_artifact,
        deploymentRepository,
        image.tag,
        aliases,
      );
      const [imageArtifact, deploymentArtifact] = await Promise.all([
        pinnedOrTagged(image),
        pinnedOrTagged(deployment),
      ]);
      return {
        constraint: service.constraint.text,
        source: 'explicit',
        stream,
        image: imageArtifact,
        deployment: deploymentArtifact,
      };
    }
    const [imageTags, deploymentTags] = await Promise.all([
      tagsOf(imageRepository),
      tagsOf(deploymentRepository),
    ]);
    const deployable = new Set(deploymentTags);
    const tags = imageTags.filter((tag) => deployable.has(tag));
    const tagStream: TagStream =
      stream === 'dev'
        ? // Separate snapshot repositories are the dev stream; a pattern narrows it further.
          { kind: 'dev', pattern: sources.dev.tagPattern ?? '' }
        : // The release stream is every tag the dev pattern does not match.
          {
            kind: 'release',
            ...(sources.dev.tagPattern ? { pattern: sources.dev.tagPattern } : {}),
          };
    const resolution = createStreamIndex(tags, tagStream).resolve(service.constraint);
    if (!resolution.ok) {
      throw new ResolutionProblem(
        `${resolution.message} (tags present in both ${imageRepository} and ${deploymentRepository})`,
      );
    }
    const [image, deployment] = await Promise.all([
      digestOf(imageRepository, resolution.tag),
      digestOf(deploymentRepository, resolution.tag),
    ]);
    return {
      constraint: service.constraint.text,
      source: service.source,
      stream,
      image,
      deployment,
    };
  }

  return {
    async resolve(
      selected: readonly SelectedService[],
      stream: Stream,
    ): Promise<VersionResolution> {
      const problems: string[] = [];
      const resolved: Record<string, ResolvedService> = {};
      const outcomes = await Promise.allSettled(
        selected.map((service) => resolveOne(service, stream)),
      );
      for (const [i, outcome] of outcomes.entries()) {
        const name = selected[i]?.name ?? '?';
        if (outcome.status === 'fulfilled') resolved[name] = outcome.value;
        else if (outcome.reason instanceof ResolutionProblem)
          problems.push(`${name}: ${outcome.reason.message}`);
        else throw outcome.reason;
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, resolved };
    },
  };
}

export type VersionResolver = ReturnType<typeof createVersionResolver>;

/** A service that cannot be resolved for a reason in the claim or the registry's content. */
class ResolutionProblem extends Error {}

/**
 * `[host/]repository[:tag]` → repository and tag, Docker's rule for the host part (a first
 * component with `.` or `:`, or `localhost`), plus `registryAliases`. The registry is the
 * configured one: a host in the reference is dropped. No reference: the stream's repository; no tag: `fallbackTag`.
 */
export function referenceOf(
  reference: string | undefined,
  defaultRepository: string,
  fallbackTag: string,
  /** First path components that name the configured registry, e.g. the seed's `artifactory`. */
  registryAliases: readonly string[] = [],
): { repository: string; tag: string; digest?: string } {
  if (reference === undefined) return { repository: defaultRepository, tag: fallbackTag };
  const [withoutDigest = reference, digest] = reference.split('@');
  const pinned = digest !== undefined && /^sha256:[0-9a-f]{64}$/.test(digest) ? { digest } : {};
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (parts.length > 1 && (isHost || registryAliases.includes(first))) {
    parts.shift();
  }
  const path = parts.join('/');
  const colon = path.lastIndexOf(':');
  return colon > 0
    ? { repository: path.slice(0, colon), tag: path.slice(colon + 1), ...pinned }
    : { repository: path, tag: fallbackTag, ...pinned };
}
