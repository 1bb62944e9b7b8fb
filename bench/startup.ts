import type { Benchmark } from './lib/context.js';
import { emptySection } from './lib/report.js';

export const benchmark: Benchmark = {
  name: 'startup',
  title: 'startup',
  async run() {
    const s = emptySection('startup', 'startup', 'Not written yet.');
    s.error = 'benchmark not written yet';
    return s;
  },
};
