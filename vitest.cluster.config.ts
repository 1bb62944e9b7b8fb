import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/load.js';

// The slow Redis Cluster topology tests (failover): npm run test:cluster, also run by .ci/run.
export default defineConfig({
  test: {
    include: ['test/cluster-topology/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: scaled(300000),
    hookTimeout: scaled(120000),
    maxWorkers: 1,
  },
});
