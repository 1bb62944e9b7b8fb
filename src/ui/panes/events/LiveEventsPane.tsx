/** Pane 1: the live tail — time, type, stream ID, source, one-line preview; pause and filter. */
import { Box, Text } from 'ink';
import type { TailEvent } from '../../../core/messages.js';
import { selectLayer } from '../../../store/layers.js';
import {
  eventAt,
  selectEventCursor,
  selectEventRows,
  selectKeys,
  selectNewWhilePaused,
  type EventRows,
} from '../../../store/selectors.js';
import { fit, formatCount, formatTime, idTimeMs, previewEvent } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint } from '../../theme.js';
import { Table, type Column, type RowSource } from '../../components/Table.js';

/** Exported for bench/ink-table.tsx (the same columns drawn by ink-table). */
export const EVENT_COLUMNS: Column<TailEvent>[] = [
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
  {
    key: 'type',
    title: 'TYPE',
    minWidth: 10,
    maxWidth: 28,
    cell: (e) => e.type ?? '?',
    role: (e) => (e.event ? 'type' : 'warn'),
  },
  { key: 'id', title: 'STREAM ID', width: 16, priority: 2, cell: (e) => e.id },
  {
    key: 'source',
    title: 'SOURCE',
    minWidth: 6,
    maxWidth: 18,
    hideBelow: 110,
    priority: 1,
    cell: (e) => e.event?.source ?? '',
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

function rowSource(rows: EventRows): RowSource<TailEvent> {
  return { length: rows.length, at: (i) => eventAt(rows, i) };
}

export function LiveEventsPane({ width, height }: { width: number; height: number }) {
  const rows = useMonitor(selectEventRows);
  const cursor = useMonitor((s) => selectEventCursor(s, selectEventRows(s)));
  const v = useMonitorShallow((s) => ({
    paused: s.view.paused !== null,
    newCount: selectNewWhilePaused(s),
    follow: s.view.follow,
    filter: s.view.filter.text,
    editing: selectLayer(s, 'filter') !== null,
    held: s.events.buffer.length,
    tail: s.connection.tail.state,
    globalStream: selectKeys(s).globalStream,
  }));
  const left: string[] = [paint('title', 'Live events'), v.globalStream];
  if (v.paused) left.push(paint('warn', `PAUSED · ${formatCount(v.newCount)} new`));
  else left.push(v.follow ? paint('ok', 'following') : paint('dim', 'scrolled (G follows)'));
  if (v.tail !== 'connected') left.push(paint('bad', `tail ${v.tail}: showing what was received`));
  const count =
    rows.length === v.held
      ? `${formatCount(rows.length)} held`
      : `${formatCount(rows.length)} of ${formatCount(v.held)} match`;
  let title = left.join(paint('dim', ' · '));
  title += paint('dim', ` · ${count}`);
  const filterLine = v.editing || v.filter;
  const filterText = `/ ${sanitize(v.filter)}${v.editing ? '█' : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{title}</Text>
      {filterLine ? (
        <Text wrap="truncate-end">
          {paint('key', 'filter ')}
          {fit(
            filterText,
            Math.max(1, width - 8 - (rows.filter.error ? rows.filter.error.length + 3 : 0)),
          )}
          {rows.filter.error ? paint('bad', ` (${rows.filter.error})`) : ''}
        </Text>
      ) : null}
      <Table
        data={rowSource(rows)}
        columns={EVENT_COLUMNS}
        width={width}
        height={height - 1 - (filterLine ? 1 : 0)}
        cursor={cursor}
        emptyText={
          v.filter
            ? 'no held event matches the filter'
            : v.tail === 'connected'
              ? 'waiting for events…'
              : 'no events yet'
        }
      />
    </Box>
  );
}
