/**
 * What `status` reports per group beyond the raw snapshot: oldest-pending age, stuck consumers,
 * the lag estimate where Redis's lag is unknown, rates and drain (in --watch, from the previous
 * snapshots), and the "why is it stuck?" findings. Pure: built from a snapshot and the history.
 */
import type { StreamSnapshot } from '../core/messages.js';
import { isStreamId, streamIdToMs } from '../core/stream-id.js';
import type { Thresholds } from '../core/thresholds.js';
import {
  diagnose,
  diagnosisLine,
  findingRank,
  lagUnknownReason,
  stuckConsumers,
  type Finding,
} from '../core/diagnosis.js';
import {
  drainOf,
  formatDrain,
  groupKey,
  ratesOf,
  type Drain,
  type GroupRates,
  type LagHistory,
} from '../core/lag-history.js';
import type { DlqFacts, GroupFacts } from '../core/fail-if.js';

export interface StuckConsumer {
  name: string;
  idleMs: number;
  pending: number;
}

export interface GroupReport {
  stream: string;
  /** Key without the prefix. */
  streamName: string;
  group: string;
  consumers: number;
  pending: number;
  /** Redis's lag; null when it cannot tell (see lagEstimate, lagUnknownReason). */
  lag: number | null;
  /** Counted entries after the group's position when lag is null and counting was cheap. */
  lagEstimate: number | null;
  lagUnknownReason: string | null;
  lastDeliveredId: string;
  /** Age of the oldest pending entry, ms on the server clock; null when nothing is pending. */
  oldestPendingAgeMs: number | null;
  oldestPendingDeliveries: number | null;
  stuckConsumers: StuckConsumer[];
  rates: GroupRates;
  drain: Drain;
  drainText: string;
  findings: Finding[];
  /** The one "why is it stuck?" line (`ok` when healthy). */
  diagnosis: string;
}

export interface StatusReport {
  groups: GroupReport[];
  dlqs: DlqFacts[];
}

function strip(prefix: string, key: string): string {
  return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : key;
}

export interface ReportInput {
  streams: readonly StreamSnapshot[];
  /** Server clock of the snapshot, ms. */
  timeMs: number;
  prefix: string;
  thresholds: Thresholds;
  estimates: Readonly<Record<string, number>>;
  uncounted: Readonly<Record<string, string>>;
  /** Samples up to and including this snapshot (rates need two). */
  history: LagHistory;
}

export function buildReport(input: ReportInput): StatusReport {
  const { streams, timeMs, prefix, thresholds } = input;
  const groups: GroupReport[] = [];
  const dlqs: DlqFacts[] = [];
  for (const s of streams) {
    if (s.kind === 'dead-letter' && s.eventType !== null)
      dlqs.push({ type: s.eventType, length: s.length });
    for (const g of s.groups) {
      const key = groupKey(s.key, g.name);
      const lagEstimate = g.lag === null ? (input.estimates[key] ?? null) : null;
      const rates = ratesOf(input.history[key] ?? []);
      const drain = drainOf(g.lag ?? lagEstimate, rates);
      const findings = diagnose({ stream: s, group: g, rates, thresholds, lagEstimate });
      const reason = lagUnknownReason(s, g);
      const uncounted = input.uncounted[key];
      groups.push({
        stream: s.key,
        streamName: strip(prefix, s.key),
        group: g.name,
        consumers: g.consumers,
        pending: g.pending,
        lag: g.lag,
        lagEstimate,
        lagUnknownReason: reason && uncounted ? `${reason}; ${uncounted}` : reason,
        lastDeliveredId: g.lastDeliveredId,
        oldestPendingAgeMs:
          g.oldestPendingId && isStreamId(g.oldestPendingId)
            ? Math.max(0, timeMs - streamIdToMs(g.oldestPendingId))
            : null,
        oldestPendingDeliveries: g.oldestPendingDeliveries ?? null,
        stuckConsumers: stuckConsumers(g, thresholds).map((c) => ({
          name: c.name,
          idleMs: c.idleMs,
          pending: c.pending,
        })),
        rates,
        drain,
        drainText: formatDrain(drain),
        findings,
        diagnosis: diagnosisLine(findings),
      });
    }
  }
  return { groups, dlqs };
}

/** The facts --fail-if is evaluated against. */
export function factsOf(report: StatusReport): GroupFacts[] {
  return report.groups.map((g) => ({
    stream: g.stream,
    streamName: g.streamName,
    group: g.group,
    lag: g.lag ?? g.lagEstimate,
    pending: g.pending,
    oldestPendingAgeMs: g.oldestPendingAgeMs,
    stuck: g.stuckConsumers.length,
  }));
}

/**
 * Worst first: groups with a finding before healthy ones (by FINDING_ORDER: no consumers, dead
 * consumer, poison entry, trimmed before delivery, slow, lag unknown), then more stuck
 * consumers, then larger lag, older oldest pending, then by name.
 */
export function worstFirst(a: GroupReport, b: GroupReport): number {
  return (
    findingRank(a.findings) - findingRank(b.findings) ||
    b.stuckConsumers.length - a.stuckConsumers.length ||
    (b.lag ?? b.lagEstimate ?? -1) - (a.lag ?? a.lagEstimate ?? -1) ||
    (b.oldestPendingAgeMs ?? -1) - (a.oldestPendingAgeMs ?? -1) ||
    (a.streamName < b.streamName ? -1 : a.streamName > b.streamName ? 1 : 0) ||
    (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)
  );
}
