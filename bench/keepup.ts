import type { Benchmark } from './lib/context.js';
import { emptySection } from './lib/report.js';

export const benchmark: Benchmark = {
  name: 'keepup',
  title: 'keepup',
  async run() {
    const s = emptySection('keepup', 'keepup', 'Not written yet.');
    s.error = 'benchmark not written yet';
    return s;
  },
};
