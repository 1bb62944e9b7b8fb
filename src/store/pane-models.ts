/**
 * What the store knows of a pane: how its list moves, what enter opens, what esc clears, what
 * showing it loads. The pane registry (ui/panes/registry.ts) registers one model per pane, in
 * tab order; the reducers only ever call these by the pane's id, so a new pane needs no
 * reducer edits. Models are pure functions of (state, …) → state.
 */
import { StreamscopeError } from '../core/errors.js';
import type { MonitorState } from './state.js';
import type { SortLabel } from './table-view.js';

export interface PaneModel {
  /** The pane's id (`ui.pane`), e.g. 'events'. */
  id: string;
  /** j/k, pgup/pgdn, g/G: move the selection by delta rows (±Infinity: to an edge). */
  moveCursor?(state: MonitorState, delta: number): MonitorState;
  /** enter: open or drill into the selected row. */
  open?(state: MonitorState): MonitorState;
  /** esc with nothing on top: clear something of the pane's own, or null when there is nothing. */
  back?(state: MonitorState): MonitorState | null;
  /** space: mark or unmark the selected row (absent: the pane has no marks, or pane 3's). */
  toggleMark?(state: MonitorState): MonitorState;
  /** The pane was just shown (tab, number key): e.g. reload its page. */
  onShow?(state: MonitorState): MonitorState;
  /**
   * What a command key (ack, claim…) in this pane acts on: the marked or selected entries of a
   * stream/group, or a sentence saying why there is nothing ("no pending entry selected").
   * Absent: the pane runs no commands.
   */
  commandTarget?(state: MonitorState): CommandTarget | string;
  /** What `S` cycles through (store/table-view.ts), the first being the default order. */
  sorts?: readonly SortLabel[];
}

export interface CommandTarget {
  stream: string;
  group: string;
  ids: readonly string[];
}

/** The command target of `pane` (default: the pane shown now), or why there is none. */
export function selectCommandTarget(
  state: MonitorState,
  pane: string = state.ui.pane,
): CommandTarget | string {
  const model = paneModel(pane);
  return model?.commandTarget?.(state) ?? 'this pane runs no commands';
}

const models: PaneModel[] = [];

/** Add a pane's model (in tab order). Returns a function that removes it again (tests). */
export function registerPaneModel(model: PaneModel): () => void {
  if (models.some((m) => m.id === model.id))
    throw new StreamscopeError('INVALID_ARGUMENT', `pane ${model.id} is registered`);
  models.push(model);
  return () => {
    const i = models.indexOf(model);
    if (i >= 0) models.splice(i, 1);
  };
}

/** Pane ids in tab order. */
export function paneIds(): string[] {
  return models.map((m) => m.id);
}

export function paneModel(id: string): PaneModel | undefined {
  return models.find((m) => m.id === id);
}
