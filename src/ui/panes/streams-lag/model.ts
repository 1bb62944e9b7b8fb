/** Pane 2's rows by identity (stream + group), filtered and sorted; enter shows that group's pending entries. */
import type { PaneModel } from '../../../store/pane-models.js';
import { showPending } from '../../../store/pending.js';
import { openHistory } from '../../../store/history.js';
import { selectStreamRows, type StreamRow } from '../../../store/selectors.js';
import type { MonitorState } from '../../../store/state.js';
import {
  byNumber,
  byText,
  clearFilter,
  paneSelection,
  viewSelector,
  type SortOption,
} from '../../../store/table-view.js';

/** A row's identity: the list re-sorts worst-first every snapshot, the selection must not move. */
export const streamRowKey = (r: StreamRow): string => `${r.key}\u0000${r.group ?? ''}`;

/**
 * `S` cycles these; the first is the default: worst first = ! bad, then ! warn, then by lag, then
 * by pending (selectStreamRows' order).
 */
export const STREAM_SORTS: readonly SortOption<StreamRow>[] = [
  { column: null, label: 'worst first', dir: 'desc' },
  {
    column: 'lag',
    label: 'LAG',
    dir: 'desc',
    compare: byNumber((r) => r.lag ?? r.lagEstimate, 'desc'),
  },
  {
    column: 'pending',
    label: 'PENDING',
    dir: 'desc',
    compare: byNumber((r) => r.pending, 'desc'),
  },
  {
    column: 'pendAge',
    label: 'PEND AGE',
    dir: 'desc',
    compare: byNumber((r) => r.oldestPendingAgeMs, 'desc'),
  },
  { column: 'rate', label: 'RATE', dir: 'desc', compare: byNumber((r) => r.rate, 'desc') },
  { column: 'stream', label: 'STREAM', dir: 'asc', compare: byText((r) => r.name) },
  { column: 'group', label: 'GROUP', dir: 'asc', compare: byText((r) => r.group ?? '') },
];

/** What pane 2 lists: `/` text matches stream or group, `type:` the stream name. */
export const selectStreamView = viewSelector(
  'streams',
  selectStreamRows,
  (r) => ({ type: r.name, text: `${r.name}\u0000${r.group ?? ''}` }),
  STREAM_SORTS,
);

const selection = paneSelection('streams', selectStreamView, streamRowKey);

export const selectStreamCursor: (state: MonitorState) => number = selection.cursor;

export const selectedStreamRow: (state: MonitorState) => StreamRow | null = selection.selected;

export const streamsModel: Omit<PaneModel, 'id'> = {
  sorts: STREAM_SORTS,
  moveCursor: selection.moveCursor,
  back: (state) => clearFilter(state, 'streams'),
  open(state) {
    const row = selectedStreamRow(state);
    if (!row) return state;
    // A stream row (no group): its history view.
    if (row.group === null) return openHistory(state, row.name, row.key);
    return showPending(state, { stream: row.key, group: row.group, consumer: null });
  },
};
