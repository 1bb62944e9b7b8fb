/** Pane 3: one group's pending entries list (PEL), page by page, most idle first; marks. */
import { Box, Text } from 'ink';
import type { PendingOrder } from '../../../core/messages.js';
import type { PendingEntry } from '../../../core/types.js';
import {
  displayName,
  selectPendingCursor,
  selectPendingGroupTotal,
  selectPendingRows,
} from '../../../store/selectors.js';
import { formatAge, formatCount, formatCountOf, idTimeMs } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint, type Role } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';

const idleRole = (ms: number): Role | null =>
  ms >= 300_000 ? 'bad' : ms >= 30_000 ? 'warn' : null;

/** The sort column's title carries the order: ▾ most idle first, ▴ ID order. */
function columns(serverNow: number, order: PendingOrder): Column<PendingEntry>[] {
  return [
    { key: 'id', title: order === 'id' ? 'ENTRY ID ▴' : 'ENTRY ID', width: 17, cell: (e) => e.id },
    { key: 'consumer', title: 'CONSUMER', minWidth: 10, maxWidth: 32, cell: (e) => e.consumer },
    {
      key: 'idle',
      title: order === 'idle' ? 'IDLE ▾' : 'IDLE',
      width: 7,
      align: 'right',
      cell: (e) => formatAge(e.idleMs),
      role: (e) => idleRole(e.idleMs),
    },
    {
      key: 'deliveries',
      title: 'DELIVERED',
      width: 9,
      priority: 2,
      align: 'right',
      cell: (e) => `${formatCount(e.deliveries)}×`,
      role: (e) => (e.deliveries >= 5 ? 'bad' : e.deliveries >= 2 ? 'warn' : null),
    },
    {
      key: 'age',
      title: 'ENTRY AGE',
      width: 9,
      align: 'right',
      hideBelow: 70,
      priority: 1,
      cell: (e) => {
        const ms = idTimeMs(e.id);
        return ms === null ? '' : formatAge(serverNow - ms);
      },
    },
  ];
}

export function PendingPane({ width, height }: { width: number; height: number }) {
  const rows = useMonitor(selectPendingRows);
  const v = useMonitorShallow((s) => {
    const t = s.pending.target;
    return {
      stream: t ? displayName(s, t.stream) : null,
      group: t?.group ?? null,
      consumer: t?.consumer ?? null,
      total: selectPendingGroupTotal(s),
      page: s.pending.pageStarts.length,
      order: s.pending.order,
      scan: s.pending.scan,
      hasMore: s.pending.hasMore,
      loading: s.pending.loading,
      loaded: s.pending.loadedAt !== null,
      error: s.pending.error?.message ?? null,
      marks: s.pending.marks,
      markRule: s.pending.markRule,
      marking: s.pending.marking,
      cursor: selectPendingCursor(s),
      serverNow: s.snapshot.server?.timeMs ?? s.now,
      snapshotSeen: s.snapshot.at !== null,
    };
  });
  const marks = new Set(v.marks);
  // A PEL larger than the search bound: say the order is approximate, and how to see the rest.
  const approx =
    v.order === 'idle' && v.scan && !v.scan.complete && v.stream !== null
      ? `most idle of the first ${formatCountOf(v.scan.examined, 'entry', 'entries')}${v.total !== null ? ` of ${formatCount(v.total)}` : ''} (o: ID order shows all)`
      : null;
  const parts = [paint('title', 'Pending entries')];
  if (v.stream !== null) {
    parts.push(
      paint('accent', `${sanitize(v.stream)} / ${sanitize(v.group!)}`) +
        (v.consumer !== null ? ` consumer ${paint('accent', sanitize(v.consumer))}` : ''),
    );
    parts.push(`${formatCount(v.total)} pending`);
    parts.push(`page ${v.page}${v.hasMore ? '+' : ''}`);
    // Marks by rule cover the whole PEL of the group, not just this page.
    if (v.marks.length)
      parts.push(
        paint(
          'mark',
          `${formatCount(v.marks.length)} marked${v.markRule ? ` (${sanitize(v.markRule)}, whole group)` : ''}`,
        ),
      );
    if (v.marking) parts.push(paint('dim', `marking ${sanitize(v.marking)}…`));
    if (v.loading && !v.loaded) parts.push(paint('dim', 'loading…'));
  }
  const empty =
    v.stream === null
      ? v.snapshotSeen
        ? 'no consumer groups under this prefix'
        : 'waiting for the first snapshot…'
      : v.loaded
        ? `nothing pending here${v.page > 1 ? ' on this page (b: previous page)' : ''} — s picks another group`
        : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{parts.join(paint('dim', ' · '))}</Text>
      {v.error ? (
        <Text wrap="truncate-end">
          {paint('bad', `cannot read the pending list: ${sanitize(v.error)}`)}
        </Text>
      ) : null}
      {approx ? <Text wrap="truncate-end">{paint('warn', approx)}</Text> : null}
      <Table
        data={rows}
        columns={columns(v.serverNow, v.order)}
        width={width}
        height={height - 1 - (v.error ? 1 : 0) - (approx ? 1 : 0)}
        cursor={v.cursor}
        mark={(e) => (marks.has(e.id) ? '*' : ' ')}
        emptyText={empty}
      />
    </Box>
  );
}
