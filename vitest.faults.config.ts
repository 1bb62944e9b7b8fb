import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/load.js';

/** `npm run test:faults`: the slow fault-injection tests and the slow tmux e2e runs (*.slow.test.ts). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.slow.test.ts', 'test/e2e/**/*.slow.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: scaled(120000),
    hookTimeout: scaled(30000),
    maxWorkers: 1,
  },
});
