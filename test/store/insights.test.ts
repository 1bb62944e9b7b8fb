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

  it('lag unknown to Redis: the counted estimate stands in (~n), with the reason; uncounted says why', () => {
    const nullLag = (sec: number, added: number) =>
      snapshot(
        [
          stream(K, {
            length: added,
            entriesAdded: added,
            // XDEL after the group's position: Redis's lag is NULL.
            maxDeletedEntryId: `${T0 + 500}-0`,
            groups: [
              group('thumbnailer', {
                lag: null,
                entriesRead: 10,
                lastDeliveredId: `${T0}-0`,
                pending: 0,
                consumers: 1,
                consumerList: [{ name: 'thumb-1', pending: 0, idleMs: 100, inactiveMs: null }],
              }),
            ],
          }),
        ],
        T0 + sec * 1000,
        T0 + sec * 1000,
      );
    const key = groupKey(K, 'thumbnailer');
    const counted = (msg: ReturnType<typeof nullLag>, n: number) =>
      ({ ...msg, lagEstimates: { [key]: n } }) as ReturnType<typeof nullLag>;
    const s = state({}, counted(nullLag(0, 1000), 1000), counted(nullLag(10, 1500), 1500));
    const i = selectGroupInsight(s, K, 'thumbnailer')!;
    expect(i.lagEstimate).toBe(1500);
    expect(i.lagUnknown).toBe('entries were deleted (XDEL) after the group position');
    // The samples carry the estimate: the sparkline and the drain read it.
    expect(i.series).toEqual([1000, 1500]);
    expect(s.snapshot.lagHistory[key].map((x) => x.estimated)).toEqual([true, true]);
    expect(i.drainText).toBe('growing +50/s');
    // Slow (consumes 0/s of 50/s) is the worst finding; lag unknown, with the count, comes after.
    expect(i.findings.map((f) => f.kind)).toEqual(['slow', 'lag-unknown']);
    expect(i.findings[1].text).toMatch(
      /^lag unknown because entries were deleted .* \(~1,500 counted\)$/,
    );
    const row = selectStreamRows(s)[0];
    expect([row.lag, row.lagEstimate, row.level]).toEqual([null, 1500, 'warn']);
    // Not counted (more than 10,000 after the position): unknown, and why.
    const many = state({}, {
      ...nullLag(0, 50_000),
      lagUncounted: { [key]: 'more than 10,000 to count' },
    } as ReturnType<typeof nullLag>);
    const u = selectGroupInsight(many, K, 'thumbnailer')!;
    expect(u.lagEstimate).toBeNull();
    expect(u.lagUnknown).toBe(
      'entries were deleted (XDEL) after the group position; more than 10,000 to count',
    );
    expect(u.drainText).toBe('lag unknown');
  });

  it('--pending-age-warn sets when an old pending or undelivered entry marks the row', () => {
    const aged = (oldestUndeliveredAgeMs: number) =>
      snapshot([
        stream(K, {
          length: 10,
          entriesAdded: 10,
          groups: [group('thumbnailer', { lag: 3, entriesRead: 7, oldestUndeliveredAgeMs })],
        }),
      ]);
    const lenient = {
      thresholds: { lagWarn: 1000, pendingAgeWarnMs: 120_000, stuckAfterMs: 30_000 },
    };
    // 40 s: past the default 30 s, not past --pending-age-warn 2m.
    expect(selectStreamRows(state({}, aged(40_000)))[0].level).toBe('warn');
    expect(selectStreamRows(state(lenient, aged(40_000)))[0].level).toBe('ok');
    expect(selectStreamRows(state(lenient, aged(130_000)))[0].level).toBe('warn');
    expect(selectStreamRows(state(lenient, aged(6 * 60_000)))[0].level).toBe('bad');
  });
});
