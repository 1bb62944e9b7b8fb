/**
 * Pane 5: the selected dead letter by identity (in the `/` filtered, `S` sorted list); enter opens
 * it in full with its dlq_* facts; esc clears the filter, then the marks.
 */
import { createKeySpace } from '../../../core/keys.js';
import { DEAD_LETTER_SORTS } from '../../../store/dead-letter-view.js';
import {
  PANE,
  deadLetterTarget,
  moveDeadLetterCursor,
  selectDeadLetterCursor,
  selectDeadLetterRows,
  toggleDeadLetterMark,
} from '../../../store/dead-letters.js';
import { want } from '../../../store/effects.js';
import { pushLayer } from '../../../store/layers.js';
import type { PaneModel } from '../../../store/pane-models.js';
import { clearFilter } from '../../../store/table-view.js';

export const deadLettersModel: Omit<PaneModel, 'id'> = {
  sorts: DEAD_LETTER_SORTS,
  moveCursor: moveDeadLetterCursor,
  open(state) {
    const row = selectDeadLetterRows(state)[selectDeadLetterCursor(state)];
    if (!row) return state;
    want({ type: 'loadEntry', stream: row.dlqKey, id: row.id });
    return pushLayer(state, 'detail', {
      kind: 'entry',
      stream: row.dlqKey,
      id: row.id,
      loading: true,
      fields: null,
      event: null,
      scroll: 0,
      deadLetter: {
        originalStream: row.originalStream,
        originalId: row.originalId,
        originalIsGlobal: row.originalStream === createKeySpace(state.config.prefix).globalStream,
        group: row.group,
        consumer: row.consumer,
        deliveries: row.deliveries,
        reason: row.reason,
      },
    });
  },
  back(state) {
    const cleared = clearFilter(state, PANE);
    if (cleared) return cleared;
    const d = state.deadLetters;
    return d.marks.length ? { ...state, deadLetters: { ...d, marks: [], markRule: null } } : null;
  },
  toggleMark: toggleDeadLetterMark,
  commandTarget: deadLetterTarget,
  onShow(state) {
    want({ type: 'loadDeadLetters' });
    return { ...state, deadLetters: { ...state.deadLetters, loading: true } };
  },
};
