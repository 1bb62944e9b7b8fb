/** Pane 2: streams & lag, one row per stream and group, worst first. */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { groupKey } from '../../../core/lag-history.js';
import { sparkline } from '../../../core/sparkline.js';
import { selectGroupInsights, type GroupInsight } from '../../../store/insights.js';
import {
  selectSnapshotStale,
  selectStreamRows,
  THRESHOLDS,
  type StreamRow,
} from '../../../store/selectors.js';
import { formatAge, formatCount, formatCountOf, formatRate } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { thresholdLegend, type Thresholds } from '../../../core/thresholds.js';
import { levelRole, paint, type Role } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';
import { selectStreamCursor, selectStreamView, STREAM_SORTS } from './model.js';
import { withSortArrow } from '../../components/sort-header.js';
import { FilterLine, filterLineShown, matchCount } from '../../components/FilterLine.js';
import { paneFilterText, paneSortIndex, sortName } from '../../../store/table-view.js';

function roleFor(value: number | null, warn: number, bad: number): Role | null {
  if (value === null) return null;
  return value >= bad ? 'bad' : value >= warn ? 'warn' : null;
}

/** Lag warnings shown above the table; the rest are counted. */
const MAX_WARNINGS = 2;

const COLUMNS: Column<StreamRow>[] = [
  {
    key: 'stream',
    title: 'STREAM',
    minWidth: 12,
    maxWidth: 40,
    grow: true,
    growMax: 60,
    cell: (r) => r.name,
    role: (r) => levelRole(r.level),
  },
  {
    key: 'group',
    title: 'GROUP',
    minWidth: 8,
    maxWidth: 24,
    cell: (r) => r.group ?? '–',
    role: (r) => (r.group ? null : 'dim'),
  },
  {
    key: 'length',
    title: 'LENGTH',
    width: 7,
    priority: 5,
    align: 'right',
    cell: (r) => formatCount(r.length),
  },
  {
    key: 'rate',
    title: 'RATE',
    width: 7,
    priority: 2,
    align: 'right',
    cell: (r) => formatRate(r.rate),
  },
  {
    key: 'lag',
    title: 'LAG',
    width: 7,
    align: 'right',
    // Redis's lag NULL but counted (≤ 10,000 entries after the group's position): `~n`.
    cell: (r) =>
      r.group
        ? r.lag === null && r.lagEstimate !== null
          ? `~${formatCount(r.lagEstimate)}`
          : formatCount(r.lag)
        : '',
    role: (r) =>
      r.group && r.lag === null && r.lagEstimate === null
        ? 'warn'
        : roleFor(
            (r.lag ?? r.lagEstimate) === null ? null : (r.lag ?? r.lagEstimate)! / r.maxLen,
            THRESHOLDS.lagWarnFraction,
            THRESHOLDS.lagBadFraction,
          ),
  },
  {
    key: 'pending',
    title: 'PENDING',
    width: 7,
    align: 'right',
    cell: (r) => (r.group ? formatCount(r.pending) : ''),
  },
  {
    key: 'pendAge',
    title: 'PEND AGE',
    width: 8,
    priority: 4,
    align: 'right',
    cell: (r) => (r.group ? formatAge(r.oldestPendingAgeMs) : ''),
    // The role comes from --pending-age-warn: columnsWith.
  },
  {
    key: 'lagAge',
    title: 'LAG AGE',
    width: 7,
    priority: 3,
    align: 'right',
    cell: (r) => (r.group ? formatAge(r.oldestUndeliveredAgeMs) : ''),
    // The role comes from --pending-age-warn: columnsWith.
  },
  {
    key: 'consumers',
    title: 'CONS',
    width: 4,
    align: 'right',
    hideBelow: 90,
    priority: 1,
    cell: (r) => (r.group ? formatCount(r.consumers) : ''),
  },
];

/** Sparkline width: 10 columns = the last 10 minutes at one column a minute (max per column). */
const TREND_WIDTH = 10;

function drainRole(i: GroupInsight | undefined): Role | null {
  if (!i) return null;
  if (i.drain.kind === 'growing' || i.drain.kind === 'stalled') return 'bad';
  return i.drain.kind === 'drains' ? 'ok' : 'dim';
}

