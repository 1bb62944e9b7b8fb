/**
 * The history view of one stream (type stream, `all`, `dlq:*`): a window of at most
 * HISTORY_WINDOW_PAGES pages read with XRANGE / XREVRANGE cursors through the queries port —
 * never the live buffer, never the whole stream. Moving the selection near an edge of the window
 * loads the next page that way and drops a page from the other edge, so memory is bounded by
 * the window, however long the stream. `/` filters the loaded window (compileMatcher syntax);
 * the selection is kept by entry ID.
 */
import type {
  HistoryAnchor,
  HistoryCountRequest,
  HistoryPageRequest,
} from '../core/history-page.js';
import type { MonitorMessage, TailEvent } from '../core/messages.js';
import { compareStreamIds, streamIdToMs } from '../core/stream-id.js';
import { want } from './effects.js';
import { closeLayer, pushLayer, selectLayer, updateLayer, type LayerModel } from './layers.js';
import type { MonitorState } from './state.js';
import { matcherFor, paneFilterText } from './table-view.js';

/** Entries per page read from Redis. */
export const HISTORY_PAGE = 200;
/** Pages kept in memory at most (the window). */
export const HISTORY_WINDOW_PAGES = 3;
export const HISTORY_WINDOW = HISTORY_PAGE * HISTORY_WINDOW_PAGES;
/** Rows from an edge of the window at which the next page is asked for. */
const PREFETCH = 20;

/** The filter of the history view is kept with the table panes' filters under this id. */
export const HISTORY_FILTER = 'history';

export interface HistoryData {
  /** As the person names it: an event type, `all`, `dlq:<type>`. */
  stream: string;
  /** Full Redis key. */
  key: string;
  /** The window, oldest first (≤ HISTORY_WINDOW rows). */
  rows: readonly TailEvent[];
  hasOlder: boolean;
  hasNewer: boolean;
  /** Selected entry ID (null: none yet). */
  selected: string | null;
  /** The request in flight (its seq), else null. */
  loading: number | null;
  /** Request counter (stale replies are dropped). */
  seq: number;
  error: string | null;
  /**
   * A move that went past an edge of the window while more exists: the rows still to go
   * (negative: older), applied when the page arrives, so no key press is lost.
   */
  carry: number;
  /** Range selection (`v`): start row ID, and the end once marked (null: still open). */
  range: { start: string; end: string | null } | null;
  /** The closed range's count: from the window when it holds the whole range, else the port's. */
  count: RangeCountState | null;
  /**
   * With --archive: the stream's first entry in Redis, rows before it came from the archive
   * (null: nothing left in Redis, every row is archived). Absent without an archive.
   */
  firstLiveId?: string | null;
}

export interface RangeCountState {
  /** The count request (0: counted from the window, nothing asked). */
  seq: number;
  count: number;
  estimated: boolean;
  done: boolean;
  firstId: string | null;
  lastId: string | null;
  error: string | null;
}

declare module './layers.js' {
  interface LayerData {
    history: HistoryData;
  }
}

function request(d: HistoryData, anchor: HistoryAnchor): HistoryData {
  const seq = d.seq + 1;
  const req: HistoryPageRequest = { key: d.key, anchor, count: HISTORY_PAGE, seq };
  want({ type: 'loadHistoryPage', request: req });
  return { ...d, seq, loading: seq, error: null };
}

/** Open the history of `stream` (key `key`) at its newest page, or at `at` (an ID). */
export function openHistory(
  state: MonitorState,
  stream: string,
  key: string,
  at: string | null = null,
): MonitorState {
  const empty: HistoryData = {
    stream,
    key,
    rows: [],
    hasOlder: false,
    hasNewer: false,
    selected: null,
    loading: null,
    seq: 0,
    error: null,
    carry: 0,
    range: null,
    count: null,
  };
  // A count still running for the view this one replaces is of no use now.
  want({ type: 'cancelHistoryCount' });
  return pushLayer(
    state,
    'history',
    request(empty, at ? { kind: 'at', id: at } : { kind: 'newest' }),
  );
}

/** Jump the open history view to the first entry ≥ `id`. */
export function historyGoto(state: MonitorState, id: string): MonitorState {
  return updateLayer(state, 'history', (d) => request(d, { kind: 'at', id }));
}

