/**
 * Derived views of the state. Pure; the expensive ones (event filtering) are memoised on the
 * identity of their inputs, which the reducers replace only when something changed.
 */
import { createKeySpace, type KeySpace } from '../core/keys.js';
import type { LoopName, TailEvent } from '../core/messages.js';
import { groupKey } from '../core/lag-history.js';
import { compareStreamIds, streamIdToMs, isStreamId } from '../core/stream-id.js';
import type { PendingEntry } from '../core/types.js';
import { compileFilter, type CompiledFilter } from './filter.js';
import { selectLayer } from './layers.js';
import { selectedIndex } from './list.js';
import type { MonitorState, PendingTarget } from './state.js';
import { PENDING_SORTS, pendingSubject } from './pending-view.js';
import { matcherFor, paneFilterText, paneSortIndex, viewRows } from './table-view.js';

/** The key names under the configured prefix (core/keys.ts builds every one of them). */
let keysCache: KeySpace | null = null;
export function selectKeys(state: MonitorState): KeySpace {
  if (keysCache?.prefix !== state.config.prefix) keysCache = createKeySpace(state.config.prefix);
  return keysCache;
}

// ── live events ────────────────────────────────────────────────────────────────────────────

/** The rows of the events pane: a buffer plus, when filtered, the indices that match. */
export interface EventRows {
  buffer: readonly TailEvent[];
  firstSeq: number;
  /** Buffer indices that pass the filter, ascending; null = all of them. */
  indices: readonly number[] | null;
  length: number;
  filter: CompiledFilter;
}

export function eventAt(rows: EventRows, i: number): TailEvent {
  return rows.buffer[rows.indices ? rows.indices[i] : i];
}

export function seqAt(rows: EventRows, i: number): number {
  return rows.firstSeq + (rows.indices ? rows.indices[i] : i);
}

/** The selection (by entry ID) of row `i`. */
export function eventSelectionAt(rows: EventRows, i: number): { id: string; seq: number } {
  return { id: eventAt(rows, i).id, seq: seqAt(rows, i) };
}

/**
 * Buffer index of the event with `sel.id`; when it is gone (evicted, or never there), of the
 * newest event before it (-1: every event held is newer). The buffer is in ID order (the tail
 * and the sampler append oldest first), so this is a binary search after a look where it was.
 */
function bufferIndexOf(rows: EventRows, sel: { id: string; seq: number }): number {
  const { buffer } = rows;
  const hint = sel.seq - rows.firstSeq;
  if (hint >= 0 && hint < buffer.length && buffer[hint].id === sel.id) return hint;
  let lo = 0;
  let hi = buffer.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compareStreamIds(buffer[mid].id, sel.id) <= 0) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

let filterCache: { text: string; compiled: CompiledFilter } | null = null;
export function selectFilter(state: MonitorState): CompiledFilter {
  const text = state.view.filter.text;
  if (!filterCache || filterCache.text !== text)
    filterCache = { text, compiled: compileFilter(text) };
  return filterCache.compiled;
}

let rowsCache: {
  buffer: readonly TailEvent[];
  firstSeq: number;
  filter: CompiledFilter;
  rows: EventRows;
} | null = null;
/** What the events pane lists: the paused view or the live buffer, filtered. */
export function selectEventRows(state: MonitorState): EventRows {
  const src = state.view.paused ?? state.events;
  const filter = selectFilter(state);
  const c = rowsCache;
  if (c && c.buffer === src.buffer && c.firstSeq === src.firstSeq && c.filter === filter)
    return c.rows;
  let indices: number[] | null = null;
  if (filter.kind !== 'none' && !filter.error) {
    indices = [];
    // Reuse the previous result for the part of the buffer both share (the common case:
    // the ring only grew or slid forward), test only the new events.
    let start = 0;
    if (c && c.filter === filter && c.rows.indices && src.firstSeq >= c.firstSeq) {
      const shift = src.firstSeq - c.firstSeq;
      const oldEnd = c.buffer.length - shift;
      if (
        oldEnd > 0 &&
        oldEnd <= src.buffer.length &&
        c.buffer[c.buffer.length - 1] === src.buffer[oldEnd - 1]
      ) {
        for (const i of c.rows.indices) if (i - shift >= 0) indices.push(i - shift);
        start = oldEnd;
      }
    }
    for (let i = start; i < src.buffer.length; i++) if (filter.test(src.buffer[i])) indices.push(i);
  }
  const rows: EventRows = {
    buffer: src.buffer,
    firstSeq: src.firstSeq,
    indices,
    length: indices ? indices.length : src.buffer.length,
    filter,
  };
  rowsCache = { buffer: src.buffer, firstSeq: src.firstSeq, filter, rows };
  return rows;
}

