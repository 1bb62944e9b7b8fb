/** Pane 1: the selected event by its entry ID (stable while rows arrive); enter opens it. */
import { clamp } from '../../../store/list.js';
import { pushLayer } from '../../../store/layers.js';
import type { PaneModel } from '../../../store/pane-models.js';
import {
  eventAt,
  eventSelectionAt,
  selectEventCursor,
  selectEventRows,
  selectKeys,
} from '../../../store/selectors.js';

export const eventsModel: Omit<PaneModel, 'id'> = {
  moveCursor(state, delta) {
    const rows = selectEventRows(state);
    if (rows.length === 0) return state;
    const i = clamp(
      selectEventCursor(state, rows) +
        (Number.isFinite(delta) ? delta : delta > 0 ? rows.length : -rows.length),
      0,
      rows.length - 1,
    );
    // Reaching the newest row resumes following the tail.
    const follow = i === rows.length - 1;
    return { ...state, view: { ...state.view, follow, selected: eventSelectionAt(rows, i) } };
  },
  open(state) {
    const rows = selectEventRows(state);
    const i = selectEventCursor(state, rows);
    if (i < 0) return state;
    const ev = eventAt(rows, i);
    // Pin the selection so the detail and the list stay on this event while others arrive.
    const view = { ...state.view, follow: false, selected: eventSelectionAt(rows, i) };
    return pushLayer({ ...state, view }, 'detail', {
      kind: 'event',
      stream: selectKeys(state).globalStream,
      event: ev,
      scroll: 0,
    });
  },
  back(state) {
    const { view } = state;
    if (!view.filter.text) return null;
    return { ...state, view: { ...view, filter: { text: '' } } };
  },
};
