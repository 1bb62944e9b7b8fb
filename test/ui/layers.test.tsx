/**
 * Overlays as a stack (ui.layers): the layer on top gets the keys, is what j/k/enter/esc act
 * on and is what is drawn, because keymap, reducers and App all read selectTopLayer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushLayer, selectLayer, selectTopLayer } from '../../src/store/layers.js';
import { reduce } from '../../src/store/reducers.js';
import { activeContext, resolveBinding } from '../../src/ui/keymap.js';
import { pendingPage, state, triageSnapshot } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

const K = 'alice:events:asset.discovered';
let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

function pendingWithPicker(): Mounted {
  const t = mount([
    connected('tail'),
    connected('poller'),
    triageSnapshot(),
    pendingPage(K, 'alice-main', 3),
  ]);
  t.store.actions.selectPane('pending');
  return t;
}

const press = async (keys: string) => {
  for (const k of keys) {
    m!.app.stdin.write(k);
    await settle();
  }
};

describe('overlays as a stack', () => {
  it('s, ?, j: the help scrolls and is drawn; the hidden picker does not move; esc pops one layer at a time', async () => {
    m = pendingWithPicker();
    await settle();
    await press('s');
    const picked = selectLayer(m.store.getState(), 'picker');
    expect(picked).toEqual({ stream: K, group: 'alice-main' });
    await press('?');
    expect(m.store.getState().ui.layers.map((l) => l.id)).toEqual(['picker', 'help']);
    expect(activeContext(m.store.getState())).toBe('help');
    const helpTop = lines(m)[2];
    await press('j');
    expect(selectLayer(m.store.getState(), 'help')?.scroll).toBe(1);
    expect(selectLayer(m.store.getState(), 'picker')).toEqual(picked);
    // What is drawn is the help, scrolled by one line, not the picker.
    expect(lines(m).join('\n')).not.toContain('Pick a stream / group');
    expect(lines(m)[2]).not.toBe(helpTop);
    // esc closes the help: the picker is on top again, where it was, and now j moves it.
    m.app.stdin.write('\x1b');
    await settle();
    expect(activeContext(m.store.getState())).toBe('picker');
    expect(lines(m)[2]).toContain('Pick a stream / group');
    await press('j');
    expect(selectLayer(m.store.getState(), 'picker')?.stream).toBe('alice:events:project.created');
    m.app.stdin.write('\x1b');
    await settle();
    expect(m.store.getState().ui.layers).toEqual([]);
    expect(activeContext(m.store.getState())).toBe('pending');
  });

  it('help over a pane: j scrolls the help, the list under it does not move', () => {
    const s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      pendingPage(K, 'alice-main', 3),
      { type: 'toggleHelp' },
      { type: 'moveCursor', delta: 3 },
    );
    expect(activeContext(s)).toBe('help');
    expect(selectLayer(s, 'help')?.scroll).toBe(3);
    expect(s.pending.selected).toBeNull();
  });

  it('a new layer is one push: it gets the keys (its context), esc pops it, the pane below is untouched', () => {
    const base = state({}, triageSnapshot(), { type: 'selectPane', pane: 'pending' });
    // Any layer id in LayerData works the same; pushing an open one moves it to the top.
    let s = pushLayer(base, 'help', { scroll: 0 });
    s = pushLayer(s, 'picker', { stream: K, group: 'alice-main' });
    expect(selectTopLayer(s)?.id).toBe('picker');
    expect(activeContext(s)).toBe('picker');
    s = pushLayer(s, 'help', { scroll: 2 });
    expect(s.ui.layers.map((l) => l.id)).toEqual(['picker', 'help']);
    s = reduce(s, { type: 'back' });
    expect(activeContext(s)).toBe('picker');
    s = reduce(s, { type: 'back' });
    expect(activeContext(s)).toBe('pending');
    expect(s.pending).toEqual(base.pending);
  });

  it('switching panes closes every layer', () => {
    const s = state(
      {},
      triageSnapshot(),
      { type: 'selectPane', pane: 'pending' },
      { type: 'openPicker' },
      { type: 'toggleHelp' },
      { type: 'selectPane', pane: 'streams' },
    );
    expect(s.ui.layers).toEqual([]);
    expect(activeContext(s)).toBe('streams');
  });

  it('a long failure: one short line in the notice line, enter shows it all, esc returns; q still quits', async () => {
    m = pendingWithPicker();
    await settle();
    await press('a');
    await press('y');
    expect(m.commands.run).toHaveBeenCalledTimes(1);
    const message =
      'NOPERM User alice has no permissions to run the xack command on key alice:events:asset.discovered (ACL: allow +xack)';
    m.store.dispatch({
      type: 'CommandFailed',
      command: 'ack',
      requested: 1,
      error: { code: 'NOPERM', message },
      at: 0,
    });
    m.store.flush();
    await settle();
    const noticeLine = lines(m).at(-2)!;
    expect(noticeLine).toBe(
      'ack failed: NOPERM User alice has no permissions to run the… (enter: details)',
    );
    expect(resolveBinding(m.store.getState(), 'q')?.label).toBe('quit');
    m.app.stdin.write('\r');
    await settle();
    expect(activeContext(m.store.getState())).toBe('outcome');
    const shown = lines(m).join('\n');
    expect(shown).toContain('Command outcome · esc closes');
    expect(shown.replace(/\s+/g, ' ')).toContain(`ack failed: ${message}`);
    m.app.stdin.write('\x1b');
    await settle();
    expect(activeContext(m.store.getState())).toBe('pending');
    // The flash went with the key that opened the details; enter opens the entry again.
    expect(m.store.getState().ui.notice).toBeNull();
    expect(resolveBinding(m.store.getState(), 'enter')?.label).toBe('entry');
  });
});
