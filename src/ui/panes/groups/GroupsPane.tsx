/** Pane 4: consumer groups with their consumers; enter on a consumer shows its pending entries. */
import { Box, Text } from 'ink';
import { selectGroupRows, type GroupRow } from '../../../store/selectors.js';
import { formatAge, formatCount, formatCountOf } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { paint } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';
import { selectGroupCursor } from './model.js';

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
    role: (r) => (r.kind === 'consumer' && r.pending > 0 && r.idleMs >= 300_000 ? 'bad' : null),
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

export function GroupsPane({ width, height }: { width: number; height: number }) {
  const rows = useMonitor(selectGroupRows);
  const v = useMonitorShallow((s) => ({
    cursor: selectGroupCursor(s),
    seen: s.snapshot.at !== null,
  }));
  const groups = rows.filter((r) => r.kind === 'group').length;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('title', 'Consumer groups')}
        {paint(
          'dim',
          ` · ${formatCountOf(groups, 'group')} · ${formatCountOf(rows.length - groups, 'consumer')} · LAG ? = Redis cannot tell`,
        )}
      </Text>
      <Table
        data={rows}
        columns={COLUMNS}
        width={width}
        height={height - 1}
        cursor={v.cursor}
        emptyText={
          v.seen ? 'no consumer groups under this prefix' : 'waiting for the first snapshot…'
        }
      />
    </Box>
  );
}
