import { createFsClaimStore } from '../../adapters/fs-store/fs-claim-store.js';
import type { PlatformConfig } from '../../config/load-config.js';
import type { ClaimStore } from '../../ports/claim-store.js';

/**
 * The claim store of `config`, opened for one run that touches only `static-environments`:
 * no watcher, no resync. With S3 the credentials come from the SDK's standard chain
 * (`AWS_ACCESS_KEY_ID`…), as for the server; the CI job brings its own.
 */
export async function openStaticStore(
  config: PlatformConfig,
  options: { readOnly: boolean },
): Promise<ClaimStore> {
  if (config.store.type === 'fs') {
    return createFsClaimStore({ root: config.store.path, resyncIntervalMs: 0, watchFiles: false });
  }
  const { s3 } = config.store;
  // Loaded only for S3, as in main.ts: the SDK is most of the start time.
  const { createS3ClaimStore } = await import('../../adapters/s3-store/s3-claim-store.js');
  return createS3ClaimStore({
    connection: { endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle },
    // Both logical buckets on the static one: the store probes conditional writes on its
    // first bucket, and the seed gives the CI account write access to
    // `static-environments` alone. Nothing here touches `environments`.
    buckets: {
      environments: s3.buckets.staticEnvironments,
      'static-environments': s3.buckets.staticEnvironments,
    },
    resyncIntervalMs: 0,
    // The probe writes a canary object; a dry run writes nothing, so it skips the probe
    // (and makes no conditional write either).
    ...(options.readOnly
      ? { assumeNoConditionalWrites: true, unsafeWithoutConditionalWrites: true }
      : { unsafeWithoutConditionalWrites: s3.unsafeWithoutConditionalWrites }),
  });
}
