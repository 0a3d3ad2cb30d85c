import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One Ceph RGW and one PostgreSQL per run, each started only when the run needs it.
    globalSetup: ['test/support/rgw-global-setup.ts', 'test/support/pg-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
