/** Pane 3: the selected entry by ID; enter opens it in full; esc leaves the consumer, then the marks. */
import { want } from '../../../store/effects.js';
import { pushLayer } from '../../../store/layers.js';
import { movedSelection } from '../../../store/list.js';
import type { PaneModel } from '../../../store/pane-models.js';
import { PENDING_SORTS } from '../../../store/pending-view.js';
import { clearFilter } from '../../../store/table-view.js';
import { currentAfterId, requestPage, showPending } from '../../../store/pending.js';
import {
  pendingKey,
  selectActionIds,
  selectPendingCursor,
  selectPendingRows,
} from '../../../store/selectors.js';

export const pendingModel: Omit<PaneModel, 'id'> = {
  sorts: PENDING_SORTS,
  moveCursor(state, delta) {
    const rows = selectPendingRows(state);
    const selected = movedSelection(rows, pendingKey, state.pending.selected, delta);
    return selected ? { ...state, pending: { ...state.pending, selected } } : state;
  },
  open(state) {
    const row = selectPendingRows(state)[selectPendingCursor(state)];
    const t = state.pending.target;
    if (!row || !t) return state;
    want({ type: 'loadEntry', stream: t.stream, id: row.id });
    return pushLayer(state, 'detail', {
      kind: 'entry',
      stream: t.stream,
      id: row.id,
      loading: true,
      fields: null,
      event: null,
      scroll: 0,
      pending: {
        group: t.group,
        consumer: row.consumer,
        idleMs: row.idleMs,
        deliveries: row.deliveries,
      },
    });
  },
  back(state) {
    const cleared = clearFilter(state, 'pending');
    if (cleared) return cleared;
    const t = state.pending.target;
    if (t?.consumer) return showPending(state, { ...t, consumer: null });
    if (state.pending.marks.length)
      return { ...state, pending: { ...state.pending, marks: [], markRule: null } };
    return null;
  },
  commandTarget(state) {
    const t = state.pending.target;
    const ids = selectActionIds(state);
    return t && ids.length > 0
      ? { stream: t.stream, group: t.group, ids }
      : 'no pending entry selected';
  },
  onShow(s) {
    return s.pending.target && !s.pending.loading
      ? { ...s, pending: requestPage(s.pending, s, currentAfterId(s.pending)) }
      : s;
  },
};
