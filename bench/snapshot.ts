import type { Benchmark } from './lib/context.js';
import { emptySection } from './lib/report.js';

export const benchmark: Benchmark = {
  name: 'snapshot',
  title: 'snapshot',
  async run() {
    const s = emptySection('snapshot', 'snapshot', 'Not written yet.');
    s.error = 'benchmark not written yet';
    return s;
  },
};