/**
 * The columns plus TREND (lag sparkline) and DRAIN after LAG, which read the insights; PEND AGE
 * and LAG AGE coloured by --pending-age-warn (bad past 5 minutes), as the `!` mark is.
 */
function columnsWith(
  insights: ReadonlyMap<string, GroupInsight>,
  t: Thresholds,
): Column<StreamRow>[] {
  const of = (r: StreamRow) => (r.group ? insights.get(groupKey(r.key, r.group)) : undefined);
  const bad = Math.max(THRESHOLDS.pendingAgeBadMs, t.pendingAgeWarnMs);
  const aged = (c: Column<StreamRow>): Column<StreamRow> =>
    c.key === 'pendAge'
      ? { ...c, role: (r) => roleFor(r.oldestPendingAgeMs, t.pendingAgeWarnMs, bad) }
      : c.key === 'lagAge'
        ? { ...c, role: (r) => roleFor(r.oldestUndeliveredAgeMs, t.pendingAgeWarnMs, bad) }
        : c;
  const cols = COLUMNS.map(aged);
  const lagAt = COLUMNS.findIndex((c) => c.key === 'lag') + 1;
  const extra: Column<StreamRow>[] = [
    {
      key: 'trend',
      // Only when there is room: at 80 columns the names and key facts keep theirs.
      hideBelow: 140,
      title: 'LAG 10m',
      width: TREND_WIDTH,
      priority: 2,
      cell: (r) => {
        const i = of(r);
        return i && i.series.length > 0 ? sparkline(i.series, TREND_WIDTH) : '';
      },
      role: (r) => drainRole(of(r)),
    },
    {
      key: 'drain',
      // Only when there is room: at 80 columns the names and key facts keep theirs.
      hideBelow: 100,
      title: 'DRAIN',
      width: 15,
      priority: 3,
      cell: (r) => of(r)?.drainText ?? '',
      role: (r) => drainRole(of(r)),
    },
  ];
  return [...cols.slice(0, lagAt), ...extra, ...cols.slice(lagAt)];
}

/**
 * The selected group's trend, at any width (the LAG 10m column needs 140): the lag sparkline
 * (one column per sample while there are fewer than 10, then a minute each), ingest vs consume
 * (entries-added and entries-read deltas) and the drain estimate.
 */
export function trendLine(i: GroupInsight): string {
  const spark =
    i.series.length > 0 ? sparkline(i.series, Math.min(TREND_WIDTH, i.series.length)) : '';
  // Redis's lag NULL: why, and the count standing in for it (or why there is none).
  const drain =
    i.lagUnknown === null
      ? i.drainText
      : i.lagEstimate === null
        ? `lag unknown: ${i.lagUnknown}`
        : `${i.drainText} · lag ~${formatCount(i.lagEstimate)} counted (Redis: ${i.lagUnknown})`;
  return `lag 10m ${spark} · in ${formatRate(i.rates.ingest)} · out ${formatRate(i.rates.consume)} · ${drain}`;
}

