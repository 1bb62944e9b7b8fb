import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The slow fault tests run in `npm run test:faults` (vitest.faults.config.ts), which CI runs too.
    exclude: ['**/node_modules/**', 'test/faults/**/*.slow.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20000,
    hookTimeout: 20000,
    // Two cores: keep parallelism modest so timing-sensitive Redis tests stay stable.
    maxWorkers: 2,
  },
});
