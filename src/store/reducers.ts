/**
 * Pure reducers: (state, message) → state. Messages from the background loops are handled
 * here; key-driven actions in ui-reducers.ts. Nothing here performs I/O: loading a PEL page or
 * running a command is an effect handed to `want` (store/effects.ts), never a field of the
 * state, and create-store.ts performs it.
 */
import { recordSnapshot } from '../core/lag-history.js';
import type { LoopName, MonitorMessage, StreamSnapshot, TailEvent } from '../core/messages.js';
import type { StoreAction } from './actions.js';
import { PANE as DLQ_PANE } from './dead-letters.js';
import { want } from './effects.js';
import { selectLayer, updateLayer } from './layers.js';
import type { Selection } from './list.js';
import { reduceEntriesLoaded, wantBodies } from './pending-bodies.js';
import { reduceExportProgressed } from './copy-export.js';
import { lookUpCounterpart, reduceCounterpartFound } from './detail-ids.js';
import { selectGroupsByPending, selectPendingCursor, selectPendingRows } from './selectors.js';
import type { PendingEntry } from '../core/types.js';
import { currentAfterId, requestPage, retarget, sameTarget } from './pending.js';
import type { ConfirmState, MonitorState, RateBucket } from './state.js';
import { reduceUi } from './ui-reducers.js';
import { reduceHistoryCount, reduceHistoryPage } from './history.js';
import { REPLAY_KIND, reduceReplayPreviewed } from './replay-dialog.js';

/** Seconds of events/s history kept. */
const RATE_WINDOW_SEC = 5;

export function reduce(state: MonitorState, action: StoreAction): MonitorState {
  switch (action.type) {
    case 'EventsReceived':
    case 'EventsMissed':
    case 'TailSampled':
    case 'ConnectionChanged':
    case 'SnapshotReceived':
    case 'SnapshotFailed':
    case 'PendingPageReceived':
    case 'PendingPageFailed':
    case 'EntryLoaded':
    case 'EntriesLoaded':
    case 'ExportProgressed':
    case 'HistoryPageReceived':
    case 'HistoryPageFailed':
    case 'HistoryRangeCounted':
    case 'ArchivedStreamsListed':
    case 'CounterpartFound':
    case 'CommandCompleted':
    case 'CommandFailed':
    case 'CommandProgress':
    case 'PendingMarked':
    case 'PendingMarkFailed':
    case 'CommandPreviewed':
    case 'DeadLettersLoaded':
    case 'DeadLettersFailed':
      return reduceMessage(state, action);
    case 'tick':
    case 'setPageRows':
    case 'setPermissions':
    case 'notify':
      return reduceUi(state, action);
    default:
      // A command's flash stays until the next thing the person does.
      return reduceUi(
        state.ui.notice?.flash ? { ...state, ui: { ...state.ui, notice: null } } : state,
        action,
      );
  }
}

/** Apply many messages in order (the store's batched tick). */
export function reduceAll(state: MonitorState, actions: readonly StoreAction[]): MonitorState {
  let s = state;
  for (const a of actions) s = reduce(s, a);
  return s;
}

