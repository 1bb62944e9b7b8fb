/** Pane 3: one group's pending entries list (PEL), page by page, most idle first; marks. */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { PendingOrder } from '../../../core/messages.js';
import type { PendingEntry } from '../../../core/types.js';
import {
  displayName,
  selectPendingCursor,
  selectPendingGroupTotal,
  selectPendingRows,
} from '../../../store/selectors.js';
import {
  fitLine,
  formatAge,
  formatCount,
  formatCountOf,
  idTimeMs,
  previewEvent,
} from '../../format.js';
import { selectGroupInsight } from '../../../store/insights.js';
import { PENDING_SORTS, pendingBody, type EntryBody } from '../../../store/pending-view.js';
import { paneFilterText, paneSortIndex, sortName } from '../../../store/table-view.js';
import { withSortArrow } from '../../components/sort-header.js';
import { FilterLine, filterLineShown, matchCount } from '../../components/FilterLine.js';
import { useMonitor, useMonitorShallow, useMonitorStore } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint, type Role } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';

const idleRole = (ms: number): Role | null =>
  ms >= 300_000 ? 'bad' : ms >= 30_000 ? 'warn' : null;

/** Consumer cell: the name, and STUCK when it is idle past --stuck-after while holding entries. */
const consumerCell = (stuck: ReadonlySet<string>) => (e: PendingEntry) =>
  stuck.has(e.consumer) ? `${e.consumer} STUCK` : e.consumer;

/**
 * The columns. The default order's title carries it (▾ most idle first, ▴ ID order); after `S`
 * the sorted column does. TYPE and PAYLOAD (the entry's content, read after the page) only when
 * there is room: at 80 columns the ID, consumer, idle and deliveries keep theirs.
 */
function columns(
  serverNow: number,
  order: PendingOrder,
  sortAt: number,
  stuck: ReadonlySet<string>,
  bodyOf: (id: string) => EntryBody | null | undefined,
): Column<PendingEntry>[] {
  const byOrder = sortAt === 0;
  const cols: Column<PendingEntry>[] = [
    {
      key: 'id',
      title: byOrder && order === 'id' ? 'ENTRY ID ▴' : 'ENTRY ID',
      width: 17,
      cell: (e) => e.id,
    },
    {
      key: 'consumer',
      title: 'CONSUMER',
      minWidth: 10,
      maxWidth: 32,
      cell: consumerCell(stuck),
      role: (e) => (stuck.has(e.consumer) ? 'bad' : null),
    },
    {
      key: 'idle',
      title: byOrder && order === 'idle' ? 'IDLE ▾' : 'IDLE',
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
    {
      key: 'type',
      title: 'TYPE',
      minWidth: 8,
      maxWidth: 24,
      hideBelow: 100,
      priority: 0,
      cell: (e) => {
        const b = bodyOf(e.id);
        return b === undefined ? '…' : b === null ? '(gone)' : (b.type ?? '?');
      },
      role: (e) => (bodyOf(e.id)?.event ? 'type' : 'dim'),
    },
    {
      key: 'payload',
      title: 'PAYLOAD',
      minWidth: 10,
      grow: true,
      hideBelow: 120,
      priority: 0,
      cell: (e) => {
        const b = bodyOf(e.id);
        if (!b) return '';
        return previewEvent({ id: e.id, type: b.type, event: b.event, fields: b.fields, bytes: 0 });
      },
      role: (e) => (bodyOf(e.id)?.event ? null : 'dim'),
    },
  ];
  return byOrder ? cols : withSortArrow(cols, PENDING_SORTS[sortAt]);
}

const NONE: ReadonlySet<string> = new Set();

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
      sortAt: paneSortIndex(s, 'pending'),
      stuck: t ? selectGroupInsight(s, t.stream, t.group)?.stuck : undefined,
      bodies: s.pending.bodies,
      filterLine: filterLineShown(s, 'pending'),
      filtered: paneFilterText(s, 'pending') !== '',
      loadedCount: s.pending.entries.length,
    };
  });
  const store = useMonitorStore();
  const stuck = v.stuck ?? NONE;
  // Built once per marks array, not per frame: `:mark` may mark a whole PEL (300,000 IDs), and
  // a bulk action redraws the pane after every batch.
  const marks = useMemo(() => new Set(v.marks), [v.marks]);
  // A PEL larger than the search bound: say the order is approximate, and how to see the rest.
  const approx =
    v.order === 'idle' && v.scan && !v.scan.complete && v.stream !== null
      ? `most idle of the first ${formatCountOf(v.scan.examined, 'entry', 'entries')}${v.total !== null ? ` of ${formatCount(v.total)}` : ''} (o: ID order shows all)`
      : null;
  // At 80 columns the key facts come first: which group, how many marked (what a key will act
  // on), then the counts; the title shortens before any of them is cut.
  const parts = [paint('title', width < 100 ? 'Pending' : 'Pending entries')];
  if (v.stream !== null) {
    parts.push(
      paint('accent', `${sanitize(v.stream)} / ${sanitize(v.group!)}`) +
        (v.consumer !== null ? ` consumer ${paint('accent', sanitize(v.consumer))}` : ''),
    );
    // Marks by rule cover the whole PEL of the group, not just this page.
    if (v.marks.length)
      parts.push(
        paint(
          'mark',
          `${formatCount(v.marks.length)} marked${v.markRule ? ` (${sanitize(v.markRule)}, whole group)` : ''}`,
        ),
      );
    if (v.marking) parts.push(paint('dim', `marking ${sanitize(v.marking)}…`));
    // While filtered, what the filter leaves of this page: it is what is listed.
    if (v.filtered) parts.push(matchCount(rows.length, v.loadedCount, true).slice(3));
    parts.push(`${formatCount(v.total)} pending`);
    parts.push(`page ${v.page}${v.hasMore ? '+' : ''}`);
    if (v.sortAt > 0) parts.push(`sorted by ${sortName(PENDING_SORTS[v.sortAt])}`);
    if (v.loading && !v.loaded) parts.push(paint('dim', 'loading…'));
  }
  const empty =
    v.stream === null
      ? v.snapshotSeen
        ? 'no consumer groups under this prefix'
        : 'waiting for the first snapshot…'
      : v.filtered && v.loadedCount > 0
        ? 'no entry on this page matches the filter'
        : v.loaded
          ? `nothing pending here${v.page > 1 ? ' on this page (b: previous page)' : ''} — s picks another group`
          : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{fitLine(parts.join(paint('dim', ' · ')), width)}</Text>
      {v.error ? (
        <Text wrap="truncate-end">
          {paint('bad', `cannot read the pending list: ${sanitize(v.error)}`)}
        </Text>
      ) : null}
      {approx ? <Text wrap="truncate-end">{paint('warn', approx)}</Text> : null}
      <FilterLine pane="pending" width={width} />
      <Table
        data={rows}
        columns={columns(v.serverNow, v.order, v.sortAt, stuck, (id) =>
          pendingBody(store.getState(), id),
        )}
        width={width}
        height={height - 1 - (v.error ? 1 : 0) - (approx ? 1 : 0) - (v.filterLine ? 1 : 0)}
        cursor={v.cursor}
        mark={(e) => (marks.has(e.id) ? '*' : ' ')}
        emptyText={empty}
      />
    </Box>
  );
}
