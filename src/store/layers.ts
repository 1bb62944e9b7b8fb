/**
 * Overlays as a stack: `ui.layers`, bottom first, the pane under them all. The top layer is the
 * one that gets keys (keymap's activeContext), that j/k, enter and esc act on (ui-reducers), and
 * whose surface is drawn (App) — all three read selectTopLayer, so they cannot disagree about
 * which overlay is in front. `esc` pops the top layer.
 *
 * Adding a layer (a `:` command line, a history view, a replay dialog) is one push:
 *   1. its data: one line in LayerData below (or, from a pane folder, a module augmentation
 *      `declare module '…/store/layers.js' { interface LayerData { history: {…} } }`);
 *   2. open it with `pushLayer(state, 'history', data)` in the reducer of the action that opens it;
 *   3. draw it and give it keys: a PaneLayer (component, bindings, optional model) in the pane's
 *      descriptor (ui/panes/types.ts). esc, `?`, the footer and the README table follow.
 */
import type { CommandLineState, ConfirmState, DetailState, MonitorState } from './state.js';

/** What each layer holds, by layer id (the id is also its key context). */
export interface LayerData {
  /** The `?` overlay: the first line shown (it scrolls on small terminals). */
  help: { scroll: number };
  /** Pane 3's stream/group picker: the highlighted pair (kept by key while rows reorder). */
  picker: { stream: string; group: string };
  /** One event or entry in full. */
  detail: DetailState;
  /**
   * A pane's filter line while it is typed in: the text to restore on esc, and whose filter it
   * is (absent: pane 1's live filter; panes 2–5 keep theirs in `tables`, store/table-view.ts).
   */
  filter: { previous: string; pane?: string };
  /** A command's confirm dialog (claim: choosing the consumer first). */
  confirm: ConfirmState;
  /** The `:` command line while it is typed in (store/command-line.ts). */
  command: CommandLineState;
  /** A long failure in full (`enter` on its short line in the notice line). */
  outcome: { text: string; scroll: number };
}

export type LayerId = keyof LayerData & string;

export type Layer = { [K in LayerId]: { id: K; data: LayerData[K] } }[LayerId];

/** The layer in front (it gets the keys), or null when the pane itself is in front. */
export function selectTopLayer(state: MonitorState): Layer | null {
  const layers = state.ui.layers;
  return layers.length ? layers[layers.length - 1] : null;
}

/** The data of layer `id` wherever it is in the stack, or null when it is not open. */
export function selectLayer<K extends LayerId>(state: MonitorState, id: K): LayerData[K] | null {
  const l = state.ui.layers.find((x) => x.id === id);
  return l ? (l.data as LayerData[K]) : null;
}

/** The data of layer `id` only when it is the top layer. */
export function selectTop<K extends LayerId>(state: MonitorState, id: K): LayerData[K] | null {
  const top = selectTopLayer(state);
  return top && top.id === id ? (top.data as LayerData[K]) : null;
}

function withLayers(state: MonitorState, layers: readonly Layer[]): MonitorState {
  return { ...state, ui: { ...state.ui, layers } };
}

/** Open `id` on top. A layer is open at most once: re-opening one moves it to the top. */
export function pushLayer<K extends LayerId>(
  state: MonitorState,
  id: K,
  data: LayerData[K],
): MonitorState {
  const rest = state.ui.layers.filter((l) => l.id !== id);
  return withLayers(state, [...rest, { id, data } as Layer]);
}

/** Close the top layer (esc). */
export function popLayer(state: MonitorState): MonitorState {
  return state.ui.layers.length ? withLayers(state, state.ui.layers.slice(0, -1)) : state;
}

/** Close layer `id` wherever it is (no change when it is not open). */
export function closeLayer(state: MonitorState, id: LayerId): MonitorState {
  return state.ui.layers.some((l) => l.id === id)
    ? withLayers(
        state,
        state.ui.layers.filter((l) => l.id !== id),
      )
    : state;
}

/** Close every layer (switching panes). */
export function closeAllLayers(state: MonitorState): MonitorState {
  return state.ui.layers.length ? withLayers(state, []) : state;
}

/** Replace the data of layer `id` where it is in the stack (no change when it is not open). */
export function updateLayer<K extends LayerId>(
  state: MonitorState,
  id: K,
  update: (data: LayerData[K]) => LayerData[K],
): MonitorState {
  if (!state.ui.layers.some((l) => l.id === id)) return state;
  return withLayers(
    state,
    state.ui.layers.map((l) =>
      l.id === id ? ({ id, data: update(l.data as LayerData[K]) } as Layer) : l,
    ),
  );
}

/**
 * What a layer does with the navigation actions while it is on top. Absent handlers: the
 * action does nothing (a hidden layer or pane never moves); absent `back`: esc pops it.
 */
export interface LayerModel<K extends LayerId = LayerId> {
  moveCursor?(state: MonitorState, delta: number, data: LayerData[K]): MonitorState;
  open?(state: MonitorState, data: LayerData[K]): MonitorState;
  back?(state: MonitorState, data: LayerData[K]): MonitorState;
}

export type LayerModels = { [K in LayerId]?: LayerModel<K> };

const registered: LayerModels = {};

/** A pane-owned layer's model (ui/panes/registry.ts calls this). Returns its unregister. */
export function registerLayerModel<K extends LayerId>(id: K, model: LayerModel<K>): () => void {
  (registered as Record<string, LayerModel<K>>)[id] = model;
  return () => {
    delete (registered as Record<string, unknown>)[id];
  };
}

export function registeredLayerModel<K extends LayerId>(id: K): LayerModel<K> | undefined {
  return registered[id] as LayerModel<K> | undefined;
}

/** Scroll position after `delta` lines (±Infinity: top / bottom; the view clamps the bottom). */
export function scrolled(scroll: number, delta: number): number {
  return Number.isFinite(delta)
    ? Math.max(0, scroll + delta)
    : delta < 0
      ? 0
      : Number.MAX_SAFE_INTEGER;
}