export function reduceMessage(state: MonitorState, msg: MonitorMessage): MonitorState {
  switch (msg.type) {
    case 'EventsReceived':
      // Events read are the tail's own proof of a connection (whatever the poller is doing).
      return loopSucceeded(
        appendEvents(state, msg.events, msg.receivedAt, msg.history === true),
        'tail',
        msg.receivedAt,
      );
    case 'TailSampled':
      return {
        ...state,
        events: {
          ...state.events,
          sampling: msg.sampling
            ? {
                oneIn: msg.oneIn,
                perSec: msg.perSec,
                reason: msg.reason ?? state.events.sampling?.reason ?? null,
              }
            : null,
        },
      };
    case 'EventsMissed':
      return {
        ...state,
        events: {
          ...state.events,
          missed: state.events.missed + msg.count,
          missedReason: msg.reason,
        },
        ui: {
          ...state.ui,
          notice: {
            level: 'error',
            text: `missed ${msg.count} ${msg.count === 1 ? 'event' : 'events'}: ${msg.reason}`,
            at: state.now,
          },
        },
      };
    case 'ConnectionChanged': {
      const prev = state.connection[msg.loop];
      const next = {
        state: msg.state,
        attempt: msg.attempt,
        error: msg.error,
        since: prev.state === msg.state ? prev.since : msg.at,
      };
      return { ...state, connection: { ...state.connection, [msg.loop]: next } };
    }
    case 'SnapshotReceived':
      return followDeadLetters(state, loopSucceeded(applySnapshot(state, msg), 'poller', msg.at));
    case 'SnapshotFailed':
      return { ...state, snapshot: { ...state.snapshot, error: msg.error, failedAt: msg.at } };
    case 'PendingPageReceived': {
      const p = state.pending;
      if (!sameTarget(p.target, { stream: msg.stream, group: msg.group, consumer: msg.consumer }))
        return state;
      // A page asked for before the order was toggled.
      if ((msg.order ?? 'id') !== p.order) return state;
      const ids = new Set(msg.entries.map((e) => e.id));
      // Marks by rule cover the whole PEL, not this page: they stay.
      const marks = p.markRule !== null ? p.marks : p.marks.filter((id) => ids.has(id));
      const selected = followSelection(state, msg.entries, ids);
      return wantBodies({
        ...state,
        pending: {
          ...p,
          entries: msg.entries,
          hasMore: msg.hasMore,
          scan: msg.scan ?? null,
          loading: false,
          error: null,
          loadedAt: msg.at,
          marks: marks.length === p.marks.length ? p.marks : marks,
          selected,
        },
      });
    }
    case 'EntriesLoaded':
      return reduceEntriesLoaded(state, msg);
    case 'ExportProgressed':
      return reduceExportProgressed(state, msg);
    case 'HistoryPageReceived':
    case 'HistoryPageFailed':
      return reduceHistoryPage(state, msg);
    case 'HistoryRangeCounted':
      return reduceHistoryCount(state, msg);
    case 'ArchivedStreamsListed':
      return { ...state, archivedStreams: msg.keys };
    case 'PendingPageFailed': {
      const p = state.pending;
      if (!p.target || p.target.stream !== msg.stream || p.target.group !== msg.group) return state;
      return { ...state, pending: { ...p, loading: false, error: msg.error } };
    }
    case 'EntryLoaded': {
      const d = selectLayer(state, 'detail');
      if (!d || d.kind !== 'entry' || d.stream !== msg.stream || d.id !== msg.id) return state;
      const type = msg.fields?.type ?? msg.event?.eventType ?? null;
      // A dead letter's other entry is its original's: looked up from the original stream and ID.
      const from = d.deadLetter
        ? { stream: d.deadLetter.originalStream, id: d.deadLetter.originalId }
        : d;
      const counterpart = lookUpCounterpart(
        state,
        from.stream,
        from.id,
        msg.event?.eventId ?? null,
        type,
      );
      return updateLayer(state, 'detail', () => ({
        ...d,
        loading: false,
        fields: msg.fields,
        event: msg.event,
        counterpart,
      }));
    }
    case 'CounterpartFound':
      return reduceCounterpartFound(state, msg);
    case 'PendingMarked': {
      const p = state.pending;
      if (!p.target || p.target.stream !== msg.stream || p.target.group !== msg.group) return state;
      const n = msg.ids.length;
      return {
        ...state,
        pending: { ...p, marks: msg.ids, markRule: n > 0 ? msg.rule : null, marking: null },
        ui: {
          ...state.ui,
          notice: {
            level: n > 0 ? 'ok' : 'info',
            text:
              n > 0
                ? `marked ${n.toLocaleString('en-US')} pending ${n === 1 ? 'entry' : 'entries'} of the whole group (${msg.rule}); a/c/d act on all of them`
                : `no pending entry of ${msg.group} matches ${msg.rule}; nothing marked`,
            at: state.now,
            flash: true,
          },
        },
      };
    }
    case 'DeadLettersLoaded': {
      const d = state.deadLetters;
      const live = new Set(msg.rows.map((r) => `${r.dlqKey} ${r.id}`));
      const marks = d.marks.filter((k) => live.has(k));
      return {
        ...state,
        deadLetters: {
          ...d,
          rows: msg.rows,
          truncated: msg.truncated,
          loadedAt: msg.at,
          loading: false,
          error: null,
          marks: marks.length === d.marks.length ? d.marks : marks,
        },
      };
    }
    case 'DeadLettersFailed':
      return {
        ...state,
        deadLetters: { ...state.deadLetters, loading: false, error: msg.error },
      };
    case 'PendingMarkFailed':
      return {
        ...state,
        pending: { ...state.pending, marking: null },
        ui: {
          ...state.ui,
          notice: {
            level: 'error',
            text: `mark ${msg.rule}: ${msg.error.message}`,
            at: state.now,
            flash: true,
          },
        },
      };
    case 'CommandPreviewed': {
      if (msg.command === REPLAY_KIND) return reduceReplayPreviewed(state, msg);
      const c = selectLayer(state, 'confirm');
      if (!c || c.command !== msg.command || !c.preview) return state;
      // No preview and no error: the port cannot preview; the dialog shows the kind's own text.
      const preview: ConfirmState['preview'] = msg.error
        ? { status: 'failed', error: msg.error.message }
        : msg.preview
          ? { status: 'ready', preview: msg.preview }
          : undefined;
      const { preview: _old, ...rest } = c;
      return updateLayer(state, 'confirm', () => (preview ? { ...rest, preview } : rest));
    }
    case 'CommandProgress': {
      const p = state.ui.progress;
      if (!p || p.command !== msg.command) return state;
      const pace =
        msg.ratePerSec !== undefined
          ? { ratePerSec: msg.ratePerSec, etaMs: msg.etaMs ?? null, paused: msg.paused ?? false }
          : {};
      return {
        ...state,
        ui: {
          ...state.ui,
          progress: { ...p, done: msg.done, total: msg.total, at: state.now, ...pace },
        },
      };
    }
    case 'CommandCompleted': {
      // What the run was about: the entries it named, else what it covered (a replayed range's
      // count). A kind that names no entries (setid, undo, a range) is not "0 asked, N done".
      const planned = msg.total ?? msg.requested;
      // Partial (some entries were no longer there) is red like a failure: it needs a look. A
      // cancel is not: the person asked for it, and the text says how much was done.
      const short = !msg.cancelled && planned > 0 && msg.affected < planned;
      const text =
        msg.detail ||
        (planned === 0 && msg.affected === 0
          ? `${msg.command}: nothing to do, nothing changed`
          : `${msg.command}: ${msg.affected} of ${planned} ${planned === 1 ? 'entry' : 'entries'}`);
      // Nothing done (an empty range, a cancel before the first batch) is said plainly, not green.
      const level = short ? 'error' : msg.cancelled || msg.affected === 0 ? 'info' : 'ok';
      const s0 = withCommandOutcome(state, { ok: !short, text }, level);
      const s = s0.ui.pane === 'deadletters' ? reloadDeadLetters(s0, true) : s0;
      return {
        ...s,
        pending: requestPage(
          { ...s.pending, marks: [], markRule: null },
          s,
          currentAfterId(s.pending),
        ),
      };
    }
    case 'CommandFailed': {
      const s = withCommandOutcome(
        state,
        { ok: false, text: `${msg.command} failed: ${msg.error.message}` },
        'error',
      );
      // Stopped part-way, some entries may have moved: show the PEL as it is now.
      return s.pending.target && !s.pending.loading
        ? { ...s, pending: requestPage(s.pending, s, currentAfterId(s.pending)) }
        : s;
    }
  }
}

