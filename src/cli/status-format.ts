/**
 * `status` as text: the aligned table (thousands separators, lag `?` when unknown or `~n` when
 * counted, oldest pending age, stuck count, drain in --watch), then the stuck consumers, the
 * "why is it stuck?" lines worst first, and the failed --fail-if conditions.
 */
import type { StreamSnapshot } from '../core/messages.js';
import { sanitize } from '../core/sanitize.js';
import type { Failure } from '../core/fail-if.js';
import { thresholdLegend, type Thresholds } from '../core/thresholds.js';
import { formatAge, formatCount, formatRate } from '../ui/format.js';
import { worstFirst, type GroupReport, type StatusReport } from './status-report.js';

const BASE = ['STREAM', 'LENGTH', 'GROUP', 'CONSUMERS', 'PENDING', 'OLDEST', 'STUCK', 'LAG'];
const RATES = ['IN', 'OUT', 'DRAIN'];
const RIGHT = new Set(['LENGTH', 'CONSUMERS', 'PENDING', 'OLDEST', 'STUCK', 'LAG', 'IN', 'OUT']);

export function lagCell(g: Pick<GroupReport, 'lag' | 'lagEstimate'>): string {
  if (g.lag !== null) return formatCount(g.lag);
  return g.lagEstimate !== null ? `~${formatCount(g.lagEstimate)}` : '?';
}

function rows(streams: readonly StreamSnapshot[], report: StatusReport, withRates: boolean) {
  const out: string[][] = [];
  let k = 0;
  for (const s of streams) {
    const key = sanitize(s.key);
    const empty = withRates ? ['', '', ''] : [];
    if (s.groups.length === 0)
      out.push([key, formatCount(s.length), '-', '', '', '', '', '', ...empty, '']);
    s.groups.forEach((_, i) => {
      const g = report.groups[k++];
      const rates = withRates
        ? [formatRate(g.rates.ingest), formatRate(g.rates.consume), g.drainText]
        : [];
      out.push([
        i === 0 ? key : '',
        i === 0 ? formatCount(s.length) : '',
        sanitize(g.group),
        formatCount(g.consumers),
        formatCount(g.pending),
        g.oldestPendingAgeMs === null ? '–' : formatAge(g.oldestPendingAgeMs),
        String(g.stuckConsumers.length),
        lagCell(g),
        ...rates,
        g.lastDeliveredId,
      ]);
    });
  }
  return out;
}

/** The table; `withRates` adds IN, OUT (entries/s) and DRAIN (needs two snapshots: --watch). */
export function formatTable(
  streams: readonly StreamSnapshot[],
  report: StatusReport,
  withRates = false,
): string {
  const headers = [...BASE, ...(withRates ? RATES : []), 'LAST DELIVERED'];
  const table = [headers, ...rows(streams, report, withRates)];
  const widths = headers.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table
    .map((r) =>
      r
        .map((cell, c) =>
          RIGHT.has(headers[c]) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const where = (g: GroupReport) => `${sanitize(g.streamName)} / ${sanitize(g.group)}`;

/** Lines under the table: stuck consumers, why-stuck (worst first), lag unknown reasons. */
export function formatFindings(report: StatusReport): string[] {
  const out: string[] = [];
  const stuck = report.groups.flatMap((g) => g.stuckConsumers.map((c) => ({ g, c })));
  if (stuck.length > 0) {
    out.push('stuck consumers (idle past --stuck-after while holding entries):');
    for (const { g, c } of stuck.sort((a, b) => b.c.idleMs - a.c.idleMs))
      out.push(
        `  ${sanitize(c.name)} in ${where(g)}: idle ${formatAge(c.idleMs)}, holds ${formatCount(c.pending)}`,
      );
  }
  const troubled = report.groups.filter((g) => g.findings.length > 0).sort(worstFirst);
  if (troubled.length > 0) {
    out.push('why is it stuck? (worst first)');
    for (const g of troubled) {
      const [first, ...rest] = g.findings;
      out.push(`  ${where(g)}: ${sanitize(first.text)} → ${sanitize(first.fix)}`);
      for (const f of rest) out.push(`    also: ${sanitize(f.text)} → ${sanitize(f.fix)}`);
    }
  }
  return out;
}

export function formatFailures(failures: readonly Failure[]): string[] {
  return failures.map((f) => `FAILED ${f.condition.text}: ${sanitize(f.detail)}`);
}

export function formatThresholds(t: Thresholds): string {
  return `thresholds: ${thresholdLegend(t)}`;
}