/** `:range <from>..<to>`: select that range (IDs, inclusive) and move the cursor to its start. */
export function historyRange(state: MonitorState, from: string, to: string): MonitorState {
  return updateLayer(state, 'history', (d) =>
    request(withRange(d, { start: from, end: to }), { kind: 'at', id: from }),
  );
}

/**
 * Set (or clear) the range; a closed one is counted: from the window when the window holds all
 * of it, else by the port in pages (a running count for the previous range is cancelled).
 */
function withRange(d: HistoryData, range: HistoryData['range']): HistoryData {
  if (d.count && !d.count.done) want({ type: 'cancelHistoryCount' });
  const next: HistoryData = { ...d, range, count: null };
  if (!range || range.end === null) return next;
  const { from, to } = rangeBounds(next)!;
  const first = d.rows[0]?.id;
  const last = d.rows[d.rows.length - 1]?.id;
  const covered =
    first !== undefined &&
    (!d.hasOlder || compareStreamIds(from, first) >= 0) &&
    (!d.hasNewer || compareStreamIds(to, last!) <= 0);
  if (covered) {
    const inside = d.rows.filter(
      (r) => compareStreamIds(r.id, from) >= 0 && compareStreamIds(r.id, to) <= 0,
    );
    return {
      ...next,
      count: {
        seq: 0,
        count: inside.length,
        estimated: false,
        done: true,
        firstId: inside[0]?.id ?? null,
        lastId: inside[inside.length - 1]?.id ?? null,
        error: null,
      },
    };
  }
  const seq = d.seq + 1;
  const req: HistoryCountRequest = { key: d.key, from, to, seq };
  want({ type: 'countHistoryRange', request: req });
  return {
    ...next,
    seq,
    count: {
      seq,
      count: 0,
      estimated: false,
      done: false,
      firstId: null,
      lastId: null,
      error: null,
    },
  };
}

/** A count arrived (progress or result) for the range on screen: keep it; stale ones are dropped. */
export function reduceHistoryCount(
  state: MonitorState,
  msg: Extract<MonitorMessage, { type: 'HistoryRangeCounted' }>,
): MonitorState {
  const d = selectLayer(state, 'history');
  if (!d || !d.count || d.count.seq !== msg.request.seq || d.key !== msg.request.key) return state;
  const { count, estimated, done, firstId, lastId, error } = msg;
  return setData(state, {
    ...d,
    count: { seq: d.count.seq, count, estimated, done, firstId, lastId, error },
  });
}

/** Whether a row was read from the archive (--archive), not from Redis. */
export function isArchived(d: HistoryData, id: string): boolean {
  if (d.firstLiveId === undefined) return false;
  return d.firstLiveId === null || compareStreamIds(id, d.firstLiveId) < 0;
}

/** The rows the view lists: the window filtered by `/` (an invalid filter lets all through). */
export function historyView(state: MonitorState, d: HistoryData): readonly TailEvent[] {
  const m = matcherFor(paneFilterText(state, HISTORY_FILTER));
  if (m.kind === 'none' || m.error) return d.rows;
  return viewCache(d.rows, m, (rows) =>
    rows.filter((e) => m.test({ type: e.type, text: subjectText(e) })),
  );
}

let cache: { rows: readonly TailEvent[]; m: unknown; out: readonly TailEvent[] } | null = null;
function viewCache(
  rows: readonly TailEvent[],
  m: unknown,
  compute: (rows: readonly TailEvent[]) => readonly TailEvent[],
): readonly TailEvent[] {
  if (cache && cache.rows === rows && cache.m === m) return cache.out;
  const out = compute(rows);
  cache = { rows, m, out };
  return out;
}

function subjectText(e: TailEvent): string {
  return [e.id, e.type ?? '', e.event?.source ?? '', ...Object.values(e.fields)].join('\u0000');
}

export function historyCursor(rows: readonly TailEvent[], d: HistoryData): number {
  if (rows.length === 0) return -1;
  if (d.selected === null) return rows.length - 1;
  const i = rows.findIndex((r) => r.id === d.selected);
  if (i >= 0) return i;
  // The selected row was filtered out or dropped: the nearest one by ID.
  const after = rows.findIndex((r) => compareStreamIds(r.id, d.selected!) > 0);
  return after < 0 ? rows.length - 1 : after;
}