/** What pane 5's list depends on, as the snapshot sees it: every dead-letter stream's length and tip. */
function deadLetterSignature(streams: readonly StreamSnapshot[]): string {
  return streams
    .filter((s) => s.kind === 'dead-letter')
    .map((s) => `${s.key} ${s.length} ${s.lastGeneratedId}`)
    .join('|');
}

/**
 * Pane 5 is read on demand (SCAN + XRANGE of every dlq stream), not with every snapshot. While it
 * is shown, a dead-letter stream that changed under it — a worker dead-lettered an entry, another
 * terminal redrove some — reloads it (marks kept where the rows still exist), so the list does
 * not go stale until the person leaves the pane and comes back.
 */
function followDeadLetters(before: MonitorState, after: MonitorState): MonitorState {
  if (after.ui.pane !== DLQ_PANE || after.deadLetters.loading) return after;
  if (after.deadLetters.loadedAt === null) return after;
  const was = deadLetterSignature(before.snapshot.streams);
  return was === deadLetterSignature(after.snapshot.streams)
    ? after
    : reloadDeadLetters(after, false);
}

/** Ask for pane 5's list again (after a redrive or delete, marks cleared). */
function reloadDeadLetters(state: MonitorState, clearMarks: boolean): MonitorState {
  want({ type: 'loadDeadLetters' });
  const d = state.deadLetters;
  return {
    ...state,
    deadLetters: { ...d, loading: true, ...(clearMarks ? { marks: [], markRule: null } : {}) },
  };
}

