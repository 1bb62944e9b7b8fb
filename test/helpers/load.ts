import { cpus, loadavg } from 'node:os';

/**
 * How much longer than on a quiet machine a wait may take now: the 1-minute load average per
 * core when the run starts, clamped to 1…4. Behaviour tests wait for things to appear on screen
 * or in a stream ("connected" within 10 s); with several test suites sharing two cores those
 * waits ran out although nothing was wrong. A quiet machine (CI) keeps factor 1, so the limits
 * there are exactly as written. Timed figures live in bench/, never in tests.
 */
export function loadFactor(): number {
  const perCore = loadavg()[0] / Math.max(1, cpus().length);
  return Math.min(4, Math.max(1, perCore));
}

/** `ms` stretched by loadFactor() (read once per process). */
export function scaled(ms: number): number {
  return Math.round(ms * FACTOR);
}

const FACTOR = loadFactor();
