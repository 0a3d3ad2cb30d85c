import { afterAll, beforeAll, inject } from 'vitest';
import { startCephRgw, type RgwEndpoint, type TestRgw } from './ceph-rgw.js';

/**
 * The run's shared gateway (from the global setup), or one started for this file when the
 * global setup did not start one. Call at the top of a file; read `.current` inside tests.
 */
export function useRgw(): { current: RgwEndpoint } {
  const holder = {} as { current: RgwEndpoint };
  let own: TestRgw | undefined;
  beforeAll(async () => {
    const shared = inject('rgw');
    if (shared !== undefined) {
      holder.current = shared;
      return;
    }
    own = await startCephRgw();
    holder.current = own;
  }, 120_000);
  afterAll(async () => {
    await own?.stop();
  });
  return holder;
}
