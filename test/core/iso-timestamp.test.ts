import { describe, expect, it, vi } from 'vitest';
import { pythonIsoTimestamp } from '../../src/core/codec.js';

// Its own file: the test moves the monotonic clock into 2027, which would leak into other tests
// of the module (monotonicEpochMicros never goes back).
describe('pythonIsoTimestamp() of now', () => {
  it("now's timestamp, built from a per-second prefix, matches the Date path across second and day boundaries", () => {
    // The clock read by monotonicEpochMicros, stepped over 23:59:59 → 00:00:00 and to an exact second.
    const base = Date.UTC(2026, 11, 31, 23, 59, 59) - performance.timeOrigin;
    const steps = [0.25, 999.999, 1000, 1000.5, 1001.75, 2000, 3600_000.001];
    const spy = vi.spyOn(performance, 'now');
    try {
      for (const step of steps) {
        spy.mockReturnValue(base + 10_000 + step);
        const micros = Math.floor((performance.timeOrigin + base + 10_000 + step) * 1000);
        const expected = pythonIsoTimestamp(
          new Date(Math.floor(micros / 1000)),
          micros % 1_000_000,
        );
        expect(pythonIsoTimestamp()).toBe(expected);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
