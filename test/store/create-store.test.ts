import { describe, expect, it, vi } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import { createMonitorStore, type Timers } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import type { MonitorCommandsPort, MonitorQueriesPort } from '../../src/core/ports.js';
import { T0, events, pendingPage, triageSnapshot } from './build.js';

/** Timers a test advances by hand. */
function manualTimers() {
  let pending: { fn: () => void; at: number }[] = [];
  let t = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const h = { fn, at: t + ms };
      pending.push(h);
      return h;
    },
    clearTimeout: (h) => {
      pending = pending.filter((x) => x !== h);
    },
    setInterval: () => null,
    clearInterval: () => {},
  };
  return {
    timers,
    advance(ms: number) {
      t += ms;
      const due = pending.filter((x) => x.at <= t);
      pending = pending.filter((x) => x.at > t);
      for (const d of due) d.fn();
    },
  };
}

function fakePorts(readOnly = false) {
  const commands: MonitorCommandsPort = {
    readOnly,
    readOnlyReason: readOnly ? 'read-only mode' : null,
    run: vi.fn(async () => {}),
  };
  const queries: MonitorQueriesPort = {
    loadPendingPage: vi.fn(async () => {}),
    loadEntry: vi.fn(async () => {}),
  };
  return { commands, queries };
}

const K = 'alice:events:asset.discovered';

/** A store on hand-advanced timers, with a listener counting its setStates. */
function watchedStore() {
  const clock = manualTimers();
  const store = createMonitorStore({
    config: defaultConfig(),
    ...fakePorts(),
    timers: clock.timers,
    now: () => T0,
  });
  const listener = vi.fn();
  store.api.subscribe(listener);
  return { clock, store, listener };
}

