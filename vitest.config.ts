import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20000,
    hookTimeout: 20000,
    // Two cores: keep parallelism modest so timing-sensitive Redis tests stay stable.
    maxWorkers: 2,
  },
});
