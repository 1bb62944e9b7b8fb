import type { Benchmark } from './lib/context.js';
import { emptySection } from './lib/report.js';

export const benchmark: Benchmark = {
  name: 'pending',
  title: 'pending',
  async run() {
    const s = emptySection('pending', 'pending', 'Not written yet.');
    s.error = 'benchmark not written yet';
    return s;
  },
};