/** j/k, pgup/pgdn, g/G: move the selection; near an edge of the window, load the next page. */
export function moveHistory(state: MonitorState, delta: number, d: HistoryData): MonitorState {
  const rows = historyView(state, d);
  if (delta === -Infinity && d.hasOlder) return setData(state, request(d, { kind: 'oldest' }));
  if (delta === Infinity && d.hasNewer) return setData(state, request(d, { kind: 'newest' }));
  if (rows.length === 0) return state;
  const i = historyCursor(rows, d);
  const want = Number.isFinite(delta) ? i + delta : delta < 0 ? 0 : rows.length - 1;
  const j = Math.max(0, Math.min(rows.length - 1, want));
  const carry = want < 0 && d.hasOlder ? want : want > rows.length - 1 && d.hasNewer ? want - j : 0;
  let next: HistoryData = { ...d, selected: rows[j].id, carry };
  if (d.loading === null) {
    if (j >= rows.length - PREFETCH && d.hasNewer)
      next = request(next, { kind: 'after', id: d.rows[d.rows.length - 1].id });
    else if (j < PREFETCH && d.hasOlder) next = request(next, { kind: 'before', id: d.rows[0].id });
  }
  return setData(state, next);
}

function setData(state: MonitorState, d: HistoryData): MonitorState {
  return updateLayer(state, 'history', () => d);
}

type HistoryMessage = Extract<
  MonitorMessage,
  { type: 'HistoryPageReceived' | 'HistoryPageFailed' }
>;

/** A page arrived: merge it into the window at the side it was asked for, trim the other side. */
export function reduceHistoryPage(state: MonitorState, msg: HistoryMessage): MonitorState {
  const d = selectLayer(state, 'history');
  if (!d || d.loading !== msg.request.seq || d.key !== msg.request.key) return state;
  if (msg.type === 'HistoryPageFailed')
    return setData(state, { ...d, loading: null, error: msg.error.message });
  const a = msg.request.anchor;
  const page = msg.entries;
  let rows: readonly TailEvent[];
  let { hasOlder, hasNewer } = msg;
  let selected = d.selected;
  const carry = 0;
  if (a.kind === 'after') {
    rows = [...d.rows, ...page];
    if (d.carry > 0 && page.length) {
      const at = rows.findIndex((e) => e.id === d.selected);
      selected = rows[Math.min(rows.length - 1, Math.max(0, at) + d.carry)].id;
    }
    hasOlder = d.hasOlder;
    if (rows.length > HISTORY_WINDOW) {
      rows = rows.slice(rows.length - HISTORY_WINDOW);
      hasOlder = true;
    }
  } else if (a.kind === 'before') {
    rows = [...page, ...d.rows];
    if (d.carry < 0 && page.length) {
      const at = rows.findIndex((e) => e.id === d.selected);
      selected = rows[Math.max(0, (at < 0 ? page.length : at) + d.carry)].id;
    }
    hasNewer = d.hasNewer;
    if (rows.length > HISTORY_WINDOW) {
      rows = rows.slice(0, HISTORY_WINDOW);
      hasNewer = true;
    }
  } else {
    // A new window: newest / oldest / goto.
    rows = page;
    selected =
      a.kind === 'oldest'
        ? (page[0]?.id ?? null)
        : a.kind === 'at'
          ? (page.find((e) => compareStreamIds(e.id, a.id) >= 0)?.id ??
            page[page.length - 1]?.id ??
            null)
          : (page[page.length - 1]?.id ?? null);
  }
  return setData(state, {
    ...d,
    rows,
    hasOlder,
    hasNewer,
    selected,
    carry,
    loading: null,
    error: null,
    ...(msg.firstLiveId !== undefined ? { firstLiveId: msg.firstLiveId } : {}),
  });
}

/** enter: the selected entry in the detail view (over the history view; esc returns). */
export function openHistoryDetail(state: MonitorState, d: HistoryData): MonitorState {
  const rows = historyView(state, d);
  const i = historyCursor(rows, d);
  if (i < 0) return state;
  return pushLayer(state, 'detail', { kind: 'event', stream: d.key, event: rows[i], scroll: 0 });
}