/** Row index of the selected event (the newest row while following), -1 when empty. */
export function selectEventCursor(
  state: MonitorState,
  rows: EventRows = selectEventRows(state),
): number {
  if (rows.length === 0) return -1;
  const sel = state.view.selected;
  if (state.view.follow || sel === null) return rows.length - 1;
  // Gone (slid out of the ring): its neighbour, the oldest row held.
  const bufIndex = Math.max(0, bufferIndexOf(rows, sel));
  if (!rows.indices) return Math.min(rows.length - 1, bufIndex);
  // Largest filtered row at or before the selected buffer index.
  let lo = 0;
  let hi = rows.indices.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows.indices[mid] <= bufIndex) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export function selectSelectedEvent(state: MonitorState): TailEvent | null {
  const rows = selectEventRows(state);
  const i = selectEventCursor(state, rows);
  return i < 0 ? null : eventAt(rows, i);
}

/** Events that arrived since the pane was paused. */
export function selectNewWhilePaused(state: MonitorState): number {
  const p = state.view.paused;
  return p ? state.events.received - (p.firstSeq + p.buffer.length) : 0;
}

/** Average over the last two complete seconds; while sampling, the exact rate from entries-added. */
export function selectEventsPerSec(state: MonitorState): number {
  if (state.events.sampling) return state.events.sampling.perSec;
  const nowSec = Math.floor(state.now / 1000);
  let sum = 0;
  for (const b of state.events.rate) if (b.sec >= nowSec - 2 && b.sec < nowSec) sum += b.count;
  return sum / 2;
}

// ── connection ─────────────────────────────────────────────────────────────────────────────

export interface ConnectionSummary {
  state: 'connecting' | 'connected' | 'reconnecting';
  /** The loop that is not connected ('both' when neither is), null when both are. */
  loop: LoopName | 'both' | null;
  attempt: number;
  reason: string | null;
}

/**
 * The worst of the two loops, with that loop's own attempt and reason (not the other's: a
 * tail receiving again must not be reported with the poller's old error, nor the reverse).
 */
export function selectConnection(state: MonitorState): ConnectionSummary {
  const { tail, poller } = state.connection;
  const order = { connected: 0, connecting: 1, reconnecting: 2 } as const;
  const worst = order[tail.state] >= order[poller.state] ? tail : poller;
  if (worst.state === 'connected')
    return { state: 'connected', loop: null, attempt: 0, reason: null };
  const both = tail.state !== 'connected' && poller.state !== 'connected';
  const loop = both ? 'both' : worst === tail ? 'tail' : 'poller';
  const err = worst.error ?? (both ? (tail.error ?? poller.error) : null);
  return { state: worst.state, loop, attempt: worst.attempt, reason: err ? err.message : null };
}

/** Snapshot data is stale while the poller is not connected or its last attempt failed. */
export function selectSnapshotStale(state: MonitorState): boolean {
  return (
    state.snapshot.at !== null &&
    (state.snapshot.error !== null || state.connection.poller.state !== 'connected')
  );
}

// ── streams & lag ──────────────────────────────────────────────────────────────────────────

export type Level = 'ok' | 'warn' | 'bad';

/**
 * The fixed colour thresholds, one place: lag as a fraction of the stream's max length, and when
 * an old pending or undelivered entry turns from warn to bad (ms). The warn levels people set
 * are config.thresholds (--lag-warn, --pending-age-warn, --stuck-after).
 */
export const THRESHOLDS = {
  lagWarnFraction: 0.5,
  lagBadFraction: 0.8,
  pendingAgeBadMs: 5 * 60_000,
} as const;

