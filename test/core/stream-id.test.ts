/**
 * nextStreamId at the top of a millisecond: a time bound ends in the largest sequence
 * (`<ms>-18446744073709551615`), and one past it must be the next millisecond's `-0` — a
 * sequence beyond 2^64 − 1 is refused by Redis ("Invalid stream ID specified"), which broke the
 * replay dialog's preview of every `…..now` range while traffic continued. Checked against a real
 * redis-server too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nextStreamId, previousStreamId } from '../../src/core/stream-id.js';
import { countAfter } from '../../src/streams/replay-plan.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
const key = `${uniquePrefix('sid')}t`;
afterAll(async () => {
  await r.del(key);
  r.disconnect();
});

describe('nextStreamId', () => {
  it('adds one to the sequence, and carries into the next millisecond at 2^64 − 1', () => {
    expect(nextStreamId('5-0')).toBe('5-1');
    expect(nextStreamId('5-18446744073709551614')).toBe('5-18446744073709551615');
    expect(nextStreamId('5-18446744073709551615')).toBe('6-0');
    expect(previousStreamId(nextStreamId('5-18446744073709551615'))).toBe('5-18446744073709551615');
  });

  it('the entries after a time bound are counted by Redis (no "Invalid stream ID")', async () => {
    for (const id of ['1000-0', '1000-1', '1001-0', '1002-0', '1002-5'])
      await r.xadd(key, id, 'n', id);
    expect(await countAfter(r, key, '1000-18446744073709551615')).toEqual({
      count: 3,
      estimated: false,
    });
    expect(await countAfter(r, key, '1002-18446744073709551615')).toEqual({
      count: 0,
      estimated: false,
    });
  });
});
