/** Pane 4: consumer groups with their consumers; enter on a consumer shows its pending entries. */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { groupKey } from '../../../core/lag-history.js';
import { selectGroupInsights, type GroupInsight } from '../../../store/insights.js';
import { selectGroupRows, type GroupRow } from '../../../store/selectors.js';
import { formatAge, formatCount, formatCountOf } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';
import { GROUP_SORTS, selectGroupCursor, selectGroupView } from './model.js';
import { withSortArrow } from '../../components/sort-header.js';
import { FilterLine, filterLineShown, matchCount } from '../../components/FilterLine.js';
import { paneFilterText, paneSortIndex, sortName } from '../../../store/table-view.js';

const g = <T,>(r: GroupRow, f: (x: Extract<GroupRow, { kind: 'group' }>) => T, d: T): T =>
  r.kind === 'group' ? f(r) : d;

const COLUMNS: Column<GroupRow>[] = [
  {
    key: 'name',
    title: 'STREAM › GROUP / CONSUMER',
    minWidth: 14,
    maxWidth: 48,
    grow: true,
    growMax: 80,
    cell: (r) => (r.kind === 'group' ? `${r.name} › ${r.group}` : `   ${r.consumer}`),
    role: (r) => (r.kind === 'group' ? 'accent' : null),
  },
  {
    key: 'consumers',
    title: 'CONS',
    width: 4,
    align: 'right',
    hideBelow: 90,
    priority: 1,
    cell: (r) => g(r, (x) => formatCount(x.consumers), ''),
  },
  {
    key: 'pending',
    title: 'PENDING',
    width: 7,
    align: 'right',
    cell: (r) => formatCount(r.pending),
    role: (r) => (r.pending > 0 ? 'warn' : null),
  },
  {
    key: 'idle',
    title: 'IDLE',
    width: 6,
    align: 'right',
    cell: (r) => (r.kind === 'consumer' ? formatAge(r.idleMs) : ''),
  },
  {
    key: 'last',
    title: 'LAST DELIVERED',
    width: 16,
    priority: 3,
    cell: (r) => g(r, (x) => x.lastDeliveredId, ''),
  },
  {
    key: 'read',
    title: 'READ',
    width: 8,
    priority: 2,
    align: 'right',
    cell: (r) => g(r, (x) => formatCount(x.entriesRead), ''),
  },
  {
    key: 'lag',
    title: 'LAG',
    width: 7,
    align: 'right',
    cell: (r) => g(r, (x) => formatCount(x.lag), ''),
    role: (r) => (r.kind === 'group' && r.lag === null ? 'warn' : null),
  },
];

/**
 * The columns with the stuck label and the "why is it stuck?" line: a stuck consumer (idle past
 * --stuck-after while holding entries) is named STUCK and coloured; a group row says why.
 */
function columnsWith(insights: ReadonlyMap<string, GroupInsight>): Column<GroupRow>[] {
  const of = (r: GroupRow) => insights.get(groupKey(r.key, r.group));
  const stuck = (r: GroupRow) => r.kind === 'consumer' && (of(r)?.stuck.has(r.consumer) ?? false);
  return [
    ...COLUMNS.map((c): Column<GroupRow> => {
      if (c.key === 'name')
        return {
          ...c,
          cell: (r) => (stuck(r) ? `${c.cell(r)} STUCK` : c.cell(r)),
          role: (r) => (stuck(r) ? 'bad' : (c.role?.(r) ?? null)),
        };
      if (c.key === 'idle') return { ...c, role: (r) => (stuck(r) ? 'bad' : null) };
      if (c.key === 'lag')
        return {
          ...c,
          // Redis's lag NULL but counted (≤ 10,000 entries after the group's position): `~n`.
          cell: (r) => {
            const est = r.kind === 'group' && r.lag === null ? of(r)?.lagEstimate : null;
            return est != null ? `~${formatCount(est)}` : c.cell(r);
          },
        };
      return c;
    }),
    {
      key: 'why',
      // Only when there is room: at 80 columns the names and key facts keep theirs.
      hideBelow: 100,
      title: 'WHY',
      minWidth: 10,
      grow: true,
      priority: 0,
      cell: (r) => {
        const i = of(r);
        if (!i) return '';
        if (r.kind === 'consumer')
          return stuck(r) ? `stuck: idle, holds ${formatCount(r.pending)}` : '';
        return i.findings.length > 0 ? `${i.findings[0].text} → ${i.findings[0].fix}` : 'ok';
      },
      role: (r) => {
        const i = of(r);
        if (r.kind === 'consumer') return stuck(r) ? 'bad' : null;
        return i && i.findings.length > 0 ? 'warn' : 'dim';
      },
    },
  ];
}

export function GroupsPane({ width, height }: { width: number; height: number }) {
  const all = useMonitor(selectGroupRows);
  const rows = useMonitor(selectGroupView);
  const insights = useMonitor(selectGroupInsights);
  const sortAt = useMonitor((s) => paneSortIndex(s, 'groups'));
  const columns = useMemo(
    () => withSortArrow(columnsWith(insights), GROUP_SORTS[sortAt]),
    [insights, sortAt],
  );
  const v = useMonitorShallow((s) => ({
    cursor: selectGroupCursor(s),
    seen: s.snapshot.at !== null,
    filterLine: filterLineShown(s, 'groups'),
    filtered: paneFilterText(s, 'groups') !== '',
  }));
  const groups = all.filter((r) => r.kind === 'group').length;
  // The selected group's (or consumer's group's) "why is it stuck?" in full, with its fix: the
  // WHY column is cut at 120 columns and absent below 100.
  const selected = rows[v.cursor];
  const insight = selected ? insights.get(groupKey(selected.key, selected.group)) : undefined;
  const why =
    selected && insight
      ? `why ${sanitize(`${selected.name} / ${selected.group}`)}: ${sanitize(insight.diagnosis)}`
      : null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('title', 'Consumer groups')}
        {paint(
          'dim',
          ` · ${formatCountOf(groups, 'group')} · ${formatCountOf(all.length - groups, 'consumer')} · ${sortName(GROUP_SORTS[sortAt] ?? GROUP_SORTS[0])}${matchCount(rows.filter((r) => r.kind === 'group').length, groups, v.filtered)} · LAG ? = Redis cannot tell`,
        )}
      </Text>
      <FilterLine pane="groups" width={width} />
      <Table
        data={rows}
        columns={columns}
        width={width}
        height={height - 1 - (v.filterLine ? 1 : 0) - (why ? 1 : 0)}
        cursor={v.cursor}
        emptyText={
          !v.seen
            ? 'waiting for the first snapshot…'
            : v.filtered
              ? 'no group or consumer matches the filter'
              : 'no consumer groups under this prefix'
        }
      />
      {why ? (
        <Text wrap="truncate-end">{paint(insight!.findings.length > 0 ? 'warn' : 'dim', why)}</Text>
      ) : null}
    </Box>
  );
}
