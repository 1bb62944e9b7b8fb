/**
 * "Why is it stuck?": one line per group from what a snapshot already holds (no extra Redis
 * calls), each finding naming the key or `:` command that addresses it. Pure.
 */
import type { GroupSnapshot, StreamSnapshot } from './messages.js';
import type { ConsumerInfo } from './types.js';
import { compareStreamIds } from './stream-id.js';
import { drainOf, type GroupRates } from './lag-history.js';
import type { Thresholds } from './thresholds.js';

/** The library's default maxDeliveries (EventPersistence): the poison check's limit. */
export const DEFAULT_MAX_DELIVERIES = 5;

export type FindingKind =
  | 'no-consumers'
  | 'dead-consumer'
  | 'poison-entry'
  | 'trimmed-before-delivery'
  | 'slow'
  | 'lag-unknown';

/** Worst first: the order findings are listed and groups are compared in. */
export const FINDING_ORDER: readonly FindingKind[] = [
  'no-consumers',
  'dead-consumer',
  'poison-entry',
  'trimmed-before-delivery',
  'slow',
  'lag-unknown',
];

export interface Finding {
  kind: FindingKind;
  /** What is wrong, e.g. `dead consumer tracker-1: idle 4m, holds 50`. Not sanitized. */
  text: string;
  /** What addresses it: a key or a `:` command. */
  fix: string;
}

export interface DiagnosisInput {
  stream: StreamSnapshot;
  group: GroupSnapshot;
  rates: GroupRates;
  thresholds: Thresholds;
  /** Counted lag when Redis's is unknown (≤ 10,000 entries), else null. */
  lagEstimate?: number | null;
  maxDeliveries?: number;
}

/** Consumers idle at least stuck-after while holding entries, most idle first. */
export function stuckConsumers(group: GroupSnapshot, t: Thresholds): ConsumerInfo[] {
  return group.consumerList
    .filter((c) => c.pending > 0 && c.idleMs >= t.stuckAfterMs)
    .sort((a, b) => b.idleMs - a.idleMs || (a.name < b.name ? -1 : 1));
}

/** The group's position is behind the stream's first entry: entries it never read are gone. */
function behindHead(s: StreamSnapshot, g: GroupSnapshot): boolean {
  return (
    s.firstEntryId !== null &&
    g.lastDeliveredId !== '0-0' &&
    compareStreamIds(g.lastDeliveredId, s.firstEntryId) < 0
  );
}

/** Entries deleted after the group's position (XDEL, trim): why Redis's lag is NULL. */
function deletedAfterPosition(s: StreamSnapshot, g: GroupSnapshot): boolean {
  return (
    s.maxDeletedEntryId !== null && compareStreamIds(s.maxDeletedEntryId, g.lastDeliveredId) > 0
  );
}

/** Entries lost before this group read them, when countable (entries-added − read − still there). */
export function trimmedUnread(s: StreamSnapshot, g: GroupSnapshot): number | null {
  if (!behindHead(s, g) || !deletedAfterPosition(s, g)) return null;
  if (s.entriesAdded === null || g.entriesRead === null) return 0; // lost, count unknown
  return Math.max(0, s.entriesAdded - g.entriesRead - s.length);
}

/** Why Redis returns NULL lag for this group (null when it does not). */
export function lagUnknownReason(s: StreamSnapshot, g: GroupSnapshot): string | null {
  if (g.lag !== null) return null;
  if (behindHead(s, g) && deletedAfterPosition(s, g))
    return 'entries were trimmed before this group read them';
  if (deletedAfterPosition(s, g)) return 'entries were deleted (XDEL) after the group position';
  if (g.entriesRead === null)
    return 'the group position was set to an arbitrary ID (XGROUP SETID/CREATE) or the server restarted';
  return 'Redis cannot tell';
}

const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const rate = (n: number) => (n < 10 ? `${Math.round(n * 10) / 10}/s` : `${count(n)}/s`);

/** Same form as the monitor's ages: `4.2s`, `42s`, `4m`, `2h`, `3d`. */
export function ageText(ms: number): string {
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  if (ms < 172_800_000) return `${Math.floor(ms / 3_600_000)}h`;
  return `${Math.floor(ms / 86_400_000)}d`;
}

/** Every finding for one group, worst first; empty when the group is healthy. */
export function diagnose(input: DiagnosisInput): Finding[] {
  const { stream: s, group: g, rates, thresholds } = input;
  const maxDeliveries = input.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  const lag = g.lag ?? input.lagEstimate ?? null;
  const out: Finding[] = [];
  const backlog = (lag ?? 0) > 0 || g.pending > 0 || (g.lag === null && s.length > 0);
  if (g.consumers === 0 && backlog)
    out.push({
      kind: 'no-consumers',
      text: `no consumers: nothing reads this group${lag ? ` (${count(lag)} waiting)` : ''}`,
      fix: `start a consumer for ${g.name}; :setid $ skips the backlog`,
    });
  const stuck = stuckConsumers(g, thresholds);
  if (stuck.length > 0) {
    const c = stuck[0];
    const more = stuck.length > 1 ? ` (+${stuck.length - 1} more)` : '';
    out.push({
      kind: 'dead-consumer',
      text: `dead consumer ${c.name}: idle ${ageText(c.idleMs)}, holds ${count(c.pending)}${more}`,
      fix: `:claim <consumer> (pane 3: space marks, c claims); :delconsumer ${c.name} when empty`,
    });
  }
  const deliveries = g.oldestPendingDeliveries ?? null;
  if (deliveries !== null && deliveries >= maxDeliveries - 1 && g.oldestPendingId)
    out.push({
      kind: 'poison-entry',
      text: `poison entry ${g.oldestPendingId}: delivered ${deliveries} times (limit ${maxDeliveries})`,
      fix: ':deadletter (pane 3: enter inspects it)',
    });
  const lost = trimmedUnread(s, g);
  if (lost !== null)
    out.push({
      kind: 'trimmed-before-delivery',
      text: `trimmed before delivery: ${lost > 0 ? `${count(lost)} entries` : 'entries'} deleted unread (MAXLEN ~ on producers)`,
      fix: 'raise the producers’ MAXLEN or add consumers; :setid $ makes lag known again',
    });
  // Slow = falling behind as the DRAIN column says "growing": a consume rate a little under the
  // ingest rate while the lag stays within the noise of batched reads is a healthy group.
  if (
    rates.consume !== null &&
    rates.ingest !== null &&
    drainOf(lag, rates).kind === 'growing' &&
    g.consumers > 0 &&
    stuck.length < g.consumers
  )
    out.push({
      kind: 'slow',
      text: `slow: consumes ${rate(rates.consume)}, ingest ${rate(rates.ingest)}`,
      fix: 'add consumers to the group (or make the handler faster)',
    });
  const why = lost === null ? lagUnknownReason(s, g) : null;
  if (why !== null)
    out.push({
      kind: 'lag-unknown',
      text: `lag unknown because ${why}${input.lagEstimate != null ? ` (~${count(input.lagEstimate)} counted)` : ''}`,
      fix: 'recovers once the group reaches the end; :setid sets entries-read',
    });
  return out;
}

/** The one line shown per group: the worst finding and its fix, or `ok`. */
export function diagnosisLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'ok';
  const [f] = findings;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return `${f.text} → ${f.fix}${more}`;
}

/** Rank for worst-first sorting: index of the worst finding, FINDING_ORDER.length when healthy. */
export function findingRank(findings: readonly Finding[]): number {
  return findings.length === 0 ? FINDING_ORDER.length : FINDING_ORDER.indexOf(findings[0].kind);
}
