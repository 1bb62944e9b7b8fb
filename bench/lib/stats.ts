/** Small statistics helpers for repeated measurements. Pure. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(xs: readonly number[]): Summary {
  const finite = xs.filter((x) => Number.isFinite(x));
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : NaN,
    max: finite.length ? Math.max(...finite) : NaN,
    n: finite.length,
  };
}

/** 12345.6 → "12,346"; small values keep `digits` decimals. */
export function fmt(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** "median (min–max)" */
export function fmtSummary(s: Summary, digits = 0, unit = ''): string {
  if (s.n === 0) return 'n/a';
  const u = unit ? ` ${unit}` : '';
  if (s.n === 1) return `${fmt(s.median, digits)}${u}`;
  return `${fmt(s.median, digits)}${u} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

/**
 * Fixed-bucket latency histogram (ms, 1 ms buckets up to `maxMs`, then one overflow bucket):
 * bounded memory however many samples arrive.
 */
export class LatencyHistogram {
  private readonly buckets: Uint32Array;
  count = 0;
  max = 0;
  constructor(private readonly maxMs = 60_000) {
    this.buckets = new Uint32Array(maxMs + 2);
  }
  add(ms: number, times = 1): void {
    const b = ms < 0 ? 0 : ms > this.maxMs ? this.maxMs + 1 : Math.floor(ms);
    this.buckets[b] += times;
    this.count += times;
    if (ms > this.max) this.max = ms;
  }
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const target = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= target) return i;
    }
    return this.max;
  }
}
