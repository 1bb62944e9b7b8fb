import { describe, expect, it } from 'vitest';
import { parseHistoryBound, parseHistoryRange } from '../../src/core/history-time.js';
import {
  completeCommandLine,
  parseCommandLine,
  type CommandLineContext,
} from '../../src/core/command-line.js';
import { MAX_SEQ } from '../../src/core/replay-range.js';

const NOW = new Date(2026, 11, 2, 8, 0, 0, 0).getTime(); // local 2026-12-02 08:00
const id = (text: string, side: 'start' | 'end' = 'start') => {
  const r = parseHistoryBound(text, side, NOW, 'goto');
  if (!r.ok) throw new Error(r.error);
  return r.id;
};
const err = (text: string) => {
  const r = parseHistoryBound(text, 'start', NOW, 'goto');
  if (r.ok) throw new Error(`parsed ${r.id}`);
  return r.error;
};

describe(':goto / :range bounds', () => {
  it('reads IDs, local times (as the view shows them), zoned times and durations ago', () => {
    expect(id('1732694928060-7')).toBe('1732694928060-7');
    expect(id('1732694928060')).toBe('1732694928060-0');
    expect(id('1732694928060', 'end')).toBe(`1732694928060-${MAX_SEQ}`);
    expect(id('2026-12-02T06:00')).toBe(`${new Date(2026, 11, 2, 6, 0).getTime()}-0`);
    expect(id('2026-12-02 06:00:30.25')).toBe(
      `${new Date(2026, 11, 2, 6, 0, 30, 250).getTime()}-0`,
    );
    expect(id('2026-12-02')).toBe(`${new Date(2026, 11, 2).getTime()}-0`);
    expect(id('2026-12-02T06:00Z')).toBe(`${Date.UTC(2026, 11, 2, 6, 0)}-0`);
    expect(id('2026-12-02T06:00+01:00')).toBe(`${Date.UTC(2026, 11, 2, 5, 0)}-0`);
    expect(id('-1h')).toBe(`${NOW - 3_600_000}-0`);
    expect(id('10m ago')).toBe(`${NOW - 600_000}-0`);
    expect(id('90s')).toBe(`${NOW - 90_000}-0`);
    expect(id('now')).toBe(`${NOW}-0`);
    expect(id('-')).toBe('0-0');
  });

  it('malformed times and IDs are one line naming what was typed', () => {
    expect(err('yesterday')).toBe(
      'goto: cannot read "yesterday" (use 1732694928060-0, 2026-12-02T06:00 (local), -1h or "10m ago")',
    );
    expect(err('2026-02-31T06:00')).toContain('cannot read "2026-02-31T06:00"');
    expect(err('2026-12-02T25:00')).toContain('cannot read');
    expect(err('12-3-4')).toContain('cannot read');
    expect(err('99999999999999999999999')).toBe(
      'goto: "99999999999999999999999" is past the largest stream ID',
    );
    for (const e of [err('x'), err('')]) expect(e).not.toContain('\n');
  });

  it('ranges: from..to with times or IDs; from > to is refused', () => {
    expect(parseHistoryRange('1700000000000-5..1700000000100', NOW)).toEqual({
      ok: true,
      from: '1700000000000-5',
      to: `1700000000100-${MAX_SEQ}`,
    });
    expect(parseHistoryRange('-1h..now', NOW)).toEqual({
      ok: true,
      from: `${NOW - 3_600_000}-0`,
      to: `${NOW}-${MAX_SEQ}`,
    });
    expect(parseHistoryRange('1700000000100-0..1700000000000-0', NOW)).toEqual({
      ok: false,
      error: 'range: from 1700000000100-0 is after to 1700000000000-0: the range is empty',
    });
    expect(parseHistoryRange('now..-1h', NOW)).toMatchObject({ ok: false });
    expect(parseHistoryRange('1700000000000-0', NOW)).toMatchObject({
      ok: false,
      error: expect.stringContaining('expected <from>..<to>'),
    });
    expect(parseHistoryRange('abc..now', NOW)).toMatchObject({
      ok: false,
      error:
        'range: cannot read "abc" (use 1732694928060-0, 2026-12-02T06:00 (local), -1h or "10m ago")',
    });
  });
});

const ctx: CommandLineContext = {
  consumers: null,
  groups: [],
  streams: ['asset.discovered', 'asset.deleted', 'all', 'dlq:asset.discovered'],
  groupsOf: () => [],
  nowMs: NOW,
  historyStream: null,
};
const open = { ...ctx, historyStream: 'asset.discovered' };

describe(':history, :goto, :range on the command line', () => {
  it('history names a known stream (types, all, dlq:*); unknown ones are one line', () => {
    for (const s of ['asset.discovered', 'all', 'dlq:asset.discovered'])
      expect(parseCommandLine(`history ${s}`, ctx)).toEqual({
        ok: true,
        command: { verb: 'history', stream: s },
      });
    expect(parseCommandLine('history asset.discoverd', ctx)).toEqual({
      ok: false,
      error:
        'history: no stream "asset.discoverd" (streams: asset.discovered, asset.deleted, all, dlq:asset.discovered)',
    });
    expect(parseCommandLine('history', ctx)).toMatchObject({
      ok: false,
      error: 'history: usage: history <stream>',
    });
  });

  it('goto and range need an open history view and act on it', () => {
    expect(parseCommandLine('goto -1h', ctx)).toEqual({
      ok: false,
      error: 'goto: no history view open (:history <stream>, or h in pane 2)',
    });
    expect(parseCommandLine('goto 10m ago', open)).toEqual({
      ok: true,
      command: { verb: 'goto', id: `${NOW - 600_000}-0` },
    });
    expect(parseCommandLine('range 5-1..9', open)).toEqual({
      ok: true,
      command: { verb: 'range', from: '5-1', to: `9-${MAX_SEQ}` },
    });
    expect(parseCommandLine('range 9..5', open)).toEqual({
      ok: false,
      error: 'range: from 9 is after to 5: the range is empty',
    });
    expect(parseCommandLine('goto', open)).toMatchObject({ ok: false });
  });

  it('tab completes stream names after history', () => {
    expect(completeCommandLine('hi', ctx).text).toBe('history ');
    expect(completeCommandLine('history asset.di', ctx).text).toBe('history asset.discovered ');
    expect(completeCommandLine('history a', ctx).candidates).toEqual([
      'asset.discovered',
      'asset.deleted',
      'all',
    ]);
    expect(completeCommandLine('history dl', ctx).text).toBe('history dlq:asset.discovered ');
  });
});
