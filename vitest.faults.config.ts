import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: the slow fault-injection tests and the slow tmux e2e runs (*.slow.test.ts). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.slow.test.ts', 'test/e2e/**/*.slow.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120000,
    hookTimeout: 30000,
    maxWorkers: 1,
  },
});
