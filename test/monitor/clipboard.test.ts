import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRoute, osc52Sequence } from '../../src/core/osc52.js';
import { copyText, stateDir } from '../../src/monitor/clipboard.js';

const dir = mkdtempSync(join(tmpdir(), 'streamscope-clip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function terminal(isTTY = true) {
  let raw = '';
  return { out: { isTTY, write: (s: string) => ((raw += s), true) }, raw: () => raw };
}

describe('copy (OSC 52)', () => {
  it('writes ESC ] 52 ; c ; base64 BEL to the terminal', () => {
    const t = terminal();
    const res = copyText('1732694928060-0', 'entry ID', {
      env: { TERM: 'xterm-256color' },
      out: t.out,
    });
    expect(t.raw()).toBe(`\x1b]52;c;${Buffer.from('1732694928060-0').toString('base64')}\x07`);
    expect(res).toEqual({ via: 'osc52', path: null, notice: 'copied entry ID (OSC 52)' });
    expect(osc52Sequence('é')).toBe('\x1b]52;c;w6k=\x07');
  });

  it('terminals known not to support it: the text goes to a file under the state dir, and the notice says so', () => {
    const env = { TERM: 'linux', XDG_STATE_HOME: dir };
    const t = terminal();
    const res = copyText('{"a":1}', 'entry JSON', { env, out: t.out });
    expect(t.raw()).toBe('');
    expect(res.path).toBe(join(dir, 'streamscope', 'clipboard.txt'));
    expect(readFileSync(res.path!, 'utf8')).toBe('{"a":1}');
    expect(res.notice).toBe(
      `not copied: TERM=linux has no OSC 52; entry JSON written to ${res.path}`,
    );
  });

  it('decides by terminal, size and override', () => {
    expect(copyRoute('x', { TERM: 'xterm' }, true)).toEqual({ kind: 'osc52' });
    expect(copyRoute('x', { TERM: 'xterm', TMUX: '/tmp/tmux-1/default,1,0' }, true).kind).toBe(
      'osc52',
    );
    expect(copyRoute('x', { VTE_VERSION: '7200' }, true).kind).toBe('file');
    expect(copyRoute('x', { VTE_VERSION: '7200', TMUX: 't' }, true).kind).toBe('osc52');
    expect(copyRoute('x', { TERM_PROGRAM: 'Apple_Terminal' }, true).kind).toBe('file');
    expect(copyRoute('x', {}, false)).toEqual({ kind: 'file', reason: 'output is not a terminal' });
    expect(copyRoute('x'.repeat(80_000), {}, true)).toEqual({
      kind: 'file',
      reason: 'too long for OSC 52',
    });
    expect(copyRoute('x', { STREAMSCOPE_CLIPBOARD: 'file' }, true).kind).toBe('file');
    expect(stateDir({ HOME: '/home/u' })).toBe('/home/u/.local/state/streamscope');
  });
});
