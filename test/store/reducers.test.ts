import { describe, expect, it } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import { reduce, reduceAll, SHORT_OUTCOME, shortOutcome } from '../../src/store/reducers.js';
import {
  selectActionIds,
  selectConnection,
  selectEventCursor,
  selectEventRows,
  selectEventsPerSec,
  selectNewWhilePaused,
  selectPendingCursor,
  selectPendingRows,
  selectSelectedEvent,
  selectSnapshotStale,
  selectStreamRows,
  eventAt,
} from '../../src/store/selectors.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { selectedIndex } from '../../src/store/list.js';
import { collectEffects } from '../../src/store/effects.js';
import type { StoreAction } from '../../src/store/actions.js';
import type { MonitorState, PendingRequest } from '../../src/store/state.js';
import { streamRowKey } from '../../src/ui/panes/streams-lag/model.js';
import {
  T0,
  ev,
  events,
  group,
  pendingPage,
  snapshot,
  state,
  stream,
  triageSnapshot,
} from './build.js';

const K = 'alice:events:asset.discovered';

/** Apply `actions`; also the PEL page they asked the store to load (the last one; null: none). */
function asking(s: MonitorState, ...actions: StoreAction[]): [MonitorState, PendingRequest | null] {
  const [next, effects] = collectEffects(() => reduceAll(s, actions));
  const pages = effects.flatMap((e) => (e.type === 'loadPendingPage' ? [e.request] : []));
  return [next, pages.at(-1) ?? null];
}

describe('events ring buffer', () => {
  it('history (--since) is held and counted as received, but not as arrivals per second', () => {
    const s = state({}, { ...events(0, 1000, 'a', T0), history: true }, events(1000, 6, 'a', T0), {
      type: 'tick',
      now: T0 + 1000,
    });
    expect(s.events.received).toBe(1006);
    expect(s.events.buffer.length).toBe(1006);
    expect(selectEventsPerSec(s)).toBe(3); // 6 live events over the last two seconds
  });

  it('appends in order and counts what it receives', () => {
    const s = state({}, events(0, 3), events(3, 2));
    expect(s.events.buffer.map((e) => e.id)).toEqual([0, 1, 2, 3, 4].map((n) => `${T0 + n}-0`));
    expect(s.events.received).toBe(5);
    expect(s.events.dropped).toBe(0);
  });

  it('keeps at most --buffer events, drops the oldest and counts them', () => {
    const s = state({ bufferSize: 4 }, events(0, 3), events(3, 3));
    expect(s.events.buffer.map((e) => e.event!.data.n)).toEqual([2, 3, 4, 5]);
    expect(s.events.firstSeq).toBe(2);
    expect(s.events.dropped).toBe(2);
    const big = reduce(s, events(10, 9));
    expect(big.events.buffer.map((e) => e.event!.data.n)).toEqual([15, 16, 17, 18]);
    expect(big.events.dropped).toBe(2 + 4 + 5);
    expect(big.events.firstSeq).toBe(big.events.received - 4);
  });

  it('an empty batch changes nothing', () => {
    const s = state({}, events(0, 2));
    expect(reduce(s, { type: 'EventsReceived', events: [], receivedAt: T0 })).toBe(s);
  });

  it('counts missed events separately and says why', () => {
    const s = state(
      {},
      { type: 'EventsMissed', count: 7, reason: 'trimmed before the tail read them' },
    );
    expect(s.events.missed).toBe(7);
    expect(s.ui.notice?.text).toMatch(/missed 7 events: trimmed/);
  });

  it('events/s averages the last two complete seconds', () => {
    const s = state(
      {},
      events(0, 10, undefined, T0 - 2000),
      events(10, 30, undefined, T0 - 1000),
      events(40, 99, undefined, T0),
    );
    expect(selectEventsPerSec({ ...s, now: T0 })).toBe(20);
  });
});

