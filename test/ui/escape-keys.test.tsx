/**
 * `esc` and the next key in one read (a quick typist, tmux send-keys, a paste): Ink's parser
 * takes `\x1b:` as one alt+`:` and drops the esc. The App reads it as esc, then `:`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import { keyAfterEscape } from '../../src/ui/hooks/use-keys.js';
import { pendingPage, triageSnapshot } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

const write = async (data: string) => {
  m!.app.stdin.write(data);
  await settle();
};
/** The `:` line as drawn (the row that starts with `:`), or null when it is closed. */
const commandRow = () => lines(m!).find((l) => l.startsWith(':')) ?? null;

describe('esc followed at once by another key', () => {
  it('esc+: in one read closes the open : line and opens a fresh one', async () => {
    m = mount([connected('tail'), connected('poller'), triageSnapshot()]);
    await write(':');
    await write('mark al');
    expect(commandRow()).toBe(':mark al█');
    await write('\x1b:');
    // Not ":mark al:█" (the esc lost, the : typed): closed, then opened empty.
    expect(commandRow()).toBe(':█');
    expect(selectLayer(m.store.getState(), 'command')?.text).toBe('');
  });

  it('esc+: in one read from a dialog: the dialog is cancelled and the : line opens', async () => {
    const K = 'alice:events:asset.discovered';
    m = mount([
      connected('tail'),
      connected('poller'),
      triageSnapshot(),
      pendingPage(K, 'alice-main', 3),
    ]);
    m.store.actions.selectPane('pending');
    await settle();
    await write('a');
    expect(selectLayer(m.store.getState(), 'confirm')).not.toBeNull();
    await write('\x1b:');
    expect(selectLayer(m.store.getState(), 'confirm')).toBeNull();
    expect(commandRow()).toBe(':█');
    expect(m.commands.run).not.toHaveBeenCalled();
  });

  it('escape sequences stay whole: arrows, and esc alone', () => {
    expect(keyAfterEscape('\x1b:')).toBe(':');
    expect(keyAfterEscape('\x1b/')).toBe('/');
    expect(keyAfterEscape('\x1bq')).toBe('q');
    expect(keyAfterEscape('\x1b')).toBeNull();
    expect(keyAfterEscape('\x1b[A')).toBeNull(); // up arrow
    expect(keyAfterEscape('\x1bOA')).toBeNull(); // up arrow, application mode
    expect(keyAfterEscape('\x1b[')).toBeNull();
    expect(keyAfterEscape('\x1b\x7f')).toBeNull(); // alt+backspace
    expect(keyAfterEscape(':')).toBeNull();
  });
});
