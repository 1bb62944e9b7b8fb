/** Helpers shared by the reducers for the pending-entries page state. Pure. */
import { want } from './effects.js';
import { closeLayer } from './layers.js';
import type { MonitorState, PendingState, PendingTarget } from './state.js';

export function sameTarget(a: PendingTarget | null, b: PendingTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return a.stream === b.stream && a.group === b.group && a.consumer === b.consumer;
}

export function currentAfterId(p: PendingState): string | null {
  return p.pageStarts[p.pageStarts.length - 1] ?? null;
}

/** Ask for a PEL page of the current target: an effect the store performs (nothing kept in state). */
export function requestPage(
  p: PendingState,
  state: MonitorState,
  afterId: string | null,
): PendingState {
  if (!p.target) return p;
  const count = state.config.pageSize;
  const request =
    p.order === 'id'
      ? { ...p.target, afterId, count, order: p.order, offset: 0 }
      : {
          ...p.target,
          afterId: null,
          count,
          order: p.order,
          offset: (p.pageStarts.length - 1) * count,
        };
  want({ type: 'loadPendingPage', request });
  return { ...p, loading: true };
}

/** Show another stream/group/consumer: first page, no marks, selection at the top. */
export function retarget(
  p: PendingState,
  state: MonitorState,
  target: PendingTarget,
): PendingState {
  const fresh: PendingState = {
    ...p,
    target,
    pageStarts: [null],
    entries: [],
    hasMore: false,
    scan: null,
    loadedAt: null,
    error: null,
    marks: [],
    markRule: null,
    marking: null,
    selected: null,
  };
  return requestPage(fresh, state, null);
}

/** Show pane 3 on `target` (the person picked it: stop following the group with most pending). */
export function showPending(state: MonitorState, target: PendingTarget): MonitorState {
  const s = closeLayer({ ...state, ui: { ...state.ui, pane: 'pending' } }, 'detail');
  return { ...s, pending: retarget({ ...s.pending, auto: false }, s, target) };
}