describe('pause, follow and cursor', () => {
  it('pausing freezes the list and counts new events', () => {
    let s = state({}, events(0, 3), { type: 'togglePause' }, events(3, 4));
    expect(selectEventRows(s).length).toBe(3);
    expect(selectNewWhilePaused(s)).toBe(4);
    s = reduce(s, { type: 'togglePause' });
    expect(selectEventRows(s).length).toBe(7);
    expect(selectNewWhilePaused(s)).toBe(0);
  });

  it('the paused view survives the ring evicting its events', () => {
    const s = state({ bufferSize: 3 }, events(0, 3), { type: 'togglePause' }, events(3, 10));
    expect(selectEventRows(s).buffer.map((e) => e.event!.data.n)).toEqual([0, 1, 2]);
    expect(selectNewWhilePaused(s)).toBe(10);
  });

  it('follows the newest event until the person moves up; G follows again', () => {
    let s = state({}, events(0, 5));
    expect(selectSelectedEvent(s)?.event?.data.n).toBe(4);
    s = reduce(s, { type: 'moveCursor', delta: -2 });
    expect(s.view.follow).toBe(false);
    s = reduce(s, events(5, 5));
    expect(selectSelectedEvent(s)?.event?.data.n).toBe(2); // anchored to the event, not the row
    s = reduce(s, { type: 'moveToEdge', edge: 'bottom' });
    expect(s.view.follow).toBe(true);
    expect(selectSelectedEvent(reduce(s, events(10, 1)))?.event?.data.n).toBe(10);
  });

  it('resuming after a pause follows the tail again, even after the detail view pinned the cursor', () => {
    // pause → enter (detail pins the cursor) → esc → p
    let s = state(
      {},
      events(0, 5),
      { type: 'togglePause' },
      { type: 'openSelected' },
      { type: 'back' },
      events(5, 3),
    );
    expect(s.view.follow).toBe(false);
    s = reduce(s, { type: 'togglePause' });
    expect(s.view).toMatchObject({ paused: null, follow: true });
    expect(selectSelectedEvent(s)?.event?.data.n).toBe(7);
    expect(selectSelectedEvent(reduce(s, events(8, 1)))?.event?.data.n).toBe(8);
  });

  it('g goes to the oldest held event', () => {
    const s = state({}, events(0, 5), { type: 'moveToEdge', edge: 'top' });
    expect(selectSelectedEvent(s)?.event?.data.n).toBe(0);
  });
});

describe('live filter', () => {
  const mixed = {
    type: 'EventsReceived' as const,
    receivedAt: T0,
    events: [
      ev(0, 'asset.discovered'),
      ev(1, 'project.created', { name: 'Holiday' }),
      ev(2, 'asset.processed'),
      ev(3, 'workflow.failed', { error: 'Timeout 42' }),
    ],
  };
  const types = (s: ReturnType<typeof state>) => {
    const rows = selectEventRows(s);
    return Array.from({ length: rows.length }, (_, i) => eventAt(rows, i).type);
  };

  it('plain text matches type, ID, source and field values, case-insensitively', () => {
    expect(types(state({}, mixed, { type: 'editFilter', text: 'holiday' }))).toEqual([
      'project.created',
    ]);
    expect(types(state({}, mixed, { type: 'editFilter', text: 'ASSET' }))).toEqual([
      'asset.discovered',
      'asset.processed',
    ]);
  });

  it('type: matches the event type, with * wildcards', () => {
    expect(types(state({}, mixed, { type: 'editFilter', text: 'type:asset.*' }))).toEqual([
      'asset.discovered',
      'asset.processed',
    ]);
    expect(types(state({}, mixed, { type: 'editFilter', text: 't:failed' }))).toEqual([
      'workflow.failed',
    ]);
  });

  it('/regex/ matches; a bad regex filters nothing and reports why', () => {
    expect(types(state({}, mixed, { type: 'editFilter', text: '/timeout \\d+/i' }))).toEqual([
      'workflow.failed',
    ]);
    const bad = state({}, mixed, { type: 'editFilter', text: '/([/' });
    expect(selectEventRows(bad).length).toBe(4);
    expect(selectEventRows(bad).filter.error).toMatch(/bad regex/);
  });

  it('new events are filtered as they arrive', () => {
    const s = state(
      {},
      mixed,
      { type: 'editFilter', text: 'type:asset' },
      events(10, 2, 'asset.organized'),
      events(12, 2, 'project.created'),
    );
    expect(types(s)).toEqual([
      'asset.discovered',
      'asset.processed',
      'asset.organized',
      'asset.organized',
    ]);
    expect(selectEventCursor(s)).toBe(3);
  });

  it('esc while editing restores the previous filter; esc afterwards clears it', () => {
    let s = state(
      {},
      mixed,
      { type: 'startFilter' },
      { type: 'editFilter', text: 'asset' },
      { type: 'commitFilter' },
    );
    s = reduceAll(s, [
      { type: 'startFilter' },
      { type: 'editFilter', text: 'zzz' },
      { type: 'back' },
    ]);
    expect(s.view.filter).toEqual({ text: 'asset' });
    expect(s.ui.layers).toEqual([]); // the filter line is closed
    expect(reduce(s, { type: 'back' }).view.filter.text).toBe('');
  });
});

