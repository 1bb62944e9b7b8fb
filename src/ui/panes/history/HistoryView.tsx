/** The history view of one stream: a window of pages read with XRANGE/XREVRANGE cursors. */
import { Box, Text } from 'ink';
import type { TailEvent } from '../../../core/messages.js';
import { selectLayer } from '../../../store/layers.js';
import {
  HISTORY_FILTER,
  historyCursor,
  historyView,
  inRange,
  isArchived,
  rangeTitle,
  type HistoryData,
} from '../../../store/history.js';
import { paneFilterText } from '../../../store/table-view.js';
import { formatDateTime, formatTime, idTimeMs, previewEvent } from '../../format.js';
import { useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';

const COLUMNS: Column<TailEvent>[] = [
  {
    key: 'time',
    title: 'TIME',
    width: 12,
    priority: 3,
    cell: (e) => {
      const ms = idTimeMs(e.id);
      return ms === null ? '' : formatTime(ms);
    },
    role: () => 'dim',
  },
  { key: 'id', title: 'STREAM ID', width: 16, cell: (e) => e.id },
  {
    key: 'type',
    title: 'TYPE',
    minWidth: 8,
    maxWidth: 24,
    priority: 2,
    cell: (e) => e.type ?? '?',
    role: (e) => (e.event ? 'type' : 'warn'),
  },
  {
    key: 'preview',
    title: 'PAYLOAD',
    minWidth: 10,
    grow: true,
    cell: (e) => previewEvent(e),
    role: (e) => (e.event ? null : 'dim'),
  },
];

/** With --archive: which rows were read from the archive files, not from Redis. */
function withSource(d: HistoryData): Column<TailEvent>[] {
  const source: Column<TailEvent> = {
    key: 'source',
    title: 'FROM',
    width: 7,
    cell: (e) => (isArchived(d, e.id) ? 'archive' : 'redis'),
    role: (e) => (isArchived(d, e.id) ? 'warn' : 'dim'),
  };
  return [COLUMNS[0], COLUMNS[1], source, ...COLUMNS.slice(2)];
}

export function HistoryView({ width, height }: { width: number; height: number }) {
  const v = useMonitorShallow((s) => {
    const d = selectLayer(s, 'history');
    const rows = d ? historyView(s, d) : [];
    return {
      d,
      rows,
      cursor: d ? historyCursor(rows, d) : -1,
      filter: paneFilterText(s, HISTORY_FILTER),
    };
  });
  const d = v.d;
  if (!d) return null;
  const title = rangeTitle(d);
  const archived = d.rows.filter((e) => isArchived(d, e.id)).length;
  const first = d.rows[0]?.id;
  const last = d.rows[d.rows.length - 1]?.id;
  const at = (id: string | undefined) => {
    const ms = id ? idTimeMs(id) : null;
    return ms === null ? '…' : formatDateTime(ms);
  };
  const status = d.error
    ? paint('bad', ` · ${sanitize(d.error)}`)
    : d.loading !== null
      ? paint('dim', ' · loading…')
      : '';
  const range = title ? paint('accent', ` · ${title}`) : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('title', `History ${sanitize(d.stream)}`)}
        {range}
        {v.filter ? paint('dim', ` · /${sanitize(v.filter)} ${v.rows.length}`) : ''}
        {status}
        {archived > 0 ? paint('warn', ` · ${archived} archived`) : ''}
        {paint(
          'dim',
          ` · ${d.rows.length} loaded${d.hasOlder ? ' · older ↑' : ' · start'}${d.hasNewer ? ' · newer ↓' : ' · end'} · ${at(first)} … ${at(last)}`,
        )}
      </Text>
      <Table
        data={v.rows}
        columns={d.firstLiveId === undefined ? COLUMNS : withSource(d)}
        width={width}
        height={height - 1}
        cursor={v.cursor}
        mark={(e) => (inRange(d, e.id) ? '▌' : ' ')}
        emptyText={d.loading !== null ? 'loading…' : 'no entries (the stream is empty here)'}
      />
    </Box>
  );
}
