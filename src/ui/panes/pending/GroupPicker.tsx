/** Pane 3's picker: every stream/group with its pending count, most pending first; enter shows it. */
import { Box, Text } from 'ink';
import {
  selectGroupsByPending,
  selectPickerIndex,
  stripPrefix,
  type GroupRef,
} from '../../../store/selectors.js';
import { formatCount, formatCountOf } from '../../format.js';
import { useMonitorShallow } from '../../hooks/use-monitor.js';
import { paint } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';

export function GroupPicker({ width, height }: { width: number; height: number }) {
  const v = useMonitorShallow((s) => {
    const groups = selectGroupsByPending(s);
    return {
      groups,
      cursor: selectPickerIndex(s, groups),
      prefix: s.config.prefix,
      current: s.pending.target
        ? `${s.pending.target.stream}\u0000${s.pending.target.group}`
        : null,
    };
  });
  const columns: Column<GroupRef>[] = [
    {
      key: 'stream',
      title: 'STREAM',
      minWidth: 12,
      maxWidth: 40,
      cell: (g) => stripPrefix(v.prefix, g.stream),
    },
    {
      key: 'group',
      title: 'GROUP',
      minWidth: 8,
      maxWidth: 24,
      cell: (g) => g.group,
      role: () => 'accent',
    },
    {
      key: 'pending',
      title: 'PENDING',
      width: 9,
      align: 'right',
      cell: (g) => formatCount(g.pending),
      role: (g) => (g.pending > 0 ? 'warn' : null),
    },
    {
      key: 'consumers',
      title: 'CONSUMERS',
      width: 9,
      align: 'right',
      priority: 2,
      cell: (g) => formatCount(g.consumers),
    },
    {
      key: 'lag',
      title: 'LAG',
      width: 9,
      align: 'right',
      priority: 1,
      cell: (g) => formatCount(g.lag),
    },
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('title', 'Pick a stream / group')}
        {paint(
          'dim',
          ` · ${formatCountOf(v.groups.length, 'group')} · most pending first · * = shown now`,
        )}
      </Text>
      <Table
        data={v.groups}
        columns={columns}
        width={width}
        height={height - 1}
        cursor={v.cursor}
        mark={(g) => (`${g.stream}\u0000${g.group}` === v.current ? '*' : ' ')}
        emptyText="no consumer groups under this prefix"
      />
    </Box>
  );
}