describe('connection and snapshots', () => {
  it('reports the worst loop with attempt and reason', () => {
    const s = state(
      {},
      {
        type: 'ConnectionChanged',
        loop: 'tail',
        state: 'connected',
        attempt: 0,
        error: null,
        at: T0,
      },
      {
        type: 'ConnectionChanged',
        loop: 'poller',
        state: 'reconnecting',
        attempt: 3,
        error: { code: 'UNREACHABLE', message: 'connection refused' },
        at: T0,
      },
    );
    expect(selectConnection(s)).toEqual({
      state: 'reconnecting',
      loop: 'poller',
      attempt: 3,
      reason: 'connection refused',
    });
  });

  it("each loop's success clears its own state: a tail receiving again is not reported with the poller's error", () => {
    const away = (loop: 'tail' | 'poller', attempt: number, message: string) => ({
      type: 'ConnectionChanged' as const,
      loop,
      state: 'reconnecting' as const,
      attempt,
      error: { code: 'UNREACHABLE' as const, message },
      at: T0,
    });
    let s = state({}, away('tail', 5, 'tail refused'), away('poller', 2, 'poller refused'));
    expect(selectConnection(s)).toMatchObject({ state: 'reconnecting', loop: 'both' });
    // The tail reads events again (before or without its own 'connected' message).
    s = reduce(s, events(0, 3, 'a', T0 + 100));
    expect(s.connection.tail).toMatchObject({ state: 'connected', attempt: 0, error: null });
    expect(selectConnection(s)).toEqual({
      state: 'reconnecting',
      loop: 'poller',
      attempt: 2,
      reason: 'poller refused',
    });
    // Then a snapshot succeeds: all clear.
    s = reduce(s, triageSnapshot(T0 + 200));
    expect(selectConnection(s)).toEqual({
      state: 'connected',
      loop: null,
      attempt: 0,
      reason: null,
    });
    // The tail's attempt count and reason never leak into the poller's state.
    s = reduce(s, away('tail', 1, 'tail timeout'));
    expect(selectConnection(s)).toEqual({
      state: 'reconnecting',
      loop: 'tail',
      attempt: 1,
      reason: 'tail timeout',
    });
  });

  it('computes ingest rate per stream from entriesAdded deltas (server clock)', () => {
    const s = state(
      {},
      snapshot([stream(K, { entriesAdded: 100 })], T0, T0),
      snapshot(
        [stream(K, { entriesAdded: 350 }), stream('alice:events:new', { entriesAdded: 5 })],
        T0 + 1000,
        T0 + 2000,
      ),
    );
    expect(s.snapshot.rates[K]).toBe(125);
    expect(s.snapshot.rates['alice:events:new']).toBeNull();
  });

  it('marks the snapshot stale while the poller is away, and fresh again after a new snapshot', () => {
    const connected = {
      type: 'ConnectionChanged' as const,
      loop: 'poller' as const,
      state: 'connected' as const,
      attempt: 0,
      error: null,
      at: T0,
    };
    let s = state({}, connected, triageSnapshot());
    expect(selectSnapshotStale(s)).toBe(false);
    s = reduce(s, {
      type: 'SnapshotFailed',
      at: T0 + 1000,
      error: { code: 'UNREACHABLE', message: 'refused' },
    });
    expect(selectSnapshotStale(s)).toBe(true);
    expect(s.snapshot.streams.length).toBe(3); // keeps what it showed
    s = reduceAll(s, [connected, triageSnapshot(T0 + 2000)]);
    expect(selectSnapshotStale(s)).toBe(false);
  });
});

