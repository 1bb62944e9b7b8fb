/** Pure unit: restore-cursor's exit write is kept off a redirected stderr and moved to the tty. */
import { describe, expect, it } from 'vitest';
import { keepCursorRestoreOnTerminal, SHOW_CURSOR } from '../../src/cli/cursor-restore.js';

function stream(isTTY: boolean) {
  const written: unknown[] = [];
  return {
    isTTY,
    written,
    write: ((chunk: unknown) => (written.push(chunk), true)) as NodeJS.WriteStream['write'],
  };
}

describe('keepCursorRestoreOnTerminal', () => {
  it('stderr redirected, stdout a terminal: the show-cursor write moves to stdout at exit', () => {
    const err = stream(false);
    const out = stream(true);
    const hooks: (() => void)[] = [];
    expect(keepCursorRestoreOnTerminal(err, out, (h) => hooks.push(h))).toBe(true);
    err.write(SHOW_CURSOR);
    err.write('monitor: a real error line\n');
    expect(err.written).toEqual(['monitor: a real error line\n']);
    expect(hooks).toHaveLength(1);
    hooks[0]();
    expect(out.written).toEqual([SHOW_CURSOR]);
  });

  it('stderr is the terminal: nothing changes', () => {
    const err = stream(true);
    const write = err.write;
    expect(keepCursorRestoreOnTerminal(err, stream(true), () => {})).toBe(false);
    expect(err.write).toBe(write);
  });

  it('neither is a terminal (piped): the escape goes nowhere, other text still passes', () => {
    const err = stream(false);
    const hooks: (() => void)[] = [];
    keepCursorRestoreOnTerminal(err, stream(false), (h) => hooks.push(h));
    err.write(SHOW_CURSOR);
    err.write(Buffer.from('x'));
    expect(err.written).toEqual([Buffer.from('x')]);
    expect(hooks).toEqual([]);
  });
});