export interface StreamRow {
  key: string;
  /** Key without the prefix (the whole key for foreign streams). */
  name: string;
  group: string | null;
  length: number;
  rate: number | null;
  lag: number | null;
  /** Redis's lag is NULL: the entries counted after the group's position (shown `~n`), else null. */
  lagEstimate: number | null;
  pending: number | null;
  oldestPendingAgeMs: number | null;
  oldestUndeliveredAgeMs: number | null;
  consumers: number | null;
  /** Assumed max length (the hint; twice that for the global stream). */
  maxLen: number;
  level: Level;
  warning: string | null;
}

const LEVEL_RANK: Record<Level, number> = { ok: 0, warn: 1, bad: 2 };
const worse = (a: Level, b: Level): Level => (LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b);
function levelOf(value: number | null, warn: number, bad: number): Level {
  if (value === null) return 'ok';
  return value >= bad ? 'bad' : value >= warn ? 'warn' : 'ok';
}

export function stripPrefix(prefix: string, key: string): string {
  return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : key;
}

export function displayName(state: MonitorState, key: string): string {
  return stripPrefix(state.config.prefix, key);
}

let streamRowsCache: {
  streams: unknown;
  hint: number;
  rates: unknown;
  thresholds: unknown;
  estimates: unknown;
  rows: StreamRow[];
} | null = null;
/**
 * The server's clock now, estimated: its TIME at the last snapshot plus the local time since.
 * Relative times typed in the monitor (`:goto -1h`, `:range 10m ago..now`) are on this clock,
 * like `streamscope replay --from 2h` (server TIME): stream IDs are made with the server's clock,
 * so a skewed monitor host still lands on the entries of the last hour. Before the first
 * snapshot: the local clock.
 */
export function selectServerNowMs(state: MonitorState): number {
  const { server, at } = state.snapshot;
  if (!server || at === null) return state.now;
  return server.timeMs + Math.max(0, state.now - at);
}

/** One row per stream and group (a stream without groups gets one row), worst first. */
export function selectStreamRows(state: MonitorState): StreamRow[] {
  const { streams, rates, server, lagEstimates } = state.snapshot;
  const hint = state.config.maxLenHint;
  const c = streamRowsCache;
  const t = state.config.thresholds;
  if (
    c &&
    c.streams === streams &&
    c.hint === hint &&
    c.rates === rates &&
    c.thresholds === t &&
    c.estimates === lagEstimates
  )
    return c.rows;
  const serverNow = server?.timeMs ?? state.now;
  const rows: StreamRow[] = [];
  for (const s of streams) {
    const maxLen = s.kind === 'global' ? hint * 2 : hint;
    const base = {
      key: s.key,
      name: displayName(state, s.key),
      length: s.length,
      rate: rates[s.key] ?? null,
      maxLen,
    };
    if (s.groups.length === 0) {
      rows.push({
        ...base,
        group: null,
        lag: null,
        lagEstimate: null,
        pending: null,
        oldestPendingAgeMs: null,
        oldestUndeliveredAgeMs: null,
        consumers: null,
        level: 'ok',
        warning: null,
      });
      continue;
    }
    for (const g of s.groups) {
      const lagEstimate = g.lag === null ? (lagEstimates[groupKey(s.key, g.name)] ?? null) : null;
      const oldestPendingAgeMs =
        g.oldestPendingId && isStreamId(g.oldestPendingId)
          ? Math.max(0, serverNow - streamIdToMs(g.oldestPendingId))
          : null;
      let level = levelOf(
        g.lag === null ? null : g.lag / maxLen,
        THRESHOLDS.lagWarnFraction,
        THRESHOLDS.lagBadFraction,
      );
      // --pending-age-warn marks an old pending entry and an old undelivered one alike (the
      // legend says so); either is bad past 5 minutes (or past the flag, when it is longer).
      const ageBad = Math.max(THRESHOLDS.pendingAgeBadMs, t.pendingAgeWarnMs);
      level = worse(level, levelOf(oldestPendingAgeMs, t.pendingAgeWarnMs, ageBad));
      level = worse(level, levelOf(g.oldestUndeliveredAgeMs, t.pendingAgeWarnMs, ageBad));
      // --lag-warn and --stuck-after (a consumer idle that long holding entries).
      if ((g.lag ?? lagEstimate ?? 0) >= t.lagWarn) level = worse(level, 'warn');
      if (g.consumerList.some((k) => k.pending > 0 && k.idleMs >= t.stuckAfterMs))
        level = worse(level, 'bad');
      const nearMax = g.lag !== null && g.lag >= maxLen * THRESHOLDS.lagWarnFraction;
      rows.push({
        ...base,
        group: g.name,
        lag: g.lag,
        lagEstimate,
        pending: g.pending,
        oldestPendingAgeMs,
        oldestUndeliveredAgeMs: g.oldestUndeliveredAgeMs,
        consumers: g.consumers,
        level,
        warning: nearMax
          ? `lag ${Math.round((g.lag! / maxLen) * 100)}% of max length ~${String(maxLen).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}, unread entries at risk`
          : null,
      });
    }
  }
  rows.sort(
    (a, b) =>
      LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
      (b.lag ?? b.lagEstimate ?? -1) - (a.lag ?? a.lagEstimate ?? -1) ||
      (b.pending ?? -1) - (a.pending ?? -1) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      ((a.group ?? '') < (b.group ?? '') ? -1 : 1),
  );
  streamRowsCache = { streams, hint, rates, thresholds: t, estimates: lagEstimates, rows };
  return rows;
}