describe('pending entries', () => {
  it('opens on the group with most pending and asks for its first page', () => {
    const [s, asked] = asking(state(), triageSnapshot());
    expect(s.pending.target).toEqual({ stream: K, group: 'alice-main', consumer: null });
    expect(asked).toEqual({
      stream: K,
      group: 'alice-main',
      consumer: null,
      afterId: null,
      count: 100,
      order: 'idle',
      offset: 0,
    });
    expect(s.pending.loading).toBe(true);
  });

  it('shows a page most idle first and ignores pages for another target', () => {
    let s = state({}, triageSnapshot(), pendingPage('alice:events:other', 'g', 5));
    expect(s.pending.entries).toEqual([]);
    s = reduce(s, pendingPage(K, 'alice-main', 3));
    expect(selectPendingRows(s).map((e) => e.idleMs)).toEqual([3000, 2000, 1000]);
    expect(s.pending.loading).toBe(false);
  });

  it('space marks and moves down; actions apply to marks, else to the selected entry', () => {
    let s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 3),
    );
    const rows = selectPendingRows(s);
    expect(selectActionIds(s)).toEqual([rows[0].id]);
    s = reduceAll(s, [{ type: 'toggleMark' }, { type: 'toggleMark' }]);
    expect(s.pending.marks).toEqual([rows[0].id, rows[1].id]);
    expect(selectPendingCursor(s)).toBe(2);
    expect(selectActionIds(s)).toEqual([rows[0].id, rows[1].id]);
  });

  it('a refreshed page drops marks of entries no longer pending', () => {
    let s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 3),
    );
    s = reduce(s, { type: 'toggleMark' }); // the most idle: index 2 of the page
    expect(s.pending.marks.length).toBe(1);
    s = reduce(s, pendingPage(K, 'alice-main', 2)); // the entry with most idle (index 2) is gone
    expect(s.pending.marks).toEqual([]);
  });

  it('reloads the visible page with each snapshot, never overlapping a load in flight', () => {
    let [s, asked] = asking(state(), triageSnapshot(), { type: 'selectPane', pane: 'pending' });
    expect(asked).toMatchObject({ stream: K, group: 'alice-main' });
    [s, asked] = asking(s, triageSnapshot(T0 + 1000));
    expect(asked).toBeNull(); // still loading: no second request
    [s, asked] = asking(s, pendingPage(K, 'alice-main', 3), triageSnapshot(T0 + 2000));
    expect(asked).toMatchObject({ stream: K, group: 'alice-main', afterId: null, offset: 0 });
    expect(s.pending.loading).toBe(true);
  });

  it('most idle first across the whole PEL, page by page: page n asks for the entries after the n × page-size more idle ones', () => {
    let s = state(
      { pageSize: 3 },
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      { ...pendingPage(K, 'alice-main', 3), hasMore: true },
    );
    expect(s.pending.order).toBe('idle');
    let asked: PendingRequest | null;
    [s, asked] = asking(s, { type: 'changePage', delta: 1 });
    expect(asked).toMatchObject({ order: 'idle', offset: 3, count: 3, afterId: null });
    [s, asked] = asking(
      s,
      { ...pendingPage(K, 'alice-main', 1), hasMore: false },
      { type: 'changePage', delta: 1 },
    );
    expect(s.ui.notice?.text).toBe('no more pending entries (this is the last page)');
    expect(asked).toBeNull(); // nothing new asked for
    [s, asked] = asking(s, { type: 'changePage', delta: -1 });
    expect(asked).toMatchObject({ order: 'idle', offset: 0 });
  });

  it('n on the last page of an approximate ordering says where the search stopped', () => {
    const partial = {
      ...pendingPage(K, 'alice-main', 3),
      scan: { examined: 50_000, complete: false, limit: 50_000 },
    };
    const s = state({}, triageSnapshot(), { type: 'selectPane', pane: 'pending' }, partial, {
      type: 'changePage',
      delta: 1,
    });
    expect(s.ui.notice?.text).toBe(
      'no more pages among the first 50,000 entries searched (o: ID order reaches the rest)',
    );
  });

  it('o switches to ID order: pages after the highest ID of the page and back again; a late page of the other order is ignored', () => {
    let [s, asked] = asking(
      state({}, triageSnapshot(), { type: 'selectPane', pane: 'pending' }),
      pendingPage(K, 'alice-main', 3),
      { type: 'togglePendingOrder' },
    );
    expect(s.pending).toMatchObject({ order: 'id', entries: [] });
    expect(asked).toMatchObject({ order: 'id', afterId: null, offset: 0 });
    s = reduce(s, pendingPage(K, 'alice-main', 3)); // asked for most idle first, arrives late
    expect(s.pending.entries).toEqual([]);
    const byId = (n: number) => ({
      ...pendingPage(K, 'alice-main', n),
      order: 'id' as const,
      scan: undefined,
    });
    s = reduce(s, { ...byId(3), hasMore: true });
    expect(selectPendingRows(s).map((e) => e.idleMs)).toEqual([1000, 2000, 3000]); // ID order, as read
    [s, asked] = asking(s, { type: 'changePage', delta: 1 });
    expect(asked?.afterId).toBe(`${T0 - 600_000 + 2}-0`);
    s = reduceAll(s, [
      { ...byId(1), hasMore: false },
      { type: 'changePage', delta: 1 },
    ]);
    expect(s.ui.notice?.text).toBe('no more pending entries (this is the last page)');
    [s, asked] = asking(s, { type: 'changePage', delta: -1 });
    expect(asked).toMatchObject({ order: 'id', afterId: null });
    [s, asked] = asking(s, { type: 'togglePendingOrder' });
    expect(asked).toMatchObject({ order: 'idle', offset: 0 });
  });

  it('[ and ] pick another stream/group with pending entries (skipping those with none); the choice sticks', () => {
    // Only asset.discovered has pending entries: project.created (0 pending) is skipped.
    let s = state({}, triageSnapshot(), { type: 'cycleGroup', delta: 1 });
    expect(s.pending.target).toEqual({ stream: K, group: 'alice-main', consumer: null });
    expect(s.pending.auto).toBe(false);
    s = reduce(s, triageSnapshot(T0 + 1000));
    expect(s.pending.target?.stream).toBe(K);
  });

  it('enter on a consumer in the groups pane shows its pending entries', () => {
    const [s, asked] = asking(
      state({}, triageSnapshot(), { type: 'selectPane', pane: 'groups' }),
      { type: 'moveCursor', delta: 1 },
      { type: 'openSelected' },
    );
    expect(s.ui.pane).toBe('pending');
    expect(s.pending.target).toEqual({ stream: K, group: 'alice-main', consumer: 'worker-1' });
    expect(asked?.consumer).toBe('worker-1');
    expect(reduce(s, { type: 'back' }).pending.target?.consumer).toBeNull();
  });

  it('enter on a pending entry asks for the full entry', () => {
    const s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 2),
      { type: 'openSelected' },
    );
    expect(selectLayer(s, 'detail')).toMatchObject({
      kind: 'entry',
      stream: K,
      id: selectPendingRows(s)[0].id,
      loading: true,
    });
    const loaded = reduce(s, {
      type: 'EntryLoaded',
      stream: K,
      id: selectPendingRows(s)[0].id,
      fields: { a: '1' },
      event: null,
      at: T0,
    });
    expect(selectLayer(loaded, 'detail')).toMatchObject({ loading: false, fields: { a: '1' } });
  });
});

