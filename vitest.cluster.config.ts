import { defineConfig } from 'vitest/config';

// The slow Redis Cluster topology tests (failover): npm run test:cluster, also run by .ci/run.
export default defineConfig({
  test: {
    include: ['test/cluster-topology/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 300000,
    hookTimeout: 120000,
    maxWorkers: 1,
  },
});