// ── groups & consumers ─────────────────────────────────────────────────────────────────────

export type GroupRow =
  | {
      kind: 'group';
      key: string;
      name: string;
      group: string;
      consumers: number;
      pending: number;
      lastDeliveredId: string;
      entriesRead: number | null;
      lag: number | null;
    }
  | {
      kind: 'consumer';
      key: string;
      name: string;
      group: string;
      consumer: string;
      pending: number;
      idleMs: number;
      inactiveMs: number | null;
    };

let groupRowsCache: { streams: unknown; rows: GroupRow[] } | null = null;
/** Groups in key order, each followed by its consumers. */
export function selectGroupRows(state: MonitorState): GroupRow[] {
  const { streams } = state.snapshot;
  if (groupRowsCache && groupRowsCache.streams === streams) return groupRowsCache.rows;
  const rows: GroupRow[] = [];
  const sorted = [...streams].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of sorted) {
    const name = displayName(state, s.key);
    for (const g of s.groups) {
      rows.push({
        kind: 'group',
        key: s.key,
        name,
        group: g.name,
        consumers: g.consumers,
        pending: g.pending,
        lastDeliveredId: g.lastDeliveredId,
        entriesRead: g.entriesRead,
        lag: g.lag,
      });
      for (const c of g.consumerList) {
        rows.push({
          kind: 'consumer',
          key: s.key,
          name,
          group: g.name,
          consumer: c.name,
          pending: c.pending,
          idleMs: c.idleMs,
          inactiveMs: c.inactiveMs,
        });
      }
    }
  }
  groupRowsCache = { streams, rows };
  return rows;
}

// ── pending entries ────────────────────────────────────────────────────────────────────────

export interface GroupRef {
  stream: string;
  group: string;
  pending: number;
  consumers: number;
  lag: number | null;
}

/** Every stream/group pair, most pending first (the pending pane's picker order). */
let groupsByPendingCache: { streams: unknown; out: GroupRef[] } | null = null;
export function selectGroupsByPending(state: MonitorState): GroupRef[] {
  if (groupsByPendingCache && groupsByPendingCache.streams === state.snapshot.streams)
    return groupsByPendingCache.out;
  const out: GroupRef[] = [];
  for (const s of state.snapshot.streams)
    for (const g of s.groups)
      out.push({
        stream: s.key,
        group: g.name,
        pending: g.pending,
        consumers: g.consumers,
        lag: g.lag,
      });
  out.sort(
    (a, b) =>
      b.pending - a.pending ||
      (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.group < b.group ? -1 : 1),
  );
  groupsByPendingCache = { streams: state.snapshot.streams, out };
  return out;
}