describe('commands and confirmation', () => {
  const ready = () =>
    state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 3),
    );

  it('ack asks for confirmation naming how many entries, then runs', () => {
    const s = reduceAll(ready(), [
      { type: 'toggleMark' },
      { type: 'toggleMark' },
      { type: 'requestCommand', command: 'ack' },
    ]);
    expect(selectLayer(s, 'confirm')).toMatchObject({
      command: 'ack',
      stream: K,
      group: 'alice-main',
      step: 'confirm',
    });
    expect(selectLayer(s, 'confirm')?.ids.length).toBe(2);
    const [after, effects] = collectEffects(() => reduce(s, { type: 'confirm' }));
    // The dialog closes; the command is an effect; progress is a flash that takes no key.
    expect(selectLayer(after, 'confirm')).toBeNull();
    expect(effects).toEqual([
      {
        type: 'runCommand',
        request: {
          kind: 'ack',
          stream: K,
          group: 'alice-main',
          ids: selectLayer(s, 'confirm')!.ids,
        },
      },
    ]);
    expect(after.ui.notice).toMatchObject({ text: 'Acknowledging 2 entries…', flash: true });
  });

  it('n / esc cancels before anything runs', () => {
    const s = reduceAll(ready(), [{ type: 'requestCommand', command: 'replay' }, { type: 'back' }]);
    expect(selectLayer(s, 'confirm')).toBeNull();
  });

  it('claim first asks for the target consumer (pick with arrows or type)', () => {
    let s = reduce(ready(), { type: 'requestCommand', command: 'claim' });
    // The selected entry belongs to worker-1: the default target is another consumer.
    expect(selectPendingRows(s)[selectPendingCursor(s)].consumer).toBe('worker-1');
    expect(selectLayer(s, 'confirm')).toMatchObject({
      step: 'consumer',
      consumer: 'worker-2',
      consumerChoices: ['worker-1', 'worker-2'],
    });
    s = reduce(s, { type: 'moveCursor', delta: 1 });
    expect(selectLayer(s, 'confirm')?.consumer).toBe('worker-1');
    s = reduceAll(s, [{ type: 'editConsumer', text: '  rescue  ' }, { type: 'confirm' }]);
    expect(selectLayer(s, 'confirm')).toMatchObject({ step: 'confirm', consumer: 'rescue' });
    const [, effects] = collectEffects(() =>
      reduce(reduce(s, { type: 'editConsumer', text: '' }), { type: 'confirm' }),
    );
    expect(effects.map((e) => e.type === 'runCommand' && e.request.consumer)).toEqual(['rescue']);
  });

  it('claim defaults to the most recently active consumer other than the owner', () => {
    const consumers = [
      { name: 'owner', pending: 3, idleMs: 10, inactiveMs: 10 },
      { name: 'stale', pending: 0, idleMs: 50, inactiveMs: 900_000 },
      { name: 'busy', pending: 0, idleMs: 200, inactiveMs: 300 },
    ];
    const snap = snapshot([
      stream(K, {
        length: 10,
        groups: [group('alice-main', { pending: 3, consumerList: consumers })],
      }),
    ]);
    const page = {
      ...pendingPage(K, 'alice-main', 3),
      entries: pendingPage(K, 'alice-main', 3).entries.map((e) => ({ ...e, consumer: 'owner' })),
    };
    let s = reduceAll(state({}, snap, { type: 'selectPane', pane: 'pending' }, page), [
      { type: 'requestCommand', command: 'claim' },
    ]);
    expect(selectLayer(s, 'confirm')?.consumer).toBe('busy');
    s = reduce(s, { type: 'moveCursor', delta: 1 });
    expect(selectLayer(s, 'confirm')?.consumer).toBe('owner'); // still changeable: the list order, wrapping
    // Only the owner exists: no default (type a name).
    const alone = snapshot([
      stream(K, {
        length: 10,
        groups: [group('alice-main', { pending: 3, consumerList: [consumers[0]] })],
      }),
    ]);
    expect(
      selectLayer(
        reduceAll(state({}, alone, { type: 'selectPane', pane: 'pending' }, page), [
          { type: 'requestCommand', command: 'claim' },
        ]),
        'confirm',
      )?.consumer,
    ).toBe('');
  });

  it('an empty consumer name cannot be confirmed', () => {
    const s = reduceAll(ready(), [
      { type: 'requestCommand', command: 'claim' },
      { type: 'editConsumer', text: '   ' },
      { type: 'confirm' },
    ]);
    expect(selectLayer(s, 'confirm')?.step).toBe('consumer');
  });

  it('reports the outcome, clears marks and reloads the page', () => {
    const confirmed = reduceAll(ready(), [
      { type: 'toggleMark' },
      { type: 'requestCommand', command: 'ack' },
      { type: 'confirm' },
    ]);
    const [s, asked] = asking(confirmed, {
      type: 'CommandCompleted',
      command: 'ack',
      requested: 1,
      affected: 1,
      detail: 'acknowledged 1 of 1 entries',
      at: T0,
    });
    expect(selectLayer(s, 'confirm')).toBeNull();
    expect(s.ui.notice).toMatchObject({
      level: 'ok',
      text: 'acknowledged 1 of 1 entries',
      flash: true,
    });
    expect(s.pending.marks).toEqual([]);
    expect(asked).toMatchObject({ stream: K, group: 'alice-main' }); // the page is reloaded
    // The flash stays while time passes, and goes with the next key.
    expect(reduce(s, { type: 'tick', now: T0 + 60_000 }).ui.notice?.flash).toBe(true);
    expect(reduce(s, { type: 'moveCursor', delta: 1 }).ui.notice).toBeNull();
  });

  it('after an ack or claim the cursor stays on the same entry, or the next one when it is gone', () => {
    // Rows most idle first: ids …+4, +3, +2, +1, +0 (pendingPage(…, 5)).
    let s = reduceAll(ready(), [
      pendingPage(K, 'alice-main', 5),
      { type: 'moveToEdge', edge: 'top' },
      { type: 'moveCursor', delta: 2 },
    ]);
    const rows = selectPendingRows(s);
    const page = (keep: (id: string) => boolean) => ({
      ...pendingPage(K, 'alice-main', 5),
      entries: pendingPage(K, 'alice-main', 5).entries.filter((e) => keep(e.id)),
    });
    // An entry above the cursor was acked: the row number changes, the entry does not.
    s = reduce(
      s,
      page((id) => id !== rows[0].id),
    );
    expect(selectPendingRows(s)[selectPendingCursor(s)].id).toBe(rows[2].id);
    // The selected entry itself was claimed away: the next one.
    s = reduce(
      s,
      page((id) => id !== rows[0].id && id !== rows[2].id),
    );
    expect(selectPendingRows(s)[selectPendingCursor(s)].id).toBe(rows[3].id);
    // Nothing after it left: the one before it.
    s = reduce(
      s,
      page((id) => id === rows[1].id),
    );
    expect(selectPendingRows(s)[selectPendingCursor(s)].id).toBe(rows[1].id);
  });

  it('a new dialog clears the last outcome from the notice line', () => {
    let s = reduceAll(ready(), [{ type: 'requestCommand', command: 'ack' }, { type: 'confirm' }]);
    s = reduceAll(s, [
      {
        type: 'CommandCompleted',
        command: 'ack',
        requested: 1,
        affected: 1,
        detail: 'acknowledged 1 of 1 entries',
        at: T0,
      },
    ]);
    expect(s.ui.notice?.text).toBe('acknowledged 1 of 1 entries');
    expect(reduce(s, { type: 'requestCommand', command: 'claim' }).ui.notice).toBeNull();
    expect(reduce(s, { type: 'openPicker' }).ui.notice).toBeNull();
  });

  it('reports a failure', () => {
    const s = reduceAll(ready(), [
      { type: 'requestCommand', command: 'ack' },
      { type: 'confirm' },
      {
        type: 'CommandFailed',
        command: 'ack',
        requested: 1,
        error: { code: 'NOPERM', message: 'no XACK' },
        at: T0,
      },
    ]);
    expect(selectLayer(s, 'confirm')).toBeNull();
    expect(s.ui.notice).toMatchObject({ level: 'error', text: 'ack failed: no XACK', flash: true });
    expect(s.ui.notice?.details).toBeUndefined();
  });

  it('a long failure keeps a short line in the notice line and the whole text as its details', () => {
    const message =
      'NOPERM User alice has no permissions to run the xack command on key alice:events:asset.discovered\nsecond line';
    const s = reduceAll(ready(), [
      { type: 'requestCommand', command: 'ack' },
      { type: 'confirm' },
      {
        type: 'CommandFailed',
        command: 'ack',
        requested: 1,
        error: { code: 'NOPERM', message },
        at: T0,
      },
    ]);
    const n = s.ui.notice!;
    expect(n).toMatchObject({ level: 'error', flash: true, details: `ack failed: ${message}` });
    expect(n.text).toBe(
      'ack failed: NOPERM User alice has no permissions to run the… (enter: details)',
    );
    expect(n.text.length).toBeLessThanOrEqual(SHORT_OUTCOME + ' (enter: details)'.length);
    // A long success is not cut: only failures (and partial outcomes) get the short line.
    const ok = reduce(s, {
      type: 'CommandCompleted',
      command: 'ack',
      requested: 1,
      affected: 1,
      detail: `acknowledged 1 of 1 in ${'very-long-stream-name.'.repeat(4)} / workers`,
      at: T0,
    });
    expect(ok.ui.notice?.details).toBeUndefined();
    expect(shortOutcome('short')).toBeNull();
    expect(shortOutcome('two\nlines')).toBe('two …');
  });

  it('read-only refuses to open a mutation and says why', () => {
    const s = reduceAll(
      state(
        { readOnly: true, readOnlyReason: 'read-only mode (--read-only)' },
        triageSnapshot(),
        { type: 'selectPane', pane: 'pending' },
        pendingPage(K, 'alice-main', 2),
      ),
      [{ type: 'requestCommand', command: 'ack' }],
    );
    expect(selectLayer(s, 'confirm')).toBeNull();
    expect(s.ui.notice).toMatchObject({
      level: 'error',
      text: 'ack refused: read-only mode (--read-only)',
    });
  });
});

