/** Pane 4's rows by identity (group, or group + consumer); enter shows their pending entries. */
import { movedSelection, selectedIndex } from '../../../store/list.js';
import type { PaneModel } from '../../../store/pane-models.js';
import { showPending } from '../../../store/pending.js';
import { selectGroupRows, type GroupRow } from '../../../store/selectors.js';
import type { MonitorState } from '../../../store/state.js';

export const groupRowKey = (r: GroupRow): string =>
  r.kind === 'group'
    ? `g\u0000${r.key}\u0000${r.group}`
    : `c\u0000${r.key}\u0000${r.group}\u0000${r.consumer}`;

export function selectGroupCursor(state: MonitorState): number {
  return selectedIndex(selectGroupRows(state), groupRowKey, state.ui.selected.groups);
}

export const groupsModel: Omit<PaneModel, 'id'> = {
  moveCursor(state, delta) {
    const sel = movedSelection(
      selectGroupRows(state),
      groupRowKey,
      state.ui.selected.groups,
      delta,
    );
    if (!sel) return state;
    return { ...state, ui: { ...state.ui, selected: { ...state.ui.selected, groups: sel } } };
  },
  open(state) {
    const row = selectGroupRows(state)[selectGroupCursor(state)];
    if (!row) return state;
    return showPending(state, {
      stream: row.key,
      group: row.group,
      consumer: row.kind === 'consumer' ? row.consumer : null,
    });
  },
};