/** A loop's success clears its own reconnecting state (and only its own). */
function loopSucceeded(state: MonitorState, loop: LoopName, at: number): MonitorState {
  const c = state.connection[loop];
  if (c.state === 'connected') return state;
  return {
    ...state,
    connection: {
      ...state.connection,
      [loop]: { state: 'connected', attempt: 0, error: null, since: at },
    },
  };
}

/**
 * Selection on a reloaded page: the same entry (after an ack/claim or a refresh), else the next
 * one still there (the entry was acked or claimed away), else the one before it, else the same
 * row number.
 */
function followSelection(
  state: MonitorState,
  entries: readonly PendingEntry[],
  ids: ReadonlySet<string>,
): Selection | null {
  const p = state.pending;
  const after = selectPendingRows({ ...state, pending: { ...p, entries } });
  if (!p.selected) return null;
  if (ids.has(p.selected.key)) return { key: p.selected.key, index: p.selected.index };
  const before = selectPendingRows(state);
  const at = selectPendingCursor(state);
  let keep: string | null = null;
  for (let i = at; i >= 0 && i < before.length && keep === null; i++)
    if (ids.has(before[i].id)) keep = before[i].id;
  // Nothing after it survived: the one before it, so the selection stays near where it was.
  for (let i = at - 1; i >= 0 && keep === null; i--) if (ids.has(before[i].id)) keep = before[i].id;
  if (keep === null) {
    const i = Math.max(0, Math.min(p.selected.index, after.length - 1));
    return after[i] ? { key: after[i].id, index: i } : null;
  }
  return {
    key: keep,
    index: Math.max(
      0,
      after.findIndex((e) => e.id === keep),
    ),
  };
}

/** A failure longer than this (or of several lines) shows a short line; `enter` shows it all. */
export const SHORT_OUTCOME = 60;

/** `text` as one short line: its first line, cut at a word before SHORT_OUTCOME, with `…`. */
export function shortOutcome(text: string): string | null {
  const first = text.split('\n', 1)[0];
  if (first.length <= SHORT_OUTCOME && first === text) return null;
  if (first.length <= SHORT_OUTCOME) return `${first} …`;
  const cut = first.slice(0, SHORT_OUTCOME);
  const space = cut.lastIndexOf(' ');
  return `${space > SHORT_OUTCOME / 2 ? cut.slice(0, space) : cut}…`;
}

function withCommandOutcome(
  state: MonitorState,
  outcome: { ok: boolean; text: string },
  level: 'ok' | 'info' | 'error',
): MonitorState {
  // A long failure keeps the notice line to one short line; the whole text is one key away.
  const short = level === 'error' ? shortOutcome(outcome.text) : null;
  const notice = short
    ? {
        level,
        text: `${short} (enter: details)`,
        details: outcome.text,
        at: state.now,
        flash: true,
      }
    : { level, text: outcome.text, at: state.now, flash: true };
  return { ...state, ui: { ...state.ui, progress: null, notice } };
}

