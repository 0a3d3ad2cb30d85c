import { CREATED_ANNOTATION } from '../../../domain/registry/user-repositories.js';
import { assertRepository, assertTag } from '../reference.js';
import { packDirectory } from './deployment-files.js';
import { sha256 } from './local-image.js';
import { FLUX_CONFIG, FLUX_CONTENT, OCI_MANIFEST } from './media-types.js';
import { createPushClient, type PushAuth } from './push-client.js';
import { pushBlob } from './push-local-image.js';

export interface PushDeploymentFilesOptions {
  readonly registryUrl: string;
  /** The `<service>-ansible` repository, e.g. `user-repos/johndoe-local-repo/user-service-ansible`. */
  readonly repository: string;
  readonly tag: string;
  /** The deployment files; paths inside the artifact are relative to it. */
  readonly directory: string;
  /**
   * The files layer's media type: the platform's `deploy.flux.deploymentMediaType` when set,
   * else Flux's own, which OCIRepository extracts without a `layerSelector`.
   */
  readonly layerMediaType?: string | undefined;
  /** More manifest annotations (`org.opencontainers.image.source`, `…revision`). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly auth?: PushAuth | undefined;
  readonly fetchImpl?: typeof fetch | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface PushedDeploymentFiles {
  readonly repository: string;
  readonly tag: string;
  /** The manifest digest: what the deployer pins (OCIRepository `ref.digest`). */
  readonly digest: string;
  /** The files layer's digest: the same for the same directory, whenever it is pushed. */
  readonly contentDigest: string;
}

/**
 * Pushes a directory of deployment files as the seed's `<service>-ansible` OCI artifact in
 * the layout the deployer renders for: an OCI image manifest with Flux's config type and
 * one gzipped tar layer of the files (`packDirectory`: deterministic), which Flux's
 * OCIRepository pulls by digest and its Kustomization reads at the catalogue's `path`.
 * The manifest carries `org.opencontainers.image.created` (the push time, for retention),
 * so its digest is the same for the same directory and push time; `contentDigest` is the
 * same for the same directory. Throws `InputError` for a bad repository, tag or directory,
 * `UnavailableError` when the registry refuses or fails.
 */
export async function pushDeploymentFiles(
  options: PushDeploymentFilesOptions,
): Promise<PushedDeploymentFiles> {
  const { repository, tag } = options;
  assertRepository(repository);
  assertTag(tag);
  const layer = await packDirectory(options.directory);
  const config = Buffer.from('{}');
  const client = createPushClient(options);
  const contentDigest = sha256(layer);
  await pushBlob(client, repository, sha256(config), config.length, () => config);
  await pushBlob(client, repository, contentDigest, layer.length, () => layer);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: FLUX_CONFIG, digest: sha256(config), size: config.length },
    layers: [
      {
        mediaType: options.layerMediaType ?? FLUX_CONTENT,
        digest: contentDigest,
        size: layer.length,
      },
    ],
    annotations: {
      ...options.annotations,
      [CREATED_ANNOTATION]: (options.now ?? (() => new Date()))().toISOString(),
    },
  };
  const digest = await client.putManifest(repository, tag, {
    mediaType: OCI_MANIFEST,
    bytes: Buffer.from(JSON.stringify(manifest)),
  });
  return { repository, tag, digest, contentDigest };
}