describe('stream/group picker (pane 3)', () => {
  it('opens on the group shown now, moves by key, enter shows the pick, esc keeps the current one', () => {
    let s = state({}, triageSnapshot(), { type: 'selectPane', pane: 'pending' });
    expect(s.pending.target).toMatchObject({ stream: K, group: 'alice-main' });
    s = reduce(s, { type: 'openPicker' });
    expect(selectLayer(s, 'picker')).toEqual({ stream: K, group: 'alice-main' });
    s = reduce(s, { type: 'moveCursor', delta: 1 });
    expect(selectLayer(s, 'picker')).toEqual({
      stream: 'alice:events:project.created',
      group: 'alice-main',
    });
    expect(selectLayer(reduce(s, { type: 'moveCursor', delta: 5 }), 'picker')).toEqual(
      selectLayer(s, 'picker'),
    ); // clamped
    expect(selectLayer(reduce(s, { type: 'back' }), 'picker')).toBeNull();
    expect(reduce(s, { type: 'back' }).pending.target?.stream).toBe(K);
    const [picked, asked] = asking(s, { type: 'openSelected' });
    expect(selectLayer(picked, 'picker')).toBeNull();
    expect(picked.ui.pane).toBe('pending');
    expect(picked.pending).toMatchObject({
      auto: false,
      target: { stream: 'alice:events:project.created', group: 'alice-main', consumer: null },
    });
    expect(asked).toMatchObject({ stream: 'alice:events:project.created', afterId: null });
  });

  it('keeps the highlighted pair while a new snapshot reorders the list; says so when there is nothing to pick', () => {
    let s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      { type: 'openPicker' },
      { type: 'moveCursor', delta: 1 },
    );
    s = reduce(
      s,
      snapshot([
        stream('alice:events:project.created', { groups: [group('alice-main', { pending: 9 })] }),
        stream(K, { groups: [group('alice-main', { pending: 1 })] }),
      ]),
    );
    expect(selectLayer(s, 'picker')).toEqual({
      stream: 'alice:events:project.created',
      group: 'alice-main',
    });
    s = reduce(s, { type: 'moveCursor', delta: 1 });
    expect(selectLayer(s, 'picker')?.stream).toBe(K);
    expect(reduce(state({}), { type: 'openPicker' }).ui.notice?.text).toBe(
      'no consumer groups under this prefix',
    );
  });
});

