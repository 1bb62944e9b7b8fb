/**
 * Filter and sort for the list panes other than pane 1 (panes 2–5): per pane, the filter text
 * (store/filter.ts compileMatcher syntax) and the index of the sort option `S` picked (0: the
 * pane's default, worst first). A pane declares its options (SortOption) and how a row reads to
 * the filter (MatchSubject); viewSelector turns its source rows into what it lists, memoised, so
 * the component and the model (selection by identity, enter, commands) see the same rows.
 * Pane 1's live filter stays in `view.filter` (it filters a ring buffer incrementally).
 */
import { compileMatcher, type CompiledMatcher, type MatchSubject } from './filter.js';
import { movedSelection, selectedIndex } from './list.js';
import type { MonitorState, PaneId } from './state.js';

export interface SortLabel {
  /** The column key whose header carries the arrow; null: the default order, no arrow. */
  column: string | null;
  /** For the notice and `?`: `worst first`, `LAG`, `STREAM`… */
  label: string;
  /** ▾ largest (or worst) first, ▴ smallest (A→Z, oldest ID) first. */
  dir: 'desc' | 'asc';
}

export interface SortOption<Row> extends SortLabel {
  /** Absent: the rows' own order (the default). Ties keep the default order (stable sort). */
  compare?: (a: Row, b: Row) => number;
}

const NO_FILTERS: Readonly<Record<PaneId, string>> = {};

/** The filter text of `pane` ('' when none). */
export function paneFilterText(state: MonitorState, pane: PaneId): string {
  return (state.tables.filters ?? NO_FILTERS)[pane] ?? '';
}

/** The sort option index of `pane` (0: the default order). */
export function paneSortIndex(state: MonitorState, pane: PaneId): number {
  return state.tables.sort[pane] ?? 0;
}

export function withPaneFilter(state: MonitorState, pane: PaneId, text: string): MonitorState {
  if (paneFilterText(state, pane) === text) return state;
  return {
    ...state,
    tables: { ...state.tables, filters: { ...state.tables.filters, [pane]: text } },
  };
}

/** esc in a table pane: clear its filter, or null when it has none (the pane's next esc step). */
export function clearFilter(state: MonitorState, pane: PaneId): MonitorState | null {
  return paneFilterText(state, pane) === '' ? null : withPaneFilter(state, pane, '');
}

/** The filter text of any pane: pane 1's live filter, or a table pane's. */
export function filterTextOf(state: MonitorState, pane: PaneId): string {
  return pane === 'events' ? state.view.filter.text : paneFilterText(state, pane);
}

/** Set the filter text of any pane (pane 1's live filter, or a table pane's). */
export function withFilterText(state: MonitorState, pane: PaneId, text: string): MonitorState {
  if (pane !== 'events') return withPaneFilter(state, pane, text);
  return state.view.filter.text === text
    ? state
    : { ...state, view: { ...state.view, filter: { text } } };
}

/** `S`: the next of `count` sort options of `pane` (wraps to the default). */
export function withNextSort(state: MonitorState, pane: PaneId, count: number): MonitorState {
  if (count <= 1) return state;
  const next = (paneSortIndex(state, pane) + 1) % count;
  return { ...state, tables: { ...state.tables, sort: { ...state.tables.sort, [pane]: next } } };
}

/** `LAG ▾`, `worst first`: the sort option as the notice names it. */
export function sortName(o: SortLabel): string {
  return o.column === null ? o.label : `${o.label} ${o.dir === 'desc' ? '▾' : '▴'}`;
}

const matchers = new Map<string, CompiledMatcher>();
export function matcherFor(text: string): CompiledMatcher {
  let m = matchers.get(text);
  if (!m) {
    if (matchers.size > 64) matchers.clear();
    m = compileMatcher(text);
    matchers.set(text, m);
  }
  return m;
}

/** Filter then sort (stable: ties keep the source order). An invalid filter lets all rows through. */
export function viewRows<Row>(
  rows: readonly Row[],
  matcher: CompiledMatcher,
  subject: (row: Row) => MatchSubject,
  sort: SortOption<Row> | undefined,
): readonly Row[] {
  const filtered =
    matcher.kind === 'none' || matcher.error ? rows : rows.filter((r) => matcher.test(subject(r)));
  if (!sort?.compare) return filtered;
  const cmp = sort.compare;
  return [...filtered].sort(cmp);
}

/**
 * A memoised selector of what `pane` lists: `source(state)` filtered by the pane's filter and
 * sorted by its sort option. Recomputed only when the source rows, the text or the sort change.
 */
export function viewSelector<Row>(
  pane: PaneId,
  source: (state: MonitorState) => readonly Row[],
  subject: (row: Row) => MatchSubject,
  sorts: readonly SortOption<Row>[],
): (state: MonitorState) => readonly Row[] {
  let cache: { rows: readonly Row[]; text: string; sort: number; out: readonly Row[] } | null =
    null;
  return (state) => {
    const rows = source(state);
    const text = paneFilterText(state, pane);
    const sort = paneSortIndex(state, pane);
    if (cache && cache.rows === rows && cache.text === text && cache.sort === sort)
      return cache.out;
    const out = viewRows(rows, matcherFor(text), subject, sorts[sort] ?? sorts[0]);
    cache = { rows, text, sort, out };
    return out;
  };
}

/** The selection of a table pane that keeps it in `ui.selected[pane]`, by identity. */
export interface PaneSelection<Row> {
  /** Index of the selected row in what the pane lists (-1: it lists nothing). */
  cursor(state: MonitorState): number;
  /** The selected row, or null when the pane lists nothing. */
  selected(state: MonitorState): Row | null;
  /** j/k, pgup/pgdn, g/G (PaneModel.moveCursor): move by delta rows (±Infinity: an edge). */
  moveCursor(state: MonitorState, delta: number): MonitorState;
}

/**
 * Selection by identity for a table pane (panes 2, 4, 5): `rows` is what it lists (a
 * viewSelector), `keyOf` a row's identity. The rows may re-sort under a still selection.
 */
export function paneSelection<Row>(
  pane: PaneId,
  rows: (state: MonitorState) => readonly Row[],
  keyOf: (row: Row) => string,
): PaneSelection<Row> {
  const cursor = (state: MonitorState) =>
    selectedIndex(rows(state), keyOf, state.ui.selected[pane]);
  return {
    cursor,
    selected: (state) => rows(state)[cursor(state)] ?? null,
    moveCursor(state, delta) {
      const sel = movedSelection(rows(state), keyOf, state.ui.selected[pane], delta);
      if (!sel) return state;
      return { ...state, ui: { ...state.ui, selected: { ...state.ui.selected, [pane]: sel } } };
    },
  };
}

/** Compare helpers for SortOption.compare: nulls last in both directions. */
export function byNumber<Row>(
  get: (r: Row) => number | null,
  dir: 'desc' | 'asc',
): (a: Row, b: Row) => number {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return dir === 'desc' ? y - x : x - y;
  };
}

export function byText<Row>(get: (r: Row) => string): (a: Row, b: Row) => number {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