export function StreamsPane({ width, height }: { width: number; height: number }) {
  const all = useMonitor(selectStreamRows);
  const rows = useMonitor(selectStreamView);
  const insights = useMonitor(selectGroupInsights);
  const sortAt = useMonitor((s) => paneSortIndex(s, 'streams'));
  const thresholds = useMonitor((s) => s.config.thresholds);
  const columns = useMemo(
    () => withSortArrow(columnsWith(insights, thresholds), STREAM_SORTS[sortAt]),
    [insights, thresholds, sortAt],
  );
  const v = useMonitorShallow((s) => ({
    cursor: selectStreamCursor(s),
    at: s.snapshot.at,
    now: s.now,
    stale: selectSnapshotStale(s),
    error: s.snapshot.error?.message ?? null,
    hint: s.config.maxLenHint,
    hintIsDefault: s.config.maxLenHintIsDefault,
    filterLine: filterLineShown(s, 'streams'),
    thresholds: s.config.thresholds,
    filtered: paneFilterText(s, 'streams') !== '',
  }));
  // Lag near max length is the one thing here that loses data: shown first, above the table.
  const allWarnings = all.filter((r) => r.warning);
  const warnings = allWarnings.slice(0, MAX_WARNINGS);
  const moreWarnings = allWarnings.length - warnings.length;
  const groups = all.filter((r) => r.group).length;
  const streams = new Set(all.map((r) => r.key)).size;
  // The legend for the gutter mark, while some row carries it.
  const marked = rows.some((r) => r.level !== 'ok');
  const legend = marked ? ' · ! = over a threshold' : '';
  let title = `${paint('title', 'Streams & lag')}${paint('dim', ` · ${formatCountOf(streams, 'stream')} · ${formatCountOf(groups, 'group')} · ${sortName(STREAM_SORTS[sortAt] ?? STREAM_SORTS[0])}${matchCount(rows.length, all.length, v.filtered)}${legend}`)}`;
  if (v.at === null) title += paint('dim', v.error ? '' : ' · waiting for the first snapshot…');
  if (v.stale) title += paint('bad', ` · STALE (snapshot ${formatAge(v.now - v.at!)} old)`);
  const note = v.hintIsDefault
    ? `max length assumed ~${formatCount(v.hint)} (library default; Redis does not store it — set --max-len)`
    : `max length assumed ~${formatCount(v.hint)} (--max-len)`;
  const selected = rows[v.cursor];
  const insight =
    selected && selected.group ? insights.get(groupKey(selected.key, selected.group)) : undefined;
  // "Why is it stuck?" for the selected group, with the key or `:` command that addresses it.
  const why = insight
    ? `why ${sanitize(`${selected!.name} / ${selected!.group}`)}: ${sanitize(insight.diagnosis)}`
    : null;
  // Sanitized: a refused count's reason quotes the server's error text.
  const trend = insight ? sanitize(trendLine(insight)) : null;
  const tableHeight =
    height -
    2 -
    (why ? 1 : 0) -
    (trend ? 1 : 0) -
    (v.filterLine ? 1 : 0) -
    warnings.length -
    (moreWarnings > 0 ? 1 : 0) -
    (v.error ? 1 : 0);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{title}</Text>
      {v.error ? (
        <Text wrap="truncate-end">{paint('bad', `snapshot failed: ${sanitize(v.error)}`)}</Text>
      ) : null}
      {warnings.map((r) => (
        <Text key={`${r.key}\u0000${r.group}`} wrap="truncate-end">
          {paint(
            r.level === 'bad' ? 'bad' : 'warn',
            `⚠ ${sanitize(`${r.name} / ${r.group}`)}: ${r.warning}`,
          )}
        </Text>
      ))}
      {moreWarnings > 0 ? (
        <Text wrap="truncate-end">
          {paint(
            'warn',
            `⚠ and ${formatCount(moreWarnings)} more ${moreWarnings === 1 ? 'group' : 'groups'} near the max length (marked !)`,
          )}
        </Text>
      ) : null}
      <FilterLine pane="streams" width={width} />
      <Table
        data={rows}
        columns={columns}
        width={width}
        height={tableHeight}
        cursor={v.cursor}
        // The level as a character too: visible under NO_COLOR and on the selected row.
        mark={(r) => (r.level === 'ok' ? ' ' : '!')}
        emptyText={
          v.at === null
            ? ''
            : v.filtered
              ? 'no stream or group matches the filter'
              : 'no streams under this prefix'
        }
      />
      {trend ? <Text wrap="truncate-end">{paint(drainRole(insight) ?? 'dim', trend)}</Text> : null}
      {why ? (
        <Text wrap="truncate-end">{paint(insight!.findings.length > 0 ? 'warn' : 'dim', why)}</Text>
      ) : null}
      <Text wrap="truncate-end">
        {paint(
          'dim',
          // While a row is marked, the bottom line names the thresholds behind the mark.
          marked
            ? `! = ${thresholdLegend(v.thresholds, { undelivered: true })} · lag ≥ ${Math.round(THRESHOLDS.lagWarnFraction * 100)}% of max length ~${formatCount(v.hint)}${v.hintIsDefault ? ' (assumed; --max-len)' : ''}`
            : note,
        )}
      </Text>
    </Box>
  );
}
