/**
 * Lag over time from the monitor's own snapshots: per group, the last 10 minutes of (time, lag,
 * entries-added, entries-read) samples, bounded in count, never written to Redis. From them:
 * ingest and consume rates (entries/s, from entries-added and entries-read deltas) and the time
 * to drain. Pure and immutable: recordSnapshot returns a new history.
 */
import type { StreamSnapshot } from './messages.js';

export interface LagSample {
  /** Server clock of the snapshot, ms since the epoch. */
  t: number;
  /** Redis's lag, else the counted estimate, else null (unknown). */
  lag: number | null;
  /** True when `lag` is an estimate (counted with XRANGE), not Redis's figure. */
  estimated: boolean;
  /** The stream's entries-added (Redis ≥ 7.0), null when unknown. */
  added: number | null;
  /** The group's entries-read, null when Redis cannot tell. */
  read: number | null;
}

/** Samples per group (key: groupKey(stream, group)), oldest first. */
export type LagHistory = Readonly<Record<string, readonly LagSample[]>>;

/** How far back the history reaches, ms. */
export const HISTORY_WINDOW_MS = 10 * 60_000;
/** At most this many samples per group: samples closer together than window / max are merged. */
export const HISTORY_MAX_SAMPLES = 600;
/**
 * Rates are measured over this much of the newest history, ms. Short enough that the drain
 * estimate turns within seconds of a consumer resuming: a window that still holds the stall
 * averages it in, and "growing" would last until the backlog was nearly gone. (Tiny-lag noise
 * is handled by MIN_TREND_LAG, not by a long window.)
 */
export const RATE_WINDOW_MS = 10_000;

export function groupKey(stream: string, group: string): string {
  return `${stream}\u0000${group}`;
}

export interface RecordOptions {
  windowMs?: number;
  maxSamples?: number;
  /** Counted lag estimates for groups whose lag Redis cannot tell (key: groupKey). */
  estimates?: Readonly<Record<string, number>>;
}

/** Add one snapshot's samples; groups that are gone are dropped, samples older than the window too. */
export function recordSnapshot(
  history: LagHistory,
  streams: readonly StreamSnapshot[],
  timeMs: number,
  options: RecordOptions = {},
): LagHistory {
  const windowMs = options.windowMs ?? HISTORY_WINDOW_MS;
  const minGapMs = windowMs / (options.maxSamples ?? HISTORY_MAX_SAMPLES);
  const out: Record<string, readonly LagSample[]> = {};
  for (const s of streams) {
    for (const g of s.groups) {
      const key = groupKey(s.key, g.name);
      const estimate = g.lag === null ? options.estimates?.[key] : undefined;
      const sample: LagSample = {
        t: timeMs,
        lag: g.lag ?? estimate ?? null,
        estimated: g.lag === null && estimate !== undefined,
        added: s.entriesAdded,
        read: g.entriesRead,
      };
      const prev = history[key] ?? [];
      let start = 0;
      while (start < prev.length && prev[start].t <= timeMs - windowMs) start++;
      const kept = prev.slice(start);
      // The newest kept sample is provisional while it is closer than minGap to the one before:
      // replace it (keeps the count bounded at any refresh rate, and two points for a rate).
      const last = kept[kept.length - 1];
      if (last && last.t >= timeMs)
        kept.pop(); // same or older snapshot time: newest wins
      else if (kept.length >= 2 && last.t - kept[kept.length - 2].t < minGapMs) kept.pop();
      kept.push(sample);
      out[key] = kept;
    }
  }
  return out;
}

export interface GroupRates {
  /** Entries added to the stream per second, null when unknown (fewer than two samples, Redis < 7.0). */
  ingest: number | null;
  /** Entries read by the group per second, null when unknown. */
  consume: number | null;
  /** Seconds the rates were measured over (0 with fewer than two samples). */
  overSec: number;
}

/** Ingest and consume rates over the newest `windowMs` of the samples. */
export function ratesOf(samples: readonly LagSample[], windowMs = RATE_WINDOW_MS): GroupRates {
  const last = samples[samples.length - 1];
  if (!last || samples.length < 2) return { ingest: null, consume: null, overSec: 0 };
  let i = samples.length - 2;
  while (i > 0 && samples[i - 1].t >= last.t - windowMs) i--;
  const first = samples[i];
  const dt = (last.t - first.t) / 1000;
  if (dt <= 0) return { ingest: null, consume: null, overSec: 0 };
  const ingest =
    last.added !== null && first.added !== null ? Math.max(0, last.added - first.added) / dt : null;
  let consume =
    last.read !== null && first.read !== null ? Math.max(0, last.read - first.read) / dt : null;
  // entries-read unknown (lag NULL): consumed = added − lag growth, when both lags are known.
  if (consume === null && ingest !== null && last.lag !== null && first.lag !== null)
    consume = Math.max(0, ingest - (last.lag - first.lag) / dt);
  return { ingest, consume, overSec: dt };
}

