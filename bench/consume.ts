import type { Benchmark } from './lib/context.js';
import { emptySection } from './lib/report.js';

export const benchmark: Benchmark = {
  name: 'consume',
  title: 'consume',
  async run() {
    const s = emptySection('consume', 'consume', 'Not written yet.');
    s.error = 'benchmark not written yet';
    return s;
  },
};