/** Row of the picker's highlighted pair in `groups` (-1 when closed or gone). */
export function selectPickerIndex(
  state: MonitorState,
  groups: readonly GroupRef[] = selectGroupsByPending(state),
): number {
  const p = selectLayer(state, 'picker');
  return p ? groups.findIndex((g) => g.stream === p.stream && g.group === p.group) : -1;
}

let pendingRowsCache: { entries: unknown; rows: PendingEntry[] } | null = null;
/** The current PEL page as loaded: most idle first, or in ID order as read. */
function pendingPageRows(state: MonitorState): readonly PendingEntry[] {
  const { entries } = state.pending;
  if (state.pending.order === 'id') return entries;
  if (pendingRowsCache && pendingRowsCache.entries === entries) return pendingRowsCache.rows;
  const rows = [...entries].sort((a, b) => b.idleMs - a.idleMs || (a.id < b.id ? -1 : 1));
  pendingRowsCache = { entries, rows };
  return rows;
}

let pendingViewCache: {
  page: unknown;
  bodies: unknown;
  text: string;
  sort: number;
  rows: readonly PendingEntry[];
} | null = null;
/** What pane 3 lists: the page filtered by `/` and sorted by `S` (store/pending-view.ts). */
export function selectPendingRows(state: MonitorState): readonly PendingEntry[] {
  const page = pendingPageRows(state);
  const text = paneFilterText(state, 'pending');
  const sort = paneSortIndex(state, 'pending');
  const bodies = state.pending.bodies;
  if (text === '' && sort === 0) return page;
  const c = pendingViewCache;
  if (c && c.page === page && c.bodies === bodies && c.text === text && c.sort === sort)
    return c.rows;
  const rows = viewRows(page, matcherFor(text), pendingSubject(state), PENDING_SORTS[sort]);
  pendingViewCache = { page, bodies, text, sort, rows };
  return rows;
}

/** A pending entry's identity in the list (its ID). */
export const pendingKey = (e: PendingEntry): string => e.id;

/** Row of the selected pending entry (-1: none). */
export function selectPendingCursor(state: MonitorState): number {
  return selectedIndex(selectPendingRows(state), pendingKey, state.pending.selected);
}

/** Entries an action applies to: the marked ones, else the selected one. */
export function selectActionIds(state: MonitorState): string[] {
  if (state.pending.marks.length > 0) return [...state.pending.marks];
  const row = selectPendingRows(state)[selectPendingCursor(state)];
  return row ? [row.id] : [];
}

export function selectPendingGroupTotal(
  state: MonitorState,
  target: PendingTarget | null = state.pending.target,
): number | null {
  if (!target) return null;
  const s = state.snapshot.streams.find((x) => x.key === target.stream);
  const g = s?.groups.find((x) => x.name === target.group);
  if (!g) return null;
  if (target.consumer === null) return g.pending;
  return g.consumerList.find((c) => c.name === target.consumer)?.pending ?? null;
}

export function selectConsumersOf(state: MonitorState, stream: string, group: string): string[] {
  const s = state.snapshot.streams.find((x) => x.key === stream);
  return s?.groups.find((g) => g.name === group)?.consumerList.map((c) => c.name) ?? [];
}

/**
 * Default claim target: the most recently active consumer of the group (least inactive, Redis
 * ≥ 7.2; else least idle) that does not own the entries already. '' when there is none.
 */
export function selectClaimDefault(
  state: MonitorState,
  stream: string,
  group: string,
  ids: readonly string[],
): string {
  const s = state.snapshot.streams.find((x) => x.key === stream);
  const consumers = s?.groups.find((g) => g.name === group)?.consumerList ?? [];
  const wanted = new Set(ids);
  const owners = new Set(
    state.pending.entries.filter((e) => wanted.has(e.id)).map((e) => e.consumer),
  );
  let best: { name: string; quiet: number } | null = null;
  for (const c of consumers) {
    if (owners.has(c.name)) continue;
    const quiet = c.inactiveMs ?? c.idleMs;
    if (!best || quiet < best.quiet) best = { name: c.name, quiet };
  }
  return best?.name ?? '';
}