describe('selection by identity', () => {
  it('pane 1 keeps the selected event by entry ID: through arrivals, a filter that hides it and back, and eviction', () => {
    const mix = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        events(from + i, 1, i % 2 ? 'project.created' : 'asset.discovered'),
      );
    let s = state({ bufferSize: 8 }, ...mix(0, 6), { type: 'moveCursor', delta: -3 });
    const picked = selectSelectedEvent(s)!;
    expect(picked.id).toBe(ev(2).id);
    expect(s.view.selected).toEqual({ id: picked.id, seq: 2 });
    // Arrivals do not move it.
    s = reduceAll(s, mix(6, 2));
    expect(selectSelectedEvent(s)?.id).toBe(picked.id);
    // A filter that hides it selects the neighbour before it; clearing the filter finds it again.
    s = reduce(s, { type: 'editFilter', text: 'type:project.created' });
    expect(selectSelectedEvent(s)?.id).toBe(ev(1).id);
    s = reduce(s, { type: 'editFilter', text: '' });
    expect(selectSelectedEvent(s)?.id).toBe(picked.id);
    // Evicted from the ring (bufferSize 8): the neighbour is the oldest event held.
    s = reduceAll(s, mix(8, 3));
    expect(s.events.buffer[0].id).toBe(ev(3).id);
    expect(selectSelectedEvent(s)?.id).toBe(ev(3).id);
    // The lookup is by ID, not by the remembered position: a wrong position still finds it.
    s = { ...s, view: { ...s.view, selected: { id: ev(5).id, seq: 0 } } };
    expect(selectSelectedEvent(s)?.id).toBe(ev(5).id);
  });

  it('pane 2 keeps the selected stream/group while a snapshot re-sorts the rows under it', () => {
    let s = state({}, triageSnapshot(), { type: 'selectPane', pane: 'streams' });
    const rows = selectStreamRows(s);
    s = reduce(s, { type: 'moveCursor', delta: 1 });
    const picked = rows[1];
    // The next snapshot makes another group the worst: the rows re-sort.
    const worse = snapshot([
      stream('alice:events:zzz', {
        length: 10,
        groups: [group('g', { pending: 9, lag: 99_000, consumerList: [] })],
      }),
      ...(triageSnapshot() as Extract<MonitorMessage, { type: 'SnapshotReceived' }>).streams,
    ]);
    s = reduce(s, worse);
    const after = selectStreamRows(s);
    expect(after[0].key).toBe('alice:events:zzz');
    const i = selectedIndex(after, streamRowKey, s.ui.selected.streams);
    expect([after[i].key, after[i].group]).toEqual([picked.key, picked.group]);
    expect(i).not.toBe(1);
  });
});

