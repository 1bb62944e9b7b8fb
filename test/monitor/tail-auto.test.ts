/** `--tail auto`'s rule (pure): when full reading gives way to sampling, and when it comes back. */
import { describe, expect, it } from 'vitest';
import {
  AUTO_START,
  DEFAULT_AUTO,
  describeReason,
  nextAutoMode,
  type AutoObservation,
  type AutoState,
} from '../../src/monitor/tail-auto.js';

type Obs = Omit<AutoObservation, 'now' | 'busy'> & { busy?: number | null };

/** Feed observations one second apart; returns the states after each. */
function run(obs: Obs[], start: AutoState = AUTO_START) {
  let s = start;
  return obs.map((o, i) => (s = nextAutoMode(s, { now: i * 1000, busy: null, ...o })));
}

const sampling = (capacity: number): AutoState => ({
  ...AUTO_START,
  sampling: true,
  capacity,
  reason: 'busy',
  reasonValue: 0.95,
});

describe('nextAutoMode: full → sampling', () => {
  it('stays in full mode while the tail keeps up cheaply, however fast the stream', () => {
    const states = run(
      Array.from({ length: 10 }, () => ({ lagMs: 50, perSec: 90_000, busy: 0.6 })),
    );
    expect(states.every((s) => !s.sampling)).toBe(true);
  });

  it('samples once the tail has been behind for behindForMs, remembering what full mode managed', () => {
    const states = run([
      { lagMs: 100, perSec: 80_000 },
      { lagMs: 3000, perSec: 120_000 }, // behind from t=1 s
      { lagMs: 4000, perSec: 120_000 }, // 1 s behind: not yet
      { lagMs: 5000, perSec: 120_000 }, // 2 s behind: switch
    ]);
    expect(states.map((s) => s.sampling)).toEqual([false, false, false, true]);
    expect(states[3]).toMatchObject({ capacity: 120_000, reason: 'behind', reasonValue: 5000 });
  });

  it('a short stall does not switch (the behind clock restarts when it catches up)', () => {
    const states = run([
      { lagMs: 3000, perSec: 100_000 },
      { lagMs: 3000, perSec: 100_000 },
      { lagMs: 10, perSec: 100_000 },
      { lagMs: 3000, perSec: 100_000 },
      { lagMs: 3000, perSec: 100_000 },
    ]);
    expect(states.every((s) => !s.sampling)).toBe(true);
  });

  it('samples when full reading keeps the event loop busier than maxBusy for costForMs, though it is not behind', () => {
    // The server's maximum: the tail keeps within its lag threshold by using the whole loop.
    const states = run([
      { lagMs: 300, perSec: 60_000, busy: 0.5 },
      { lagMs: 800, perSec: 70_000, busy: 0.97 }, // costly from t=1 s
      { lagMs: 900, perSec: 72_000, busy: 0.98 }, // 1 s: switch
    ]);
    expect(states.map((s) => s.sampling)).toEqual([false, false, true]);
    expect(states[2]).toMatchObject({ capacity: 72_000, reason: 'busy', reasonValue: 0.98 });
  });

  it('one busy second is not enough (a GC or a big frame), nor is a busy loop while few live entries arrive', () => {
    expect(
      run([
        { lagMs: 100, perSec: 40_000, busy: 0.95 },
        { lagMs: 100, perSec: 40_000, busy: 0.4 },
        { lagMs: 100, perSec: 40_000, busy: 0.95 },
        { lagMs: 100, perSec: 40_000, busy: 0.4 },
      ]).some((s) => s.sampling),
    ).toBe(false);
    // --since history, a 1,000-stream snapshot, the UI: busy, but not the live tail's cost.
    expect(
      run(Array.from({ length: 5 }, () => ({ lagMs: 100, perSec: 200, busy: 1.0 }))).some(
        (s) => s.sampling,
      ),
    ).toBe(false);
  });

  it('samples when the read rate stays above maxRate, with the limit as the capacity', () => {
    const states = run([
      { lagMs: 100, perSec: 160_000, busy: 0.5 },
      { lagMs: 100, perSec: 170_000, busy: 0.5 },
    ]);
    expect(states.map((s) => s.sampling)).toEqual([false, true]);
    expect(states[1]).toMatchObject({ reason: 'rate', capacity: DEFAULT_AUTO.maxRate });
  });

  it('keeps the same state object while nothing changes (no re-render for a steady stream)', () => {
    const a = nextAutoMode(AUTO_START, { now: 0, lagMs: 10, perSec: 10, busy: 0.1 });
    expect(a).toBe(AUTO_START);
  });
});

