import { describe, expect, it } from 'vitest';
import { rangeTitle, type HistoryData, type RangeCountState } from '../../src/store/history.js';

const row = (id: string) => ({ id, type: 't', event: null, fields: {}, bytes: 0 });
const base: HistoryData = {
  stream: 't',
  key: 'p:t',
  rows: [row('1000-0'), row('2000-0'), row('3000-0')],
  hasOlder: true,
  hasNewer: true,
  selected: '2000-0',
  loading: null,
  seq: 4,
  error: null,
  carry: 0,
  range: { start: '500-0', end: '7200500-0' },
  count: null,
};
const counted = (c: Partial<RangeCountState>): HistoryData => ({
  ...base,
  count: {
    seq: 4,
    count: 0,
    estimated: false,
    done: true,
    firstId: '600-0',
    lastId: '7200000-0',
    error: null,
    ...c,
  },
});

describe('the history range title', () => {
  it('says count and span: exact, counting, estimated (~), failed', () => {
    expect(rangeTitle(counted({ count: 1_234_567, estimated: true }))).toBe(
      'range ~1,234,567 entries · 1 h 59 min',
    );
    expect(rangeTitle(counted({ count: 999_999 }))).toBe('range 999,999 entries · 1 h 59 min');
    expect(rangeTitle(counted({ count: 1, firstId: '600-0', lastId: '600-0' }))).toBe(
      'range 1 entry · 0 ms',
    );
    expect(rangeTitle(counted({ count: 340_000, done: false, firstId: null, lastId: null }))).toBe(
      'range 340,000+ entries (counting…) · 2 h 00 min',
    );
    expect(rangeTitle(counted({ error: 'NOPERM no permission' }))).toBe(
      'range: count failed (NOPERM no permission)',
    );
  });

  it('an open range counts the loaded window (+ when it reaches past it)', () => {
    expect(rangeTitle({ ...base, range: { start: '2000-0', end: null } })).toBe(
      'range from 1 entry · 0 ms (v ends it)',
    );
    expect(rangeTitle({ ...base, range: { start: '500-0', end: null } })).toBe(
      'range from 2+ entries · 1.5 s (v ends it)',
    );
    expect(rangeTitle({ ...base, range: null })).toBeNull();
  });
});