describe('] / [ and the picker under the help', () => {
  it('] pressed N times over N groups with pending entries shows each exactly once, while counts reorder them', () => {
    const groups = Array.from({ length: 20 }, (_, i) => `g${String(i).padStart(2, '0')}`);
    const snap = (seed: number) =>
      snapshot([
        stream(K, {
          length: 100,
          groups: [
            ...groups.map((g, i) =>
              group(g, {
                pending: 1 + ((i * 7 + seed) % 20),
                lag: (i * 13 + seed) % 50,
                consumerList: [],
              }),
            ),
            group('idle', { pending: 0, consumerList: [] }),
          ],
        }),
      ]);
    let s = state({}, snap(0), { type: 'selectPane', pane: 'pending' });
    const seen: string[] = [];
    for (let n = 0; n < groups.length; n++) {
      s = reduceAll(s, [{ type: 'cycleGroup', delta: 1 }, snap(n + 1)]); // re-sorts every time
      seen.push(s.pending.target!.group);
    }
    expect([...seen].sort()).toEqual(groups);
    expect(seen).not.toContain('idle');
    // [ walks back the same way.
    s = reduce(s, { type: 'cycleGroup', delta: -1 });
    expect(s.pending.target!.group).toBe(seen[seen.length - 2]);
  });

  it('picker open, then ?: j scrolls the help, not the hidden picker', () => {
    let s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      { type: 'openPicker' },
    );
    const picked = selectLayer(s, 'picker');
    s = reduceAll(s, [{ type: 'toggleHelp' }, { type: 'moveCursor', delta: 1 }]);
    expect(selectLayer(s, 'help')?.scroll).toBe(1);
    expect(selectLayer(s, 'picker')).toEqual(picked);
  });
});
