/** Pane 2's rows by identity (stream + group), and what enter does: that group's pending entries. */
import { movedSelection, selectedIndex } from '../../../store/list.js';
import type { PaneModel } from '../../../store/pane-models.js';
import { showPending } from '../../../store/pending.js';
import { selectStreamRows, type StreamRow } from '../../../store/selectors.js';
import type { MonitorState } from '../../../store/state.js';

/** A row's identity: the list re-sorts worst-first every snapshot, the selection must not move. */
export const streamRowKey = (r: StreamRow): string => `${r.key}\u0000${r.group ?? ''}`;

export function selectStreamCursor(state: MonitorState): number {
  return selectedIndex(selectStreamRows(state), streamRowKey, state.ui.selected.streams);
}

export const streamsModel: Omit<PaneModel, 'id'> = {
  moveCursor(state, delta) {
    const sel = movedSelection(
      selectStreamRows(state),
      streamRowKey,
      state.ui.selected.streams,
      delta,
    );
    if (!sel) return state;
    return { ...state, ui: { ...state.ui, selected: { ...state.ui.selected, streams: sel } } };
  },
  open(state) {
    const row = selectStreamRows(state)[selectStreamCursor(state)];
    if (!row || row.group === null) return state;
    return showPending(state, { stream: row.key, group: row.group, consumer: null });
  },
};
