import { describe, expect, it, vi } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import type { MonitorActions } from '../../src/store/create-store.js';
import type { MonitorState } from '../../src/store/state.js';
import {
  keymap,
  activeContext,
  footerHints,
  handleInput,
  handleKey,
  keyName,
  renderKeyTableMarkdown,
  resolveBinding,
  type InkKey,
  type KeyContext,
} from '../../src/ui/keymap.js';
import { pendingPage, state, triageSnapshot, events, ev } from '../store/build.js';
import { reduceAll } from '../../src/store/reducers.js';
import type { StoreAction } from '../../src/store/actions.js';
import { createMonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';

const K = 'alice:events:asset.discovered';

function fakeActions(): MonitorActions & { calls: string[] } {
  const calls: string[] = [];
  const names = [
    'selectPane',
    'cyclePane',
    'moveCursor',
    'moveToEdge',
    'togglePause',
    'startFilter',
    'cycleSort',
    'copySelected',
    'exportRows',
    'editFilter',
    'commitFilter',
    'openSelected',
    'back',
    'toggleHelp',
    'openLayer',
    'toggleMark',
    'requestCommand',
    'editConsumer',
    'confirm',
    'cancel',
    'changePage',
    'togglePendingOrder',
    'cycleGroup',
    'openPicker',
    'openLayer',
    'history',
    'replay',
    'notify',
    'quit',
    'cancelCommand',
    'openCommandLine',
    'editCommandLine',
    'completeCommandLine',
    'walkCommandHistory',
    'submitCommandLine',
  ];
  const a: Record<string, unknown> = { calls };
  for (const n of names)
    a[n] = vi.fn((...args: unknown[]) =>
      calls.push(args.length ? `${n}(${args.map((x) => JSON.stringify(x)).join(',')})` : n),
    );
  return a as unknown as MonitorActions & { calls: string[] };
}

/** Ink's key object for a key name (the inverse of keyName). */
function inkKey(name: string): [string, InkKey] {
  const special: Record<string, InkKey> = {
    enter: { return: true },
    esc: { escape: true },
    tab: { tab: true },
    'shift+tab': { tab: true, shift: true },
    up: { upArrow: true },
    down: { downArrow: true },
    pgup: { pageUp: true },
    pgdn: { pageDown: true },
    home: { home: true },
    end: { end: true },
  };
  if (name === 'ctrl+c') return ['c', { ctrl: true }];
  if (name === 'space') return [' ', {}];
  if (name === 'any key') return ['z', {}];
  return special[name] ? ['', special[name]] : [name, {}];
}

const toConfirm = (command: 'ack' | 'claim' | 'replay') =>
  [
    triageSnapshot(),
    { type: 'selectPane', pane: 'pending' },
    pendingPage(K, 'alice-main', 3),
    { type: 'requestCommand', command },
  ] as const;

const pendingReady = (o = {}) =>
  state(
    o,
    triageSnapshot(),
    { type: 'selectPane', pane: 'pending' },
    pendingPage(K, 'alice-main', 3),
  );

/** A state in which `ctx` receives keys. */
/** The history view over pane 2 with a page loaded and a range marked (v … v). */
function historyWithRange(): MonitorState {
  return state(
    {},
    triageSnapshot(),
    { type: 'selectPane', pane: 'streams' },
    { type: 'history', op: { kind: 'open', stream: 'asset.discovered', key: K } },
    {
      type: 'HistoryPageReceived',
      request: { key: K, anchor: { kind: 'newest' }, count: 200, seq: 1 },
      entries: [ev(1), ev(2), ev(3)],
      hasOlder: false,
      hasNewer: false,
      at: 0,
    },
    { type: 'history', op: { kind: 'range' } },
    { type: 'moveCursor', delta: -2 },
    { type: 'history', op: { kind: 'range' } },
  );
}

const reduceAllFrom = (s: MonitorState, ...actions: StoreAction[]) => reduceAll(s, actions);

function stateFor(ctx: KeyContext): MonitorState {
  const base = pendingReady();
  switch (ctx) {
    case 'global':
    case 'events':
      return state({}, events(0, 3));
    case 'streams':
    case 'groups':
    case 'pending':
      return { ...base, ui: { ...base.ui, pane: ctx } };
    case 'detail':
      return state({}, events(0, 3), { type: 'openSelected' });
    case 'filter':
      return state({}, { type: 'startFilter' });
    case 'confirm':
      return state(
        {},
        triageSnapshot(),
        { type: 'selectPane', pane: 'pending' },
        pendingPage(K, 'alice-main', 3),
        { type: 'requestCommand', command: 'ack' },
      );
    case 'help':
      return state({}, { type: 'toggleHelp' });
    case 'history':
      return historyWithRange();
    case 'replay':
      return reduceAllFrom(historyWithRange(), { type: 'replay', op: { kind: 'open' } });
    case 'replay-progress': {
      // A replay running (paused, so `.` steps) with the history view over the pane.
      const h = historyWithRange();
      return {
        ...h,
        ui: {
          ...h.ui,
          progress: {
            command: 'replay-range',
            total: 10,
            done: 1,
            startedAt: 0,
            at: 0,
            cancelling: false,
            paused: true,
          },
        },
      };
    }
    case 'command':
      return state({}, triageSnapshot(), { type: 'openCommandLine' });
    case 'deadletters':
      return state(
        {},
        triageSnapshot(),
        { type: 'selectPane', pane: 'deadletters' },
        {
          type: 'DeadLettersLoaded',
          rows: [
            {
              dlqKey: 'alice:events:dlq:asset.discovered',
              id: '1763999400000-0',
              originalStream: K,
              originalId: '1763999300000-0',
              group: 'alice-main',
              consumer: 'worker-1',
              deliveries: 5,
              reason: 'poison',
              summary: 'event={}',
              tombstone: false,
            },
          ],
          truncated: [],
          at: 0,
        },
      );
    case 'notice':
      return {
        ...base,
        ui: {
          ...base.ui,
          notice: { level: 'error', text: 'x…', details: 'x y', at: 0, flash: true },
        },
      };
    case 'outcome':
      return state(
        {},
        { type: 'openLayer', layer: { id: 'outcome', data: { text: 'x', scroll: 0 } } },
      );
    case 'picker':
      return state(
        {},
        triageSnapshot(),
        { type: 'selectPane', pane: 'pending' },
        { type: 'openPicker' },
      );
  }
  throw new Error(`no state for context ${ctx}`);
}

describe('keymap', () => {
  it('every key of every binding reaches that binding in its context, and runs', () => {
    for (const b of keymap()) {
      const s = stateFor(b.pane);
      // 'notice' is not a layer: its keys come first over the pane while a long failure shows.
      expect(
        activeContext(s) === b.pane || ['global', 'notice', 'replay-progress'].includes(b.pane),
      ).toBe(true);
      for (const k of b.keys) {
        expect(resolveBinding(s, k), `${b.pane} ${k}`).toBe(b);
        const actions = fakeActions();
        const [input, key] = inkKey(k);
        const r = handleKey(s, actions, input, key);
        expect(r.kind, `${b.pane} ${k}`).toBe('ran');
        expect(actions.calls.length, `${b.pane} ${k} calls an action`).toBeGreaterThan(0);
      }
    }
  });

  it('after a confirmed command no dialog takes keys: the pane has them (q quits right away)', () => {
    const running = state({}, ...toConfirm('ack'), { type: 'confirm' });
    expect(selectLayer(running, 'confirm')).toBeNull();
    expect(activeContext(running)).toBe('pending');
    const quit = fakeActions();
    expect(handleKey(running, quit, 'q', {}).kind).toBe('ran');
    expect(quit.calls).toEqual(['quit']);
  });

  it('normalises Ink keys', () => {
    expect(keyName('c', { ctrl: true })).toBe('ctrl+c');
    expect(keyName('', { tab: true, shift: true })).toBe('shift+tab');
    expect(keyName(' ', {})).toBe('space');
    expect(keyName('G', { shift: true })).toBe('G');
    expect(keyName('', { delete: true })).toBe('backspace');
  });

  it('read-only disables a, c and r with the reason, and never requests the command', () => {
    const s = pendingReady({ readOnly: true, readOnlyReason: 'read-only mode (--read-only)' });
    for (const k of ['a', 'c', 'r']) {
      const actions = fakeActions();
      const r = handleKey(s, actions, k, {});
      expect(r).toMatchObject({ kind: 'disabled', reason: 'read-only mode (--read-only)' });
      expect(actions.calls.some((c) => c.startsWith('requestCommand'))).toBe(false);
      expect(actions.calls[0]).toMatch(/^notify\("error",".*read-only mode/);
    }
    const hints = footerHints(s).filter((h) => ['ack', 'claim', 'replay'].includes(h.label));
    expect(hints.map((h) => h.disabled)).toEqual(Array(3).fill('read-only mode (--read-only)'));
  });

  it('per-command permissions: a user who may XACK but not XCLAIM loses only c, with the reason', () => {
    const s = state(
      {},
      {
        type: 'setPermissions',
        readOnly: false,
        reason: 'ACL: the Redis user may not run XCLAIM',
        denied: ['claim'],
      },
      ...toConfirm('ack').slice(0, 3),
    );
    const claim = fakeActions();
    expect(handleKey(s, claim, 'c', {})).toMatchObject({
      kind: 'disabled',
      reason: 'ACL: the Redis user may not run XCLAIM',
    });
    expect(claim.calls.some((c) => c.startsWith('requestCommand'))).toBe(false);
    for (const k of ['a', 'r']) {
      const actions = fakeActions();
      expect(handleKey(s, actions, k, {}).kind).toBe('ran');
    }
    expect(
      footerHints(s)
        .filter((h) => h.disabled)
        .map((h) => h.label),
    ).toEqual(['claim']);
  });

  it('mutating bindings are exactly a, c, d and r (pane 3), r and x (pane 5)', () => {
    expect(
      keymap()
        .filter((b) => b.mutates)
        .map((b) => `${b.pane}:${b.keys.join()}`),
    ).toEqual([
      'history:R',
      'pending:a',
      'pending:c',
      'pending:d',
      'pending:r',
      'deadletters:r',
      'deadletters:x',
    ]);
  });

  it('while typing a filter, letters are text (q does not quit); ctrl+c still quits', () => {
    const s = state({}, { type: 'startFilter' }, { type: 'editFilter', text: 'ab' });
    const actions = fakeActions();
    expect(handleKey(s, actions, 'q', {}).kind).toBe('typed');
    expect(handleKey(s, actions, '', { backspace: true }).kind).toBe('typed');
    expect(handleKey(s, actions, 'c', { ctrl: true }).kind).toBe('ran');
    expect(actions.calls).toEqual(['editFilter("abq")', 'editFilter("a")', 'quit']);
  });

  it('the claim dialog takes a typed consumer name; y and n are letters there', () => {
    const s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 1),
      { type: 'requestCommand', command: 'claim' },
      { type: 'editConsumer', text: '' },
    );
    const actions = fakeActions();
    handleKey(s, actions, 'y', {});
    handleKey(s, actions, 'n', {});
    expect(actions.calls).toEqual(['editConsumer("y")', 'editConsumer("n")']);
  });

  it('a burst of keys is handled key by key', () => {
    let s = pendingReady();
    const actions = fakeActions();
    handleInput(() => s, actions, '  a', {});
    expect(actions.calls).toEqual(['toggleMark', 'toggleMark', 'requestCommand("ack")']);
    const withEnter = fakeActions();
    handleInput(() => pendingReady(), withEnter, 'j\r', {});
    expect(withEnter.calls).toEqual(['moveCursor(1)', 'openSelected']);
    s = state({}, { type: 'startFilter' });
    const typing = fakeActions();
    handleInput(() => s, typing, 'paste', {});
    expect(typing.calls).toEqual(['editFilter("paste")']);
  });

  it("while typing, a burst with backspace, enter or esc in it acts as those keys (tmux send-keys BSpace BSpace / 'midjourney' Enter)", () => {
    const store = createMonitorStore({
      config: defaultConfig(),
      commands: {
        readOnly: false,
        readOnlyReason: null,
        run: vi.fn(async () => {}),
      },
      queries: { loadPendingPage: vi.fn(async () => {}), loadEntry: vi.fn(async () => {}) },
    });
    const send = (input: string) => handleInput(store.getState, store.actions, input, {});
    send('/');
    send('abcd');
    send('\x7f\x7f\x7f');
    expect(store.getState().view.filter.text).toBe('a');
    expect(activeContext(store.getState())).toBe('filter');
    send('\b\b');
    send('midjourney\r');
    expect(store.getState().view.filter.text).toBe('midjourney');
    expect(activeContext(store.getState())).toBe('events');
    // After enter the filter line is closed: what follows in the same burst is keys again.
    send('/xy\x7fz\r2');
    expect(store.getState().view.filter.text).toBe('midjourneyxz');
    expect(activeContext(store.getState())).toBe('streams');
    expect(store.getState().ui.pane).toBe('streams');
    send('1/q\x1b');
    expect(store.getState().view.filter.text).toBe('midjourneyxz');
    expect(activeContext(store.getState())).toBe('events');
    // The claim target is typed the same way.
    store.dispatch(triageSnapshot());
    store.act({ type: 'selectPane', pane: 'pending' });
    store.dispatch(pendingPage(K, 'alice-main', 2));
    send('c');
    expect(selectLayer(store.getState(), 'confirm')?.step).toBe('consumer');
    send('\x7f'.repeat(20));
    send('rescuer\x7fR\r');
    expect(selectLayer(store.getState(), 'confirm')).toMatchObject({
      step: 'confirm',
      consumer: 'rescueR',
    });
    store.close();
  });

  it('renders the README key table from the same list', () => {
    const md = renderKeyTableMarkdown();
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('| Key | Where | Action | Changes data |');
    expect(lines.length).toBe(2 + keymap().length);
    for (const b of keymap())
      expect(md).toContain(b.description.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(md).toContain(
      '| `a` | 3 Pending entries | Acknowledge the marked (or selected) entries (XACK), after confirmation | yes (disabled by `--read-only` or a missing ACL permission) |',
    );
    expect(md).toContain(
      '| `/` | 1 Live events | Filter live: text, type:&lt;t&gt; (with * wildcards) or /regex/ | no |',
    );
  });
});
