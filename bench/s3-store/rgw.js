// Ceph RGW for bench/s3-store.js: the tests' launcher (test/support/ceph-rgw.ts) and
// topic helper (test/support/rgw-topics.ts), built rather than copied.
import { loadTestSupport } from '../support/test-support.js';

/** The tests' `startCephRgw` and `createRgwTopic`, as JavaScript. */
export async function loadRgwLauncher() {
  const { startCephRgw } = await loadTestSupport('ceph-rgw');
  const { createRgwTopic } = await loadTestSupport('rgw-topics');
  return { startCephRgw, createRgwTopic };
}
