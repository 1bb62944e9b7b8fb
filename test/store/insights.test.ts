import { describe, expect, it } from 'vitest';
import { groupKey } from '../../src/core/lag-history.js';
import { selectGroupInsight } from '../../src/store/insights.js';
import { selectStreamRows } from '../../src/store/selectors.js';
import { group, snapshot, state, stream, T0 } from './build.js';

const K = 'alice:events:asset.processed';
const snap = (sec: number, added: number, read: number, idleMs = 100) =>
  snapshot(
    [
      stream(K, {
        length: added,
        entriesAdded: added,
        groups: [
          group('thumbnailer', {
            lag: added - read,
            entriesRead: read,
            pending: 1,
            consumerList: [{ name: 'thumb-1', pending: 1, idleMs, inactiveMs: null }],
          }),
        ],
      }),
    ],
    T0 + sec * 1000,
    T0 + sec * 1000,
  );

describe('lag over time in the store', () => {
  it('records each snapshot per group and derives growing, then a finite drain estimate', () => {
    // Consumer stopped while 100/s keep arriving: growing.
    let s = state({}, snap(0, 10_000, 0), snap(10, 11_000, 0));
    expect(s.snapshot.lagHistory[groupKey(K, 'thumbnailer')]).toHaveLength(2);
    expect(selectGroupInsight(s, K, 'thumbnailer')!.drainText).toBe('growing +100/s');
    // It resumes at 300/s against 100/s in (the last 30 s): 5,000 lag at a net 200/s ≈ 25 s.
    s = state({}, snap(0, 10_000, 0), snap(10, 11_000, 0), snap(40, 14_000, 9_000));
    const i = selectGroupInsight(s, K, 'thumbnailer')!;
    expect(i.rates).toEqual({ ingest: 100, consume: 300, overSec: 30 });
    expect(i.drainText).toBe('drains in ~25s');
    expect(i.series).toEqual([10_000, 11_000, 5_000]);
  });

  it('a consumer idle past --stuck-after while holding entries is stuck and the row is marked bad', () => {
    const fresh = state({}, snap(0, 10, 9, 1000));
    expect(selectGroupInsight(fresh, K, 'thumbnailer')!.stuck.size).toBe(0);
    const stuck = state({}, snap(0, 10, 9, 31_000));
    const i = selectGroupInsight(stuck, K, 'thumbnailer')!;
    expect([...i.stuck]).toEqual(['thumb-1']);
    expect(i.diagnosis).toMatch(/^dead consumer thumb-1: idle 31s, holds 1 → :claim/);
    expect(selectStreamRows(stuck)[0].level).toBe('bad');
    // --stuck-after 1m: not stuck yet.
    const lenient = state(
      { thresholds: { lagWarn: 1000, pendingAgeWarnMs: 30_000, stuckAfterMs: 60_000 } },
      snap(0, 10, 9, 31_000),
    );
    expect(selectGroupInsight(lenient, K, 'thumbnailer')!.stuck.size).toBe(0);
  });

  it('--lag-warn marks a group with the ! level', () => {
    const s = state(
      { thresholds: { lagWarn: 50, pendingAgeWarnMs: 3_600_000, stuckAfterMs: 3_600_000 } },
      snap(0, 100, 10),
    );
    expect(selectStreamRows(s)[0].level).toBe('warn');
  });
});