export const historyLayerModel: LayerModel<'history'> = {
  moveCursor: moveHistory,
  open: openHistoryDetail,
  back: backHistory,
};

function ordered(a: string, b: string): [string, string] {
  return compareStreamIds(a, b) <= 0 ? [a, b] : [b, a];
}

/** The range's bounds, oldest first: while it is open, from its start to the selected row. */
export function rangeBounds(d: HistoryData): { from: string; to: string } | null {
  if (!d.range) return null;
  const end = d.range.end ?? d.selected ?? d.range.start;
  const [from, to] = ordered(d.range.start, end);
  return { from, to };
}

export function inRange(d: HistoryData, id: string): boolean {
  const b = rangeBounds(d);
  return b !== null && compareStreamIds(id, b.from) >= 0 && compareStreamIds(id, b.to) <= 0;
}

/**
 * For the title, one line: `range 1,234 entries · 2 h 03 min` (exact), `~1,234,567 entries`
 * (estimated past 1M), `340,000+ entries (counting…)`, or while the range is open the entries of
 * the loaded window (`+`: it reaches past the window). The span is that of the first and last
 * entry once counted, else of the bounds.
 */
export function rangeTitle(d: HistoryData): string | null {
  const b = rangeBounds(d);
  if (!b || !d.range) return null;
  const n = (x: number) => x.toLocaleString('en-US');
  const c = d.count;
  const spanOf = (from: string | null, to: string | null) =>
    from && to
      ? formatSpan(streamIdToMs(to) - streamIdToMs(from))
      : formatSpan(streamIdToMs(b.to) - streamIdToMs(b.from));
  if (d.range.end === null || !c) {
    const count = d.rows.filter((r) => inRange(d, r.id)).length;
    const first = d.rows[0]?.id;
    const last = d.rows[d.rows.length - 1]?.id;
    const more =
      first === undefined ||
      compareStreamIds(b.from, first) < 0 ||
      (last !== undefined && compareStreamIds(b.to, last) > 0);
    const open = d.range.end === null;
    const what = count === 1 && !more ? 'entry' : 'entries';
    return `range ${open ? 'from ' : ''}${n(count)}${more ? '+' : ''} ${what} · ${spanOf(null, null)}${open ? ' (v ends it)' : ''}`;
  }
  if (c.error) return `range: count failed (${c.error})`;
  if (!c.done) return `range ${n(c.count)}+ entries (counting…) · ${spanOf(c.firstId, c.lastId)}`;
  if (c.count === 0) return 'range 0 entries';
  return `range ${c.estimated ? '~' : ''}${n(c.count)} ${c.count === 1 ? 'entry' : 'entries'} · ${spanOf(c.firstId, c.lastId)}`;
}

/** 0 ms, 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min, 3 d 04 h. */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${String(h % 24).padStart(2, '0')} h`;
}

/** `v`: start a range at the selected row; `v` again ends it there; a third `v` starts anew. */
export function toggleRange(state: MonitorState): MonitorState {
  const d = selectLayer(state, 'history');
  if (!d) return state;
  const rows = historyView(state, d);
  const i = historyCursor(rows, d);
  if (i < 0) return state;
  const id = rows[i].id;
  const range =
    d.range && d.range.end === null ? { start: d.range.start, end: id } : { start: id, end: null };
  return setData(state, withRange(d, range));
}

/** esc: clear the range first (stopping its count), then close the view. */
export function backHistory(state: MonitorState, d: HistoryData): MonitorState {
  if (d.range) return setData(state, withRange(d, null));
  return closeLayer(state, 'history');
}

/** What the history view's keys ask for (one action, `history`, carries them). */
export type HistoryOp =
  | { kind: 'open'; stream: string; key: string; at?: string | null }
  | { kind: 'range' }
  | { kind: 'goto'; id: string };

export function reduceHistoryOp(state: MonitorState, op: HistoryOp): MonitorState {
  switch (op.kind) {
    case 'open':
      return openHistory(state, op.stream, op.key, op.at ?? null);
    case 'range':
      return toggleRange(state);
    case 'goto':
      return historyGoto(state, op.id);
  }
}
