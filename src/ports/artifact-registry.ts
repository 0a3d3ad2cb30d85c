/**
 * Read access to an OCI distribution registry (Artifactory, ECR, Harbor, CNCF distribution)
 * holding the seed's two artifacts per service: the Docker image `<service>:<tag>` and the
 * OCI artifact with its deployment files `<service>-ansible:<tag>`. Which repository
 * (`docker-releases/…`, `oci-snapshots/…`, a user repository) is configuration, not code.
 *
 * Repository names and tags follow the distribution grammar; an invalid one is rejected
 * with `InputError` (field `repository` or `tag`) before any request, because both can
 * come from a caller's claim. A registry that cannot be reached, keeps failing, or refuses
 * the configured credentials throws `UnavailableError`.
 */
export interface ArtifactRegistry {
  /** `host[:port]` as written in image references and `oci://` URLs, e.g. `127.0.0.1:5000`. */
  readonly host: string;
  /**
   * Every tag of `repository` (e.g. `docker-releases/user-service`), following `Link`
   * pagination, sorted and without duplicates. NotFoundError when the repository does not exist.
   */
  listTags(repository: string): Promise<string[]>;
  /**
   * The manifest digest (`sha256:…`) of `repository:tag`, or undefined when the tag does not
   * exist. `tag` may be a digest itself: then it is returned if that manifest exists.
   */
  resolveDigest(repository: string, tag: string): Promise<string | undefined>;
  /** Whether `repository:tag` exists. */
  exists(repository: string, tag: string): Promise<boolean>;
}
