/** A manifest as the retention sweeper needs it: its digest and what dates it. */
export interface ManifestFacts {
  /** `sha256:…` of the manifest bytes: what `deleteManifest` takes. */
  readonly digest: string;
  readonly mediaType: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The image config's digest, for `configCreated`; absent for an index. */
  readonly configDigest?: string | undefined;
}

/**
 * The write side of an OCI distribution registry that the user-repository retention needs:
 * listing every repository, reading manifests and deleting them. Kept apart from
 * `ArtifactRegistry` (read-only, cached, used by the deployer) so nothing that resolves
 * versions can delete.
 *
 * A registry that cannot be reached, keeps failing or refuses the credentials throws
 * `UnavailableError`; one with deletes disabled throws it too, saying so.
 */
export interface RegistryMaintenance {
  /** Every repository (`GET /v2/_catalog`, all pages), in the registry's order. */
  listRepositories(): Promise<string[]>;
  /** Every tag of `repository`; empty when it has none or no longer exists. */
  listTags(repository: string): Promise<string[]>;
  /** The manifest `repository:tag` points at, or undefined when the tag is gone. */
  manifest(repository: string, tag: string): Promise<ManifestFacts | undefined>;
  /** The `created` of an image config blob, or undefined when it has none. */
  configCreated(repository: string, configDigest: string): Promise<string | undefined>;
  /** Deletes the manifest and so every tag on it; resolves as well when it is already gone. */
  deleteManifest(repository: string, digest: string): Promise<void>;
}
