import { describe, expect, it } from 'vitest';
import { needsRgw } from '../support/rgw-global-setup.js';

const argv = (...args: string[]) => ['node', 'vitest.mjs', ...args];

describe('the global setup starts Ceph RGW only for runs that can include S3 tests', () => {
  it('starts for a full run and for filters naming an S3 or RGW file', () => {
    expect(needsRgw(argv('run'))).toBe(true);
    expect(needsRgw(argv())).toBe(true);
    expect(needsRgw(argv('run', 'test/contract/s3-claim-store.test.ts'))).toBe(true);
    expect(needsRgw(argv('run', '--reporter', 'dot', 'test/e2e/s3-platform.test.ts'))).toBe(true);
  });

  it('does not start for filters naming only other files, options aside', () => {
    expect(needsRgw(argv('run', 'test/contract/resync-poller.test.ts'))).toBe(false);
    expect(needsRgw(argv('run', '-t', 's3 store', 'test/http/openapi.test.ts'))).toBe(false);
  });
});
