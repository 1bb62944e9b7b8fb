import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The slow Redis Cluster topology tests run with npm run test:cluster (vitest.cluster.config.ts).
    exclude: ['**/node_modules/**', 'test/cluster-topology/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20000,
    hookTimeout: 20000,
    // Two cores: keep parallelism modest so timing-sensitive Redis tests stay stable.
    maxWorkers: 2,
  },
});
