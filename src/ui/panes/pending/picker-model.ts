/** The stream/group picker (a layer over pane 3): j/k move the highlight, enter shows the pick. */
import { closeLayer, updateLayer, type LayerModel } from '../../../store/layers.js';
import { movedIndex } from '../../../store/list.js';
import { showPending } from '../../../store/pending.js';
import { selectGroupsByPending, selectPickerIndex } from '../../../store/selectors.js';

export const pickerModel: LayerModel<'picker'> = {
  moveCursor(state, delta) {
    const groups = selectGroupsByPending(state);
    if (groups.length === 0) return state;
    const cur = Math.max(0, selectPickerIndex(state, groups));
    const g = groups[movedIndex(cur, delta, groups.length)];
    return updateLayer(state, 'picker', () => ({ stream: g.stream, group: g.group }));
  },
  open(state) {
    const g = selectGroupsByPending(state)[selectPickerIndex(state)];
    const closed = closeLayer(state, 'picker');
    return g ? showPending(closed, { stream: g.stream, group: g.group, consumer: null }) : closed;
  },
};