export type Drain =
  | { kind: 'caught-up' }
  | { kind: 'drains'; seconds: number }
  | { kind: 'growing'; perSec: number }
  | { kind: 'steady' }
  /** Lag below MIN_TREND_LAG while the group consumes: too small for a trend to mean anything. */
  | { kind: 'keeping-up' }
  | { kind: 'stalled' }
  | { kind: 'unknown'; reason: string };

/** Below this net rate (entries/s) the lag counts as steady, not draining or growing. */
const STEADY_PER_SEC = 0.05;

/**
 * Below this lag (entries) a group that consumes is "keeping up": at lag 2–3 a net rate of
 * ±0.1/s is the timing of the two snapshots, not a trend (it used to show red "growing +0.1/s").
 */
export const MIN_TREND_LAG = 10;

/**
 * A consumer reads in batches, so a healthy group's lag at snapshot time is anything from 0 to
 * about a batch: up to this many seconds of its consume rate is noise, not a backlog or a trend.
 */
export const NOISE_SEC = 1;

/**
 * The lag (entries) below which a group is keeping up, and by which the lag must have moved over
 * the rate window before that counts as a trend: MIN_TREND_LAG, or NOISE_SEC of consumption.
 */
export function lagNoise(rates: GroupRates): number {
  return Math.max(MIN_TREND_LAG, (rates.consume ?? 0) * NOISE_SEC);
}

/** The group consumes and its lag is within the noise of batched reads. */
export function keepingUp(lag: number | null, rates: GroupRates): boolean {
  return (
    lag !== null &&
    rates.consume !== null &&
    rates.consume >= STEADY_PER_SEC &&
    lag < lagNoise(rates)
  );
}

/**
 * Time to drain from the lag and the two rates. A change of the lag over the rate window within
 * lagNoise is "steady", not a trend: at 30/s in batches of 50 the lag at the two ends of the
 * window differs by tens of entries either way, which read as red "growing +5/s" one second and
 * "drains in ~4s" the next.
 */
export function drainOf(lag: number | null, rates: GroupRates): Drain {
  if (lag === null) return { kind: 'unknown', reason: 'lag unknown' };
  if (lag === 0) return { kind: 'caught-up' };
  if (rates.ingest === null || rates.consume === null)
    return { kind: 'unknown', reason: rates.overSec === 0 ? 'measuring' : 'rates unknown' };
  const net = rates.consume - rates.ingest;
  if (rates.consume < STEADY_PER_SEC && rates.ingest < STEADY_PER_SEC) return { kind: 'stalled' };
  if (keepingUp(lag, rates)) return { kind: 'keeping-up' };
  const moved = Math.abs(net) * rates.overSec;
  if (net >= STEADY_PER_SEC && moved >= lagNoise(rates))
    return { kind: 'drains', seconds: lag / net };
  if (net <= -STEADY_PER_SEC && moved >= lagNoise(rates)) return { kind: 'growing', perSec: -net };
  return { kind: 'steady' };
}

/** `~45s`, `~4m`, `~3h`, `~2d`, `> 30d`. */
export function formatEta(seconds: number): string {
  if (seconds < 1) return '<1s';
  if (seconds < 90) return `~${Math.round(seconds)}s`;
  if (seconds < 90 * 60) return `~${Math.round(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `~${Math.round(seconds / 3600)}h`;
  if (seconds < 30 * 86400) return `~${Math.round(seconds / 86400)}d`;
  return '> 30d';
}

function perSec(n: number): string {
  if (n < 10) return `${Math.round(n * 10) / 10}/s`;
  return `${String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}/s`;
}

/** "caught up", "drains in ~4m", "growing +120/s", "steady", "keeping up", "stalled", "measuring…". */
export function formatDrain(d: Drain): string {
  switch (d.kind) {
    case 'caught-up':
      return 'caught up';
    case 'drains':
      return `drains in ${formatEta(d.seconds)}`;
    case 'growing':
      return `growing +${perSec(d.perSec)}`;
    case 'steady':
      return 'steady';
    case 'keeping-up':
      return 'keeping up';
    case 'stalled':
      return 'stalled';
    case 'unknown':
      return d.reason === 'measuring' ? 'measuring…' : d.reason;
  }
}

/** The lags of a group's samples, oldest first (for the sparkline). */
export function lagSeries(samples: readonly LagSample[]): (number | null)[] {
  return samples.map((s) => s.lag);
}
