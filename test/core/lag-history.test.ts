import { describe, expect, it } from 'vitest';
import {
  drainOf,
  formatDrain,
  formatEta,
  groupKey,
  HISTORY_MAX_SAMPLES,
  lagSeries,
  ratesOf,
  recordSnapshot,
  type LagHistory,
} from '../../src/core/lag-history.js';
import { sparkline, SPARK_UNKNOWN } from '../../src/core/sparkline.js';
import { group, stream } from '../store/build.js';

const KEY = 'alice:events:asset.processed';
const at = (t: number, added: number, read: number, lag: number | null = added - read) =>
  [stream(KEY, { entriesAdded: added, groups: [group('w', { entriesRead: read, lag })] })] as const;

function feed(points: [t: number, added: number, read: number][]): LagHistory {
  let h: LagHistory = {};
  for (const [t, added, read] of points) h = recordSnapshot(h, at(t, added, read), t);
  return h;
}

describe('lag history', () => {
  it('keeps one sample per snapshot per group, oldest first, and drops groups that are gone', () => {
    const h = feed([
      [1000, 10, 5],
      [2000, 20, 8],
    ]);
    expect(h[groupKey(KEY, 'w')].map((s) => [s.t, s.lag, s.added, s.read])).toEqual([
      [1000, 5, 10, 5],
      [2000, 12, 20, 8],
    ]);
    expect(recordSnapshot(h, [stream(KEY)], 3000)).toEqual({});
  });

  it('is bounded: nothing older than 10 minutes, at most HISTORY_MAX_SAMPLES at any refresh rate', () => {
    let h: LagHistory = {};
    // 100 ms refresh for 15 minutes: 9,000 snapshots.
    for (let t = 0; t <= 15 * 60_000; t += 100) h = recordSnapshot(h, at(t, t, t / 2), t);
    const samples = h[groupKey(KEY, 'w')];
    expect(samples.length).toBeLessThanOrEqual(HISTORY_MAX_SAMPLES + 1);
    expect(samples.length).toBeGreaterThan(HISTORY_MAX_SAMPLES / 2);
    expect(samples[0].t).toBeGreaterThan(5 * 60_000);
    expect(samples[samples.length - 1].t).toBe(15 * 60_000);
  });

  it('uses the counted estimate where Redis says NULL, marked estimated', () => {
    const h = recordSnapshot({}, at(1000, 10, 5, null), 1000, {
      estimates: { [groupKey(KEY, 'w')]: 7 },
    });
    expect(h[groupKey(KEY, 'w')][0]).toMatchObject({ lag: 7, estimated: true });
  });
});

describe('rates and time to drain', () => {
  it('ingest and consume from entries-added and entries-read deltas (entries/s)', () => {
    const h = feed([
      [0, 0, 0],
      [10_000, 1000, 500],
    ]);
    expect(ratesOf(h[groupKey(KEY, 'w')])).toEqual({ ingest: 100, consume: 50, overSec: 10 });
  });

  it('falls back to lag growth when entries-read is unknown', () => {
    const s = [
      { t: 0, lag: 100, estimated: false, added: 0, read: null },
      { t: 10_000, lag: 50, estimated: false, added: 100, read: null },
    ];
    expect(ratesOf(s).consume).toBe(15); // 10/s in, lag fell 5/s → 15/s out
  });

  it('drains, grows, stalls, holds steady', () => {
    expect(formatDrain(drainOf(1200, { ingest: 10, consume: 15, overSec: 30 }))).toBe(
      'drains in ~4m',
    );
    expect(formatDrain(drainOf(500, { ingest: 120, consume: 0, overSec: 30 }))).toBe(
      'growing +120/s',
    );
    expect(formatDrain(drainOf(500, { ingest: 0, consume: 0, overSec: 30 }))).toBe('stalled');
    expect(formatDrain(drainOf(500, { ingest: 5, consume: 5, overSec: 30 }))).toBe('steady');
    expect(formatDrain(drainOf(0, { ingest: 5, consume: 5, overSec: 30 }))).toBe('caught up');
    expect(formatDrain(drainOf(null, { ingest: 5, consume: 5, overSec: 30 }))).toBe('lag unknown');
    expect(formatDrain(drainOf(5, { ingest: null, consume: null, overSec: 0 }))).toBe('measuring…');
  });

  it('tiny lag is not a trend: lag 2–3 while consuming is "keeping up", not red "growing +0.1/s"', () => {
    // What the demo showed: a fast group one or two entries behind, rates off by a tenth.
    expect(formatDrain(drainOf(3, { ingest: 20.1, consume: 20, overSec: 30 }))).toBe('keeping up');
    expect(formatDrain(drainOf(2, { ingest: 20, consume: 20.2, overSec: 30 }))).toBe('keeping up');
    // The same rates on a real backlog: over 30 s the lag moved 3 entries, within the noise of
    // batched reads (a second of consumption) — steady; over 10 minutes it is a trend.
    expect(formatDrain(drainOf(500, { ingest: 20.1, consume: 20, overSec: 30 }))).toBe('steady');
    expect(formatDrain(drainOf(500, { ingest: 20.1, consume: 20, overSec: 600 }))).toBe(
      'growing +0.1/s',
    );
    // Nothing consumed and nothing added: stalled, whatever the lag.
    expect(formatDrain(drainOf(3, { ingest: 0, consume: 0, overSec: 30 }))).toBe('stalled');
  });

  it('a healthy group read in batches reads steady, not red "growing" then "drains in ~4s"', () => {
    // 30/s in batches: the lag at the ends of a 10 s window was 45 and 60 entries (or 60 and 45).
    const healthy = (from: number, to: number) =>
      formatDrain(drainOf(to, { ingest: 30, consume: 30 - (to - from) / 10, overSec: 10 }));
    expect([healthy(45, 60), healthy(60, 45), healthy(5, 29)]).toEqual([
      'steady',
      'steady',
      'steady',
    ]);
    // Lag under a second of consumption: keeping up, whatever the sign.
    expect([healthy(20, 25), healthy(28, 8)]).toEqual(['keeping up', 'keeping up']);
    // A real fall behind (consumer stopped: 300 more over 10 s) and a real drain still read.
    expect(formatDrain(drainOf(340, { ingest: 30, consume: 0, overSec: 10 }))).toBe(
      'growing +30/s',
    );
    expect(formatDrain(drainOf(300, { ingest: 30, consume: 60, overSec: 10 }))).toBe(
      'drains in ~10s',
    );
  });

  it('formats estimates in the largest sensible unit', () => {
    expect([0.5, 45, 240, 7200, 3 * 86400, 90 * 86400].map(formatEta)).toEqual([
      '<1s',
      '~45s',
      '~4m',
      '~2h',
      '~3d',
      '> 30d',
    ]);
  });
});

describe('sparkline', () => {
  it('scales 0..max to ▁..█ and reads without colour', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁');
    expect(sparkline([5, null, 5], 3)).toBe(`█${SPARK_UNKNOWN}█`);
  });

  it('pads short series on the left and keeps spikes when it must compress', () => {
    expect(sparkline([1, 2], 5)).toBe('   ▅█');
    const long = Array.from({ length: 100 }, (_, i) => (i === 37 ? 100 : 1));
    const line = sparkline(long, 10);
    expect(line).toHaveLength(10);
    expect(line[3]).toBe('█');
  });

  it('draws the history of a group', () => {
    const h = feed([
      [0, 0, 0],
      [1000, 10, 0],
      [2000, 20, 0],
    ]);
    expect(sparkline(lagSeries(h[groupKey(KEY, 'w')]), 3)).toBe('▁▅█');
  });
});