describe('createMonitorStore', () => {
  it("draws a bulk action's progress at once, then at most once per tick (the newest); the outcome follows in order", () => {
    const { clock, store } = watchedStore();
    store.dispatch(triageSnapshot());
    store.dispatch(pendingPage(K, 'alice-main', 3));
    store.actions.selectPane('pending');
    store.actions.requestCommand('ack');
    store.actions.confirm();
    const progress = () => store.getState().ui.progress;
    expect(progress()).toMatchObject({ command: 'ack', done: 0 });
    const listener = vi.fn();
    store.api.subscribe(listener);
    const step = (done: number) =>
      store.dispatch({ type: 'CommandProgress', command: 'ack', done, total: 5000, at: T0 });
    step(1000);
    expect(progress()).toMatchObject({ done: 1000 }); // the first one at once
    step(2000);
    step(3000);
    expect(progress()).toMatchObject({ done: 1000 }); // held: no redraw per batch
    expect(listener).toHaveBeenCalledTimes(1);
    clock.advance(100);
    expect(progress()).toMatchObject({ done: 3000 }); // the newest, one redraw
    expect(listener).toHaveBeenCalledTimes(2);
    step(4000); // held again, then the outcome: applied in order, the bar cleared
    store.dispatch({
      type: 'CommandCompleted',
      command: 'ack',
      requested: 5000,
      affected: 5000,
      detail: 'acknowledged 5000 of 5000',
      at: T0,
    });
    expect(progress()).toBeNull();
    expect(store.getState().ui.notice?.text).toContain('acknowledged 5000 of 5000');
    clock.advance(100);
    expect(progress()).toBeNull(); // nothing stale redrawn after the outcome
  });

  it('batches EventsReceived into one setState per tick', () => {
    const { clock, store, listener } = watchedStore();
    for (let i = 0; i < 50; i++) store.dispatch(events(i * 10, 10));
    expect(listener).not.toHaveBeenCalled();
    clock.advance(99);
    expect(listener).not.toHaveBeenCalled();
    clock.advance(1);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().events.received).toBe(500);
    expect(store.getState().events.buffer[499].event?.data.n).toBe(499);
  });

  it('while live entries keep arriving, applies them every streamBatchMs (fewer frames); after a quiet spell, batchMs again', () => {
    const { clock, store, listener } = watchedStore();
    let n = 0;
    const arrive = () => store.dispatch(events((n += 10) - 10, 10));
    arrive();
    clock.advance(100); // the first batch after a quiet spell: batchMs
    expect(listener).toHaveBeenCalledTimes(1);
    // A stream: a batch from the tail every 100 ms for 1 s, applied 250 ms after the first of
    // each batch (at 350, 650, 950 ms): 3 redraws instead of 10.
    for (let t = 0; t < 10; t++) {
      arrive();
      clock.advance(100);
    }
    expect(listener).toHaveBeenCalledTimes(1 + 3);
    clock.advance(250);
    expect(listener).toHaveBeenCalledTimes(5);
    expect(store.getState().events.received).toBe(110);
    // History (and the sampler's frames) never wait longer than batchMs.
    store.dispatch({ ...events(200, 5), history: true });
    clock.advance(100);
    expect(listener).toHaveBeenCalledTimes(6);
    // Quiet for 2 × 250 ms: the next live entries show after batchMs again.
    clock.advance(500);
    arrive();
    clock.advance(100);
    expect(listener).toHaveBeenCalledTimes(7);
  });

  it('never merges history (--since) with live events: only live arrivals count in events/s', () => {
    const clock = manualTimers();
    const store = createMonitorStore({
      config: defaultConfig(),
      ...fakePorts(),
      timers: clock.timers,
      now: () => T0 + 1000,
    });
    store.dispatch({ ...events(0, 500), history: true });
    store.dispatch({ ...events(500, 500), history: true });
    store.dispatch(events(1000, 4)); // live: the history batch is applied first, on its own
    clock.advance(100);
    const s = store.getState();
    expect(s.events.received).toBe(1004);
    expect(s.events.buffer.map((e) => e.event?.data.n).slice(-5)).toEqual([
      999, 1000, 1001, 1002, 1003,
    ]);
    expect(s.events.rate).toEqual([{ sec: Math.floor(T0 / 1000), count: 4 }]);
  });

  it('applies queued events before any other message, in order', () => {
    const { clock, store, listener } = watchedStore();
    store.dispatch(events(0, 3));
    store.dispatch({ type: 'EventsMissed', count: 2, reason: 'trimmed' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().events.received).toBe(3);
    expect(store.getState().events.missed).toBe(2);
    clock.advance(200); // the cancelled batch timer does nothing
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('loads the PEL page the reducers ask for, once per request', () => {
    const ports = fakePorts();
    const store = createMonitorStore({
      config: defaultConfig(),
      ...ports,
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.dispatch(triageSnapshot());
    expect(ports.queries.loadPendingPage).toHaveBeenCalledTimes(1);
    expect(ports.queries.loadPendingPage).toHaveBeenCalledWith(K, 'alice-main', {
      afterId: null,
      count: 100,
      consumer: null,
      order: 'idle',
      offset: 0,
    });
    store.actions.selectPane('pending'); // already loading: no second call
    expect(ports.queries.loadPendingPage).toHaveBeenCalledTimes(1);
  });

  it('runs a confirmed ack through the commands port with the marked IDs', () => {
    const ports = fakePorts();
    const store = createMonitorStore({
      config: defaultConfig(),
      ...ports,
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.dispatch(triageSnapshot());
    store.actions.selectPane('pending');
    store.dispatch(pendingPage(K, 'alice-main', 3));
    store.actions.toggleMark();
    store.actions.toggleMark();
    store.actions.requestCommand('ack');
    expect(ports.commands.run).not.toHaveBeenCalled();
    const ids = selectLayer(store.getState(), 'confirm')!.ids;
    store.actions.confirm();
    store.actions.confirm(); // a second enter (the dialog is closed) does not run it twice
    expect(ports.commands.run).toHaveBeenCalledTimes(1);
    expect(ports.commands.run).toHaveBeenCalledWith(
      { kind: 'ack', stream: K, group: 'alice-main', ids },
      { signal: expect.any(AbortSignal) },
    );
    expect(ids.length).toBe(2);
  });

  it('runs claim with the chosen consumer, and loads a pending entry for the detail view', () => {
    const ports = fakePorts();
    const store = createMonitorStore({
      config: defaultConfig(),
      ...ports,
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.dispatch(triageSnapshot());
    store.actions.selectPane('pending');
    store.dispatch(pendingPage(K, 'alice-main', 1));
    store.actions.openSelected();
    expect(ports.queries.loadEntry).toHaveBeenCalledWith(K, `${T0 - 600_000}-0`);
    store.actions.moveCursor(3); // scrolls the detail view; no second load
    expect(ports.queries.loadEntry).toHaveBeenCalledTimes(1);
    store.actions.back();
    store.actions.requestCommand('claim');
    store.actions.editConsumer('rescuer');
    store.actions.confirm();
    store.actions.confirm();
    expect(ports.commands.run).toHaveBeenCalledWith(
      {
        kind: 'claim',
        stream: K,
        group: 'alice-main',
        consumer: 'rescuer',
        ids: [`${T0 - 600_000}-0`],
      },
      { signal: expect.any(AbortSignal) },
    );
  });

  it('a rejecting port still ends in a reported failure', async () => {
    const ports = fakePorts();
    ports.commands.run = vi.fn(async () => {
      throw Object.assign(new Error('boom'), { code: 'REDIS' });
    });
    const store = createMonitorStore({
      config: defaultConfig(),
      ...ports,
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.dispatch(triageSnapshot());
    store.actions.selectPane('pending');
    store.dispatch(pendingPage(K, 'alice-main', 1));
    store.actions.requestCommand('replay');
    store.actions.confirm();
    expect(selectLayer(store.getState(), 'confirm')).toBeNull(); // the dialog closed on confirm
    await vi.waitFor(() =>
      expect(store.getState().ui.notice).toMatchObject({
        level: 'error',
        text: 'replay failed: boom',
        flash: true,
      }),
    );
  });

  it('ignores messages after close', () => {
    const store = createMonitorStore({
      config: defaultConfig(),
      ...fakePorts(),
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.close();
    store.dispatch(triageSnapshot());
    expect(store.getState().snapshot.at).toBeNull();
  });

  it('after a command, copies what the port learned about permissions (a NOPERM reply) into the state', async () => {
    const { commands, queries } = fakePorts();
    const denied = new Set<'ack' | 'claim' | 'replay'>();
    const port = {
      ...commands,
      get deniedCommands() {
        return denied;
      },
      run: vi.fn(async () => {
        denied.add('claim');
      }),
    };
    const store = createMonitorStore({
      config: defaultConfig(),
      commands: port,
      queries,
      timers: manualTimers().timers,
      now: () => T0,
    });
    store.dispatch(triageSnapshot());
    store.act({ type: 'selectPane', pane: 'pending' });
    store.dispatch(pendingPage(K, 'alice-main', 2));
    store.act({ type: 'requestCommand', command: 'claim' });
    store.act({ type: 'editConsumer', text: 'w' });
    store.act({ type: 'confirm' });
    store.act({ type: 'confirm' });
    expect(port.run).toHaveBeenCalled();
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().config.deniedCommands).toEqual(['claim']);
    expect(store.getState().config.readOnly).toBe(false);
  });
});
