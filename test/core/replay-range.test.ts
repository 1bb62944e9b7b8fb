import { describe, expect, it } from 'vitest';
import {
  dayOfStreamId,
  dueOffsetMs,
  MAX_SEQ,
  parseAge,
  parseBound,
  parseRange,
  parseSpeed,
} from '../../src/core/replay-range.js';
import { decodeArchiveLine, encodeArchiveLine } from '../../src/core/archive-record.js';
import { parseHistoryBound } from '../../src/core/history-time.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('replay range parsing (pure)', () => {
  it('bounds: IDs, milliseconds, ISO times, durations ago, - and +', () => {
    expect(parseBound('1732694928060-3', 'start', NOW)).toBe('1732694928060-3');
    expect(parseBound('1732694928060', 'start', NOW)).toBe('1732694928060-0');
    expect(parseBound('1732694928060', 'end', NOW)).toBe(`1732694928060-${MAX_SEQ}`);
    expect(parseBound('2026-11-27T07:00:00Z', 'start', NOW)).toBe(
      `${Date.parse('2026-11-27T07:00:00Z')}-0`,
    );
    expect(parseBound('2h', 'start', NOW)).toBe(`${NOW - 7_200_000}-0`);
    expect(parseBound('-', 'start', NOW)).toBe('0-0');
    expect(parseBound('+', 'end', NOW)).toBe(`${MAX_SEQ}-${MAX_SEQ}`);
    expect(() => parseBound('yesterday', 'start', NOW)).toThrow(
      /^--from: cannot read "yesterday" \(use /,
    );
    expect(() => parseBound('nope', 'end', NOW)).toThrow(/^--to: cannot read "nope"/);
    // The same texts as the monitor's :goto / :range (core/history-time.ts): one meaning each.
    expect(parseBound('-2h', 'start', NOW)).toBe(`${NOW - 7_200_000}-0`);
    expect(parseBound('10m ago', 'start', NOW)).toBe(`${NOW - 600_000}-0`);
    expect(parseBound('now', 'end', NOW)).toBe(`${NOW}-${MAX_SEQ}`);
    expect(parseBound('2026-11-27T07:00', 'start', NOW)).toBe(
      `${new Date(2026, 10, 27, 7, 0).getTime()}-0`,
    );
    for (const t of ['1732694928060-3', '2026-11-27T07:00:00Z', '2026-11-27', '2h', '-', '+'])
      for (const side of ['start', 'end'] as const) {
        const tui = parseHistoryBound(t, side, NOW, 'goto');
        expect(tui.ok && tui.id).toBe(parseBound(t, side, NOW));
      }
    expect(() => parseRange('2026-11-28', '2026-11-27', NOW)).toThrow(
      /^--from 2026-11-28 is after --to 2026-11-27/,
    );
    // A date without a zone is its LOCAL midnight, as in the monitor (Date.parse would say UTC).
    expect(parseRange('2026-11-27', '2026-11-27', NOW).from).toBe(
      `${new Date(2026, 10, 27).getTime()}-0`,
    );
  });

  it('speeds, ages, pacing offsets and day names', () => {
    expect(parseSpeed('max')).toBe('max');
    expect(parseSpeed('10')).toBe(10);
    expect(parseSpeed('10x')).toBe(10);
    expect(parseSpeed('0.5×')).toBe(0.5);
    expect(() => parseSpeed('0')).toThrow(/--speed must be max or a factor > 0/);
    expect(() => parseSpeed('fast')).toThrow(/--speed/);
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('90m')).toBe(5_400_000);
    expect(() => parseAge('30 days')).toThrow(/not a duration/);
    expect(dueOffsetMs(11_000, 1_000, 10)).toBe(1000);
    expect(dueOffsetMs(11_000, 1_000, 1)).toBe(10_000);
    expect(dueOffsetMs(11_000, 1_000, 'max')).toBe(0);
    expect(dayOfStreamId('1732694928060-0')).toBe('2024-11-27');
  });

  it('archive records: UTF-8 as JSON strings, other bytes base64 with a marker, round trip exact', () => {
    const fields = [
      Buffer.from('event'),
      Buffer.from('{"a": 1.0, "é": "\\u00e9"}'),
      Buffer.from('bin'),
      Buffer.from([0xff, 0x00, 0xc3]),
    ];
    const line = encodeArchiveLine('1-2', fields);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      id: '1-2',
      fields: ['event', '{"a": 1.0, "é": "\\u00e9"}', 'bin', { base64: '/wDD' }],
    });
    const back = decodeArchiveLine(line.trimEnd());
    expect(back.id).toBe('1-2');
    expect(back.fields.every((b, i) => b.equals(fields[i]))).toBe(true);
    expect(() => decodeArchiveLine('{"id":"1-0","fields":["a"]}')).toThrow(/flat list/);
    expect(() => decodeArchiveLine('{"id":"1-0","fields":["a",{"hex":"00"}]}')).toThrow(/base64/);
    expect(() => decodeArchiveLine('nope')).toThrow(/not JSON/);
  });
});