function appendEvents(
  state: MonitorState,
  add: readonly TailEvent[],
  receivedAt: number,
  history: boolean,
): MonitorState {
  if (add.length === 0) return state;
  const ev = state.events;
  const cap = Math.max(1, state.config.bufferSize);
  const overflow = Math.max(0, ev.buffer.length + add.length - cap);
  let buffer: readonly TailEvent[];
  if (overflow === 0) buffer = ev.buffer.concat(add);
  else if (overflow >= ev.buffer.length) buffer = add.slice(add.length - cap);
  else buffer = ev.buffer.slice(overflow).concat(add);
  // History (--since) is held and shown but did not arrive now: it does not count in events/s.
  let rate = ev.rate;
  if (!history) {
    const sec = Math.floor(receivedAt / 1000);
    const next: RateBucket[] = ev.rate.filter(
      (b) => b.sec > sec - RATE_WINDOW_SEC && b.sec !== sec,
    );
    const same = ev.rate.find((b) => b.sec === sec);
    next.push({ sec, count: (same?.count ?? 0) + add.length });
    rate = next;
  }
  return {
    ...state,
    events: {
      ...ev,
      buffer,
      firstSeq: ev.firstSeq + overflow,
      received: ev.received + add.length,
      dropped: ev.dropped + overflow,
      lastAt: receivedAt,
      rate,
    },
  };
}

type SnapshotMsg = Extract<MonitorMessage, { type: 'SnapshotReceived' }>;

function addedOf(s: StreamSnapshot): number {
  return s.entriesAdded ?? s.length;
}

function applySnapshot(state: MonitorState, msg: SnapshotMsg): MonitorState {
  const prev = state.snapshot.previous;
  const rates: Record<string, number | null> = {};
  const added: Record<string, number> = {};
  const dtSec = prev ? (msg.server.timeMs - prev.timeMs) / 1000 : 0;
  for (const s of msg.streams) {
    added[s.key] = addedOf(s);
    const before = prev?.added[s.key];
    rates[s.key] =
      before !== undefined && dtSec > 0 ? Math.max(0, added[s.key] - before) / dtSec : null;
  }
  let next: MonitorState = {
    ...state,
    snapshot: {
      at: msg.at,
      durationMs: msg.durationMs,
      roundTrips: msg.roundTrips,
      server: msg.server,
      streams: msg.streams,
      rates,
      previous: { timeMs: msg.server.timeMs, added },
      error: null,
      failedAt: null,
      lagHistory: recordSnapshot(state.snapshot.lagHistory, msg.streams, msg.server.timeMs, {
        estimates: msg.lagEstimates,
      }),
      lagEstimates: msg.lagEstimates ?? {},
      lagUncounted: msg.lagUncounted ?? {},
    },
  };
  // The pending pane opens on the group with most pending, and keeps following it until the
  // person picks one, or the one it shows has drained while another has not.
  const p = next.pending;
  if (p.auto) {
    const best = selectGroupsByPending(next)[0];
    const current =
      p.target &&
      selectGroupsByPending(next).find(
        (g) => g.stream === p.target!.stream && g.group === p.target!.group,
      );
    if (
      best &&
      (!current || (current.pending === 0 && best.pending > 0)) &&
      !sameTarget(p.target, { ...best, consumer: null })
    ) {
      next = {
        ...next,
        pending: retarget(p, next, { stream: best.stream, group: best.group, consumer: null }),
      };
      return next;
    }
  }
  // Keep the visible PEL page live: reload it with every snapshot, never overlapping.
  // A most-idle-first page of a big PEL costs a bounded scan (~100 ms for 50,000 entries):
  // refresh it every 5 s rather than with every snapshot.
  const slow =
    p.order === 'idle' &&
    p.scan !== null &&
    p.scan.examined > 10_000 &&
    p.loadedAt !== null &&
    msg.at - p.loadedAt < 5000;
  if (next.ui.pane === 'pending' && p.target && !p.loading && !slow) {
    next = { ...next, pending: requestPage(p, next, currentAfterId(p)) };
  }
  return next;
}
