/**
 * The thresholds behind the `!` mark, the stuck label and the worst-first order, shared by the
 * monitor and `status` (same flags, same defaults). Durations are ms; lag is a count of entries.
 */
import { StreamscopeError } from './errors.js';

export interface Thresholds {
  /** A group whose lag is at least this many entries is marked (`--lag-warn`). */
  lagWarn: number;
  /** A group whose oldest pending entry is at least this old is marked, ms (`--pending-age-warn`). */
  pendingAgeWarnMs: number;
  /** A consumer idle at least this long while holding entries is stuck, ms (`--stuck-after`). */
  stuckAfterMs: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  lagWarn: 1000,
  pendingAgeWarnMs: 30_000,
  stuckAfterMs: 30_000,
};

export class ThresholdUsageError extends StreamscopeError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `1.5h`, `2d` → ms; null when it is not a duration. A bare number is seconds. */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']);
}

/** `30s`, `5m`, `1h 5m` → the shortest exact form: `30s`, `5m`, `65m`, `1.5s`, `250ms`. */
export function formatDurationMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  if (ms >= 1000 && ms % 100 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** `1000` or `1,000` or `10k` → a whole count; null when not one. */
export function parseCount(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmM])?$/.exec(text.trim().replace(/[,_]/g, ''));
  if (!m) return null;
  const n = Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1000 : 1_000_000) : 1);
  return Number.isInteger(n) ? n : null;
}

export interface ThresholdArgValues {
  'lag-warn'?: string;
  'pending-age-warn'?: string;
  'stuck-after'?: string;
}

/** parseArgs option specs for the three flags, to spread into a command's options. */
export const THRESHOLD_ARGS = {
  'lag-warn': { type: 'string' },
  'pending-age-warn': { type: 'string' },
  'stuck-after': { type: 'string' },
} as const;

function positiveDuration(flag: string, value: string): number {
  const ms = parseDurationMs(value);
  if (ms === null || ms <= 0)
    throw new ThresholdUsageError(
      `${flag}: expected a duration above zero (500ms, 30s, 5m, 1h), got ${JSON.stringify(value)}`,
    );
  return ms;
}

/** The flags' values → Thresholds (defaults for the missing ones); throws ThresholdUsageError. */
export function thresholdsFromArgs(values: ThresholdArgValues): Thresholds {
  const t = { ...DEFAULT_THRESHOLDS };
  if (values['lag-warn'] !== undefined) {
    const n = parseCount(values['lag-warn']);
    if (n === null || n <= 0)
      throw new ThresholdUsageError(
        `--lag-warn: expected a whole number of entries above zero, got ${JSON.stringify(values['lag-warn'])}`,
      );
    t.lagWarn = n;
  }
  if (values['pending-age-warn'] !== undefined)
    t.pendingAgeWarnMs = positiveDuration('--pending-age-warn', values['pending-age-warn']);
  if (values['stuck-after'] !== undefined)
    t.stuckAfterMs = positiveDuration('--stuck-after', values['stuck-after']);
  return t;
}

/** Help lines for the flags, the description at column `column`. */
export function thresholdUsage(column: number): string {
  // An option longer than the column (`--pending-age-warn <d>` in status's 21) gets a line of
  // its own, the description below it at the column, as the other long options do.
  const pad = (s: string) =>
    `  ${s}`.length < column
      ? `  ${s}`.padEnd(column)
      : `  ${s}
${' '.repeat(column)}`;
  const d = DEFAULT_THRESHOLDS;
  return (
    `${pad('--lag-warn <n>')}mark a group whose lag is at least n entries (default ${d.lagWarn})\n` +
    `${pad('--pending-age-warn <d>')}mark a group whose oldest pending entry is this old (default ${formatDurationMs(d.pendingAgeWarnMs)})\n` +
    `${pad('--stuck-after <d>')}a consumer idle this long while holding entries is stuck (default ${formatDurationMs(d.stuckAfterMs)})\n`
  );
}

/**
 * `lag ≥ 1,000 · oldest pending ≥ 1m · stuck: idle ≥ 30s holding entries`. The monitor's `!`
 * also marks an old undelivered entry (LAG AGE) by --pending-age-warn: `undelivered` says so.
 */
export function thresholdLegend(t: Thresholds, o: { undelivered?: boolean } = {}): string {
  const n = String(t.lagWarn).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const age = o.undelivered ? 'oldest pending or undelivered' : 'oldest pending';
  return `lag ≥ ${n} · ${age} ≥ ${formatDurationMs(t.pendingAgeWarnMs)} · stuck: idle ≥ ${formatDurationMs(t.stuckAfterMs)} holding entries`;
}
