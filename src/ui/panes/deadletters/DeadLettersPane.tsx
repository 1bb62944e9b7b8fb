/**
 * Pane 5: every `<prefix>dlq:*` stream's dead letters, newest first (`/` filters, `S` sorts);
 * marks; r redrives, x deletes.
 */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { DeadLetterRow } from '../../../core/messages.js';
import { DEAD_LETTER_PANE, DEAD_LETTER_SORTS } from '../../../store/dead-letter-view.js';
import {
  deadLetterKey,
  selectDeadLetterCursor,
  selectDeadLetterRows,
} from '../../../store/dead-letters.js';
import { paneFilterText, paneSortIndex, sortName } from '../../../store/table-view.js';
import { FilterLine, filterLineShown, matchCount } from '../../components/FilterLine.js';
import { withSortArrow } from '../../components/sort-header.js';
import { stripPrefix } from '../../../store/selectors.js';
import { formatAge, formatCount, idTimeMs } from '../../format.js';
import { useMonitor, useMonitorShallow } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint } from '../../theme.js';
import { Table, type Column } from '../../components/Table.js';

function columns(prefix: string, serverNow: number): Column<DeadLetterRow>[] {
  return [
    {
      key: 'age',
      title: 'AGE',
      width: 6,
      align: 'right',
      cell: (r) => {
        const ms = idTimeMs(r.id);
        return ms === null ? '' : formatAge(serverNow - ms);
      },
    },
    {
      key: 'stream',
      title: 'STREAM',
      minWidth: 8,
      maxWidth: 28,
      cell: (r) => stripPrefix(prefix, r.originalStream),
    },
    {
      key: 'original',
      title: 'ORIGINAL ID',
      width: 17,
      hideBelow: 90,
      priority: 1,
      cell: (r) => r.originalId,
    },
    { key: 'group', title: 'GROUP', minWidth: 6, maxWidth: 18, cell: (r) => r.group },
    { key: 'consumer', title: 'CONSUMER', minWidth: 8, maxWidth: 18, cell: (r) => r.consumer },
    {
      key: 'deliveries',
      title: 'DELIV',
      width: 5,
      align: 'right',
      cell: (r) => (r.deliveries === null ? '?' : `${formatCount(r.deliveries)}×`),
      role: (r) => ((r.deliveries ?? 0) >= 5 ? 'bad' : null),
    },
    {
      key: 'reason',
      title: 'REASON',
      minWidth: 8,
      maxWidth: 32,
      priority: 2,
      cell: (r) => r.reason,
    },
    {
      key: 'payload',
      title: 'PAYLOAD',
      minWidth: 10,
      grow: true,
      priority: 3,
      cell: (r) => (r.tombstone ? '(deleted while pending: not redrivable)' : r.summary),
      role: (r) => (r.tombstone ? 'dim' : null),
    },
  ];
}

export function DeadLettersPane({ width, height }: { width: number; height: number }) {
  const v = useMonitorShallow((s) => ({
    rows: s.deadLetters.rows,
    loading: s.deadLetters.loading,
    loaded: s.deadLetters.loadedAt !== null,
    error: s.deadLetters.error?.message ?? null,
    truncated: s.deadLetters.truncated.length,
    marks: s.deadLetters.marks,
    markRule: s.deadLetters.markRule,
    prefix: s.config.prefix,
    serverNow: s.snapshot.server?.timeMs ?? s.now,
    shown: selectDeadLetterRows(s),
    sortAt: paneSortIndex(s, DEAD_LETTER_PANE),
    filterLine: filterLineShown(s, DEAD_LETTER_PANE),
    filtered: paneFilterText(s, DEAD_LETTER_PANE) !== '',
  }));
  const cursor = useMonitor(selectDeadLetterCursor);
  const sort = DEAD_LETTER_SORTS[v.sortAt] ?? DEAD_LETTER_SORTS[0];
  // Built once per marks array, not per frame: `:mark` may mark a whole PEL (300,000 IDs), and
  // a bulk action redraws the pane after every batch.
  const marks = useMemo(() => new Set(v.marks), [v.marks]);
  const streams = new Set(v.rows.map((r) => r.dlqKey)).size;
  const parts = [paint('title', 'Dead letters')];
  if (v.loaded)
    parts.push(
      `${formatCount(v.rows.length)} in ${formatCount(streams)} dlq ${streams === 1 ? 'stream' : 'streams'}, ${sortName(sort)}${matchCount(v.shown.length, v.rows.length, v.filtered)}`,
    );
  if (v.truncated) parts.push(paint('warn', `newest only in ${v.truncated}`));
  if (v.marks.length)
    parts.push(
      paint(
        'mark',
        `${formatCount(v.marks.length)} marked${v.markRule ? ` (${sanitize(v.markRule)})` : ''}`,
      ),
    );
  if (v.loading && !v.loaded) parts.push(paint('dim', 'loading…'));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{parts.join(paint('dim', ' · '))}</Text>
      {v.error ? (
        <Text wrap="truncate-end">
          {paint('bad', `cannot read the dead letters: ${sanitize(v.error)}`)}
        </Text>
      ) : null}
      <FilterLine pane={DEAD_LETTER_PANE} width={width} />
      <Table
        data={v.shown}
        columns={withSortArrow(columns(v.prefix, v.serverNow), sort)}
        width={width}
        height={height - 1 - (v.error ? 1 : 0) - (v.filterLine ? 1 : 0)}
        cursor={cursor}
        mark={(r) => (marks.has(deadLetterKey(r)) ? '*' : ' ')}
        emptyText={
          !v.loaded
            ? ''
            : v.filtered && v.rows.length > 0
              ? 'no dead letter matches the filter'
              : `no dead letters under ${v.prefix}dlq:*`
        }
      />
    </Box>
  );
}