describe("nextAutoMode: a flood (the backlog to the stream's end)", () => {
  /** Observations `stepMs` apart, as TailSwitch makes them (four a second). */
  const every = (stepMs: number, obs: Obs[], start: AutoState = AUTO_START) => {
    let s = start;
    return obs.map((o, i) => (s = nextAutoMode(s, { now: i * stepMs, busy: null, ...o })));
  };

  it('samples at the second observation of a growing backlog above floodS of reading, long before the lag rule', () => {
    // The server's maximum: ~160k/s offered, full mode reads ~60k/s; not yet 2 s behind.
    const states = every(250, [
      { lagMs: 100, perSec: 20_000, backlog: 0 },
      { lagMs: 300, perSec: 60_000, backlog: 25_000 }, // 0.42 s of reading: not yet a flood
      { lagMs: 500, perSec: 60_000, backlog: 50_000 }, // 0.83 s: a flood from here…
      { lagMs: 700, perSec: 60_000, backlog: 75_000 }, // …still growing 250 ms later: switch
    ]);
    expect(states.map((s) => s.sampling)).toEqual([false, false, false, true]);
    expect(states[3]).toMatchObject({ reason: 'flood', reasonValue: 75_000, capacity: 60_000 });
    expect(describeReason('flood', 75_000)).toBe('auto: 75k behind');
  });

  it('a pause leaves a backlog that drains: no switch, however large it was', () => {
    // A 1 s GC or frame at 50k/s, then the tail catches up at its full speed.
    const states = every(250, [
      { lagMs: 1000, perSec: 10_000, backlog: 50_000 },
      { lagMs: 600, perSec: 90_000, backlog: 30_000 },
      { lagMs: 300, perSec: 120_000, backlog: 10_000 },
      { lagMs: 100, perSec: 80_000, backlog: 0 },
      { lagMs: 1000, perSec: 10_000, backlog: 50_000 }, // and again
      { lagMs: 700, perSec: 90_000, backlog: 40_000 },
      { lagMs: 300, perSec: 90_000, backlog: 0 },
    ]);
    expect(states.every((s) => !s.sampling)).toBe(true);
  });

  it('a steady moderate rate never floods: a batch or two behind, or less than floodS of reading', () => {
    const states = every(
      250,
      Array.from({ length: 40 }, (_, i) => ({
        lagMs: 150,
        perSec: 50_000,
        backlog: [0, 1000, 2000, 24_000][i % 4], // 24k < 0.5 s of 50k/s
      })),
    );
    expect(states.every((s) => !s.sampling)).toBe(true);
    // Below floodMin it is no flood even when the tail reads slowly.
    expect(
      every(250, [
        { lagMs: 50, perSec: 100, backlog: 2_000 },
        { lagMs: 50, perSec: 100, backlog: 4_000 },
        { lagMs: 50, perSec: 100, backlog: 6_000 },
      ]).some((s) => s.sampling),
    ).toBe(false);
  });

  it('an unknown backlog (history, old servers) never floods', () => {
    const states = every(
      250,
      Array.from({ length: 8 }, () => ({ lagMs: 100, perSec: 1000, backlog: null })),
    );
    expect(states.every((s) => !s.sampling)).toBe(true);
  });

  it('after a flood the way back keeps its hysteresis: full again only once the rate halves for backForMs', () => {
    const flooded = every(250, [
      { lagMs: 300, perSec: 60_000, backlog: 40_000 },
      { lagMs: 500, perSec: 60_000, backlog: 60_000 },
    ])[1];
    expect(flooded).toMatchObject({ sampling: true, capacity: 60_000 });
    // Sampling at 160k/s, then a rate just under capacity (no flapping), then under half.
    const later = every(
      250,
      [
        ...Array.from({ length: 8 }, () => ({ lagMs: null, perSec: 160_000 })),
        ...Array.from({ length: 20 }, () => ({ lagMs: null, perSec: 55_000 })),
        ...Array.from({ length: 13 }, () => ({ lagMs: null, perSec: 20_000 })),
      ],
      flooded,
    );
    expect(later.slice(0, 40).every((s) => s.sampling)).toBe(true);
    expect(later[40].sampling).toBe(false); // 3 s (12 steps) under 30k
  });
});

describe('nextAutoMode: sampling → full (hysteresis)', () => {
  it('switches back when the exact rate stays under backBelow × capacity for backForMs', () => {
    const states = run(
      [
        { lagMs: null, perSec: 300_000 },
        { lagMs: null, perSec: 40_000 }, // under 50k from t=1 s
        { lagMs: null, perSec: 40_000 },
        { lagMs: null, perSec: 60_000 }, // over again: the clock restarts
        { lagMs: null, perSec: 30_000 },
        { lagMs: null, perSec: 30_000 },
        { lagMs: null, perSec: 30_000 },
        { lagMs: null, perSec: 30_000 }, // 3 s under: back to full
      ],
      sampling(100_000),
    );
    expect(states.map((s) => s.sampling)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(states[7]).toMatchObject({ reason: null, capacity: 100_000 });
    expect(DEFAULT_AUTO.backForMs).toBe(3000);
  });

  it('does not flap at the limit: a rate just under what full mode managed keeps sampling', () => {
    const states = run(
      Array.from({ length: 20 }, () => ({ lagMs: null, perSec: 65_000 })),
      sampling(72_000),
    );
    expect(states.every((s) => s.sampling)).toBe(true);
  });

  it('a cost switch and the way back, in one run: sample at the limit, full again once the rate halves', () => {
    const states = run([
      { lagMs: 200, perSec: 70_000, busy: 0.95 },
      { lagMs: 200, perSec: 70_000, busy: 0.95 }, // switch (capacity 70k)
      { lagMs: null, perSec: 280_000 }, // sampling at the server's maximum
      { lagMs: null, perSec: 20_000 }, // producer slows down: under 35k from here
      { lagMs: null, perSec: 20_000 },
      { lagMs: null, perSec: 20_000 },
      { lagMs: null, perSec: 20_000 }, // 3 s: full again
      { lagMs: 50, perSec: 20_000, busy: 0.3 }, // and full stays full
    ]);
    expect(states.map((s) => s.sampling)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('describeReason', () => {
  it('words each reason for the status bar', () => {
    expect(describeReason('busy', 0.968)).toBe('auto: 97% busy');
    expect(describeReason('behind', 2500)).toBe('auto: 2.5 s behind');
    expect(describeReason('rate', 152_300)).toBe('auto: 152k/s');
    expect(describeReason(null, null)).toBeNull();
  });
});
