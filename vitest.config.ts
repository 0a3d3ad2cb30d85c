import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One Ceph RGW per run for the S3 tests, started only when the run includes them.
    globalSetup: ['test/support/rgw-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
