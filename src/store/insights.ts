/**
 * Per group, what the snapshots say beyond the numbers: the lag series for the sparkline, ingest
 * and consume rates, the drain estimate, the stuck consumers and the "why is it stuck?" findings
 * (core/lag-history.ts, core/diagnosis.ts). One cached map, rebuilt only when a snapshot lands.
 */
import {
  diagnose,
  diagnosisLine,
  lagUnknownReason,
  stuckConsumers,
  type Finding,
} from '../core/diagnosis.js';
import {
  drainOf,
  formatDrain,
  groupKey,
  lagSeries,
  ratesOf,
  type Drain,
  type GroupRates,
} from '../core/lag-history.js';
import type { MonitorState } from './state.js';

export interface GroupInsight {
  /** Redis's lag is NULL and the entries after the group's position were counted: `~n`. */
  lagEstimate: number | null;
  /** Why Redis's lag is NULL (and why it was not counted, when it was not); null when known. */
  lagUnknown: string | null;
  /** Lag per sample, oldest first (null: unknown then). */
  series: (number | null)[];
  rates: GroupRates;
  drain: Drain;
  /** `drains in ~4m`, `growing +120/s`, `stalled`… */
  drainText: string;
  /** Names of consumers idle past --stuck-after while holding entries. */
  stuck: ReadonlySet<string>;
  findings: Finding[];
  /** The one line: the worst finding and its fix, or `ok`. */
  diagnosis: string;
}

let cache: {
  streams: unknown;
  history: unknown;
  thresholds: unknown;
  estimates: unknown;
  map: Map<string, GroupInsight>;
} | null = null;

/** Keyed by groupKey(stream, group). */
export function selectGroupInsights(state: MonitorState): ReadonlyMap<string, GroupInsight> {
  const { streams, lagHistory, lagEstimates, lagUncounted } = state.snapshot;
  const thresholds = state.config.thresholds;
  if (
    cache &&
    cache.streams === streams &&
    cache.history === lagHistory &&
    cache.thresholds === thresholds &&
    cache.estimates === lagEstimates
  )
    return cache.map;
  const map = new Map<string, GroupInsight>();
  for (const s of streams)
    for (const g of s.groups) {
      const key = groupKey(s.key, g.name);
      const samples = lagHistory[key] ?? [];
      const rates = ratesOf(samples);
      const lagEstimate = g.lag === null ? (lagEstimates[key] ?? null) : null;
      const drain = drainOf(g.lag ?? lagEstimate, rates);
      const findings = diagnose({ stream: s, group: g, rates, thresholds, lagEstimate });
      const why = lagUnknownReason(s, g);
      const uncounted = g.lag === null ? lagUncounted[key] : undefined;
      map.set(key, {
        lagEstimate,
        lagUnknown: why && uncounted ? `${why}; ${uncounted}` : why,
        series: lagSeries(samples),
        rates,
        drain,
        drainText: formatDrain(drain),
        stuck: new Set(stuckConsumers(g, thresholds).map((c) => c.name)),
        findings,
        diagnosis: diagnosisLine(findings),
      });
    }
  cache = { streams, history: lagHistory, thresholds, estimates: lagEstimates, map };
  return map;
}

export function selectGroupInsight(
  state: MonitorState,
  stream: string,
  group: string,
): GroupInsight | null {
  return selectGroupInsights(state).get(groupKey(stream, group)) ?? null;
}
