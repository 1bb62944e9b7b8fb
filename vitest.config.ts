import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/load.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Slow suites run on their own: npm run test:faults (vitest.faults.config.ts) and
    // npm run test:cluster (vitest.cluster.config.ts); CI runs both.
    exclude: [
      '**/node_modules/**',
      'test/faults/**/*.slow.test.ts',
      // 30 s+ end-to-end runs (pane 2 re-sorting for 30 s): in test:faults.
      'test/e2e/**/*.slow.test.ts',
      'test/cluster-topology/**',
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: scaled(20000),
    hookTimeout: scaled(20000),
    // Two cores: keep parallelism modest so timing-sensitive Redis tests stay stable.
    maxWorkers: 2,
  },
});
