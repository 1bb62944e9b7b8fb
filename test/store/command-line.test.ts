/**
 * The `:` command line through the real store and keymap (fake ports): typing, tab, history,
 * inline errors; `:mark <rule>` over the whole PEL; the progress bar and esc cancelling; setid's
 * preview in the confirm dialog.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MonitorCommandsPort, MonitorQueriesPort } from '../../src/core/ports.js';
import { createMonitorStore } from '../../src/store/create-store.js';
import { selectLayer } from '../../src/store/layers.js';
import { defaultConfig } from '../../src/store/state.js';
import { handleInput, type InkKey } from '../../src/ui/keymap.js';
import { T0, pendingPage, triageSnapshot } from './build.js';

const K = 'alice:events:asset.discovered';

function setup() {
  const commands: MonitorCommandsPort = {
    readOnly: false,
    readOnlyReason: null,
    run: vi.fn(async () => {}),
    preview: vi.fn(async () => {}),
  };
  const queries: MonitorQueriesPort = {
    loadPendingPage: vi.fn(async () => {}),
    loadEntry: vi.fn(async () => {}),
    markPending: vi.fn(async () => {}),
  };
  const store = createMonitorStore({
    config: defaultConfig(),
    commands,
    queries,
    timers: {
      setTimeout: () => 0,
      clearTimeout: () => {},
      setInterval: () => 0,
      clearInterval: () => {},
    },
    now: () => T0,
  });
  store.dispatch(triageSnapshot());
  store.actions.selectPane('pending');
  store.dispatch(pendingPage(K, 'alice-main', 3));
  const type = (input: string, key: InkKey = {}) =>
    handleInput(store.getState, store.actions, input, key);
  const ui = () => {
    const s = store.getState();
    return {
      ...s.ui,
      commandLine: selectLayer(s, 'command'),
      confirm: selectLayer(s, 'confirm'),
    };
  };
  return { store, commands, queries, type, ui };
}

const ENTER: InkKey = { return: true };
const ESC: InkKey = { escape: true };
const TAB: InkKey = { tab: true };

describe('the : command line', () => {
  it('opens with :, edits, completes with tab, shows errors inline, closes with esc', () => {
    const { type, ui } = setup();
    type(':');
    expect(ui().commandLine).toMatchObject({ text: '', error: null });
    type('mark consumer=worker-');
    type('', TAB);
    expect(ui().commandLine).toMatchObject({
      text: 'mark consumer=worker-',
      candidates: ['consumer=worker-1', 'consumer=worker-2'],
    });
    type('', { backspace: true });
    type('-');
    type('q'); // q is text here, it does not quit
    expect(ui().commandLine!.text).toBe('mark consumer=worker-q');
    type('', ENTER);
    expect(ui().commandLine!.error).toBe(
      'mark: no consumer "worker-q" (consumers: worker-1, worker-2)',
    );
    type('', ESC);
    expect(ui().commandLine).toBeNull();
    type(':');
    type('mrak all');
    type('', ENTER);
    expect(ui().commandLine!.error).toMatch(/^unknown verb "mrak" \(did you mean mark\?\)/);
    type(':'); // still typing: a colon is text
    expect(ui().commandLine!.text).toBe('mrak all:');
  });

  it(':mark <rule> marks across the whole PEL through the port; a acts on all marked', () => {
    const { store, queries, type, ui } = setup();
    type(':');
    type('mark idle>5m consumer=worker-1');
    type('', ENTER);
    expect(ui().commandLine).toBeNull();
    expect(queries.markPending).toHaveBeenCalledWith(K, 'alice-main', 'idle>5m consumer=worker-1');
    expect(store.getState().pending.marking).toBe('idle>5m consumer=worker-1');
    const ids = Array.from({ length: 500 }, (_, i) => `${T0 - 900_000 + i}-0`);
    store.dispatch({
      type: 'PendingMarked',
      stream: K,
      group: 'alice-main',
      rule: 'idle>5m consumer=worker-1',
      ids,
      at: T0,
    });
    expect(store.getState().pending).toMatchObject({
      markRule: 'idle>5m consumer=worker-1',
      marking: null,
    });
    expect(store.getState().pending.marks).toHaveLength(500);
    // A reload of the page (none of the 500 on it) keeps marks made by rule.
    store.dispatch(pendingPage(K, 'alice-main', 3));
    expect(store.getState().pending.marks).toHaveLength(500);
    type('a');
    expect(ui().confirm).toMatchObject({ command: 'ack', ids });
    type('', ESC);
    type(':');
    type('unmark');
    type('', ENTER);
    expect(store.getState().pending.marks).toEqual([]);
  });

  it('history: up and down walk the lines run before', () => {
    const { type, ui } = setup();
    for (const line of ['mark all', 'unmark']) {
      type(':');
      type(line);
      type('', ENTER);
    }
    type(':');
    type('', { upArrow: true });
    expect(ui().commandLine!.text).toBe('unmark');
    type('', { upArrow: true });
    expect(ui().commandLine!.text).toBe('mark all');
    type('', { downArrow: true });
    type('', { downArrow: true });
    expect(ui().commandLine!.text).toBe('');
  });

  it('claim <consumer> asks only y/n; the progress bar follows the port; esc cancels between batches', () => {
    const { store, commands, type, ui } = setup();
    type(':');
    type('claim worker-2');
    type('', ENTER);
    expect(ui().confirm).toMatchObject({ command: 'claim', step: 'confirm', consumer: 'worker-2' });
    type('y');
    const [request, options] = vi.mocked(commands.run).mock.calls[0];
    expect(request).toMatchObject({ kind: 'claim', consumer: 'worker-2', group: 'alice-main' });
    expect(ui().progress).toMatchObject({ command: 'claim', done: 0, total: 1 });
    store.dispatch({ type: 'CommandProgress', command: 'claim', done: 1000, total: 3000, at: T0 });
    expect(ui().progress).toMatchObject({ done: 1000, total: 3000 });
    type('', ESC);
    expect(options!.signal!.aborted).toBe(true);
    expect(ui().progress!.cancelling).toBe(true);
    expect(ui().notice!.text).toBe(
      'cancelling claim: no further batch starts (1,000 of 3,000 done so far)',
    );
    store.dispatch({
      type: 'CommandCompleted',
      command: 'claim',
      requested: 3000,
      affected: 1000,
      detail:
        'claimed 1000 of 3000 in asset.discovered / alice-main for worker-2; cancelled: 2000 not attempted',
      at: T0,
    });
    expect(ui().progress).toBeNull();
    expect(ui().notice!.details ?? ui().notice!.text).toMatch(/cancelled: 2000 not attempted$/);
  });

  it('setid shows the plan preview in the dialog; y waits for it, then runs with the target', () => {
    const { store, commands, type, ui } = setup();
    type(':');
    type('setid -1h');
    type('', ENTER);
    expect(commands.preview).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'setid', stream: K, group: 'alice-main', target: '-1h' }),
    );
    type('y');
    expect(commands.run).not.toHaveBeenCalled();
    store.dispatch({
      type: 'CommandPreviewed',
      command: 'setid',
      preview: {
        summary: 'move group alice-main back: 120 entries are delivered again',
        details: ['pending entries are unaffected'],
        count: 1,
        undoable: true,
      },
      error: null,
      at: T0,
    });
    expect(ui().confirm!.preview).toMatchObject({ status: 'ready' });
    type('y');
    expect(commands.run).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'setid', target: '-1h', ids: [] }),
      expect.anything(),
    );
    // A kind that names no entries says so without "0 entries".
    expect(ui().notice!.text).toBe('Repositioning group…');
  });

  it('a failed preview says why and cannot be confirmed', () => {
    const { store, commands, type, ui } = setup();
    type(':');
    type('delconsumer worker-1');
    type('', ENTER);
    // worker-1 holds 2 entries: the one confirm claims them to the most recently active other.
    expect(commands.preview).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'delconsumer', consumer: 'worker-1', moveTo: 'worker-2' }),
    );
    store.dispatch({
      type: 'CommandPreviewed',
      command: 'delconsumer',
      preview: null,
      error: { code: 'NOGROUP', message: 'NOGROUP No such consumer group' },
      at: T0,
    });
    type('y');
    expect(commands.run).not.toHaveBeenCalled();
    expect(ui().notice!.text).toBe('cannot run: NOGROUP No such consumer group (esc closes)');
  });
});
