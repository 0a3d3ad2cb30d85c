import { CREATED_ANNOTATION } from '../../../domain/registry/user-repositories.js';
import { assertRepository, assertTag } from '../reference.js';
import { planImage } from './local-image.js';
import { createPushClient, type PushAuth, type PushClient } from './push-client.js';
import { openSourceFiles } from './source-files.js';

export interface PushLocalImageOptions {
  /** `http(s)://host[:port]` of the registry's distribution API. */
  readonly registryUrl: string;
  /** Where to push, e.g. `user-repos/johndoe-local-repo/user-service`. */
  readonly repository: string;
  readonly tag: string;
  /** A `docker save` tar file or an OCI image layout directory. */
  readonly source: string;
  /** Which image of a source holding several: its saved name, `user-service:dev-snapshot`. */
  readonly image?: string | undefined;
  readonly auth?: PushAuth | undefined;
  readonly fetchImpl?: typeof fetch | undefined;
  /** The push time written into the manifest's created annotation; default the system clock. */
  readonly now?: (() => Date) | undefined;
}

export interface PushedImage {
  readonly repository: string;
  readonly tag: string;
  /** The digest of the manifest as pushed (with its created annotation). */
  readonly digest: string;
}

/**
 * Pushes a locally built image to `repository:tag`: every blob not already there (`HEAD`
 * first) by monolithic upload, streamed from the source, then the platform images of a
 * multi-platform index by digest, then the top manifest under `tag`. The top manifest gets
 * the annotation `org.opencontainers.image.created` set to the push time, which the
 * user-repository retention counts from (so its digest differs from the source's; the
 * layers and configs are unchanged). Throws `InputError` for a bad repository, tag or
 * source, `UnavailableError` when the registry refuses or fails.
 */
export async function pushLocalImage(options: PushLocalImageOptions): Promise<PushedImage> {
  const { repository, tag } = options;
  assertRepository(repository);
  assertTag(tag);
  const plan = await planImage(await openSourceFiles(options.source), options.image);
  const client = createPushClient(options);
  for (const blob of plan.blobs) {
    await pushBlob(client, repository, blob.digest, blob.file.size, () => blob.file.open());
  }
  for (const manifest of plan.manifests) {
    await client.putManifest(repository, manifest.digest, manifest);
  }
  const digest = await client.putManifest(repository, tag, {
    mediaType: plan.top.mediaType,
    bytes: annotated(plan.top.document, (options.now ?? (() => new Date()))()),
  });
  return { repository, tag, digest };
}

/** Uploads a blob unless the repository already has it (a shared base layer, a re-push). */
export async function pushBlob(
  client: PushClient,
  repository: string,
  digest: string,
  size: number,
  open: () => ReadableStream<Uint8Array> | Uint8Array,
): Promise<void> {
  if (await client.hasBlob(repository, digest)) return;
  await client.uploadBlob(repository, { digest, size, open });
}

/** The manifest's bytes with the push time as its created annotation. */
export function annotated(document: Record<string, unknown>, now: Date): Buffer {
  const annotations =
    typeof document.annotations === 'object' && document.annotations !== null
      ? (document.annotations as Record<string, string>)
      : {};
  return Buffer.from(
    JSON.stringify({
      ...document,
      annotations: { ...annotations, [CREATED_ANNOTATION]: now.toISOString() },
    }),
  );
}
