import type { TestProject } from 'vitest/node';
import { startCephRgw, type RgwEndpoint } from './ceph-rgw.js';
import { runMayInclude } from './run-filters.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared Ceph RGW, when this run includes S3 tests (see `needsRgw`). */
    rgw: RgwEndpoint | undefined;
  }
}

/** Test files that need the gateway: their paths name S3 or RGW. */
const S3_FILE = /s3|rgw/i;

/**
 * Starts one Ceph RGW for the whole run (about 12 s) and hands its endpoint to every file
 * through `inject('rgw')`; each file makes its own uniquely-named buckets. It starts only
 * when the run can include an S3 test: a full run, or file filters naming one. A run it
 * guessed wrong about still works: `useRgw` then starts a gateway for that file alone.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!needsRgw(process.argv)) {
    project.provide('rgw', undefined);
    return;
  }
  const rgw = await startCephRgw();
  const { endpoint, region, accessKeyId, secretAccessKey, cephConf } = rgw;
  console.info(`Ceph RGW for this run on ${endpoint} (started in ${rgw.startupSeconds} s)`);
  project.provide('rgw', { endpoint, region, accessKeyId, secretAccessKey, cephConf });
  return () => rgw.stop();
}

/** Whether the run can include a file that needs the gateway. */
export function needsRgw(argv: readonly string[]): boolean {
  return runMayInclude(argv, S3_FILE);
}
