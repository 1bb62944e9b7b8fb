/** The switch loop between full reading and sampling, with fake loops (the rule: tail-auto.test.ts). */
import { describe, expect, it } from 'vitest';
import { TailSwitch, type LiveLoop } from '../../src/monitor/sampler.js';
import { DEFAULT_AUTO } from '../../src/monitor/tail-auto.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { waitFor } from '../helpers/context.js';

/** An event loop busy `u` of the time, as `performance.eventLoopUtilization()` would count it. */
const busyLoop = (u: number) => () => {
  const t = performance.now();
  return { busyMs: u * t, wallMs: t };
};

describe('TailSwitch', () => {
  /** An auto switch over fake loops, deciding every 20 ms; `seen` is what it emitted. */
  function autoSwitch(
    f: ReturnType<typeof fakes>,
    auto: Partial<typeof DEFAULT_AUTO>,
    busy: number,
  ): { sw: TailSwitch; seen: MonitorMessage[] } {
    const seen: MonitorMessage[] = [];
    const sw = new TailSwitch({
      mode: 'auto',
      emit: (m) => seen.push(m),
      checkEveryMs: 20,
      auto: { ...DEFAULT_AUTO, ...auto },
      loopTime: busyLoop(busy),
      ...f,
    });
    return { sw, seen };
  }

  function fakes() {
    const log: string[] = [];
    let tailEmit: ((m: MonitorMessage) => void) | null = null;
    let onRate: ((r: number) => void) | null = null;
    const tail = { backlog: null as number | null };
    const loop = (name: string): LiveLoop => ({
      start: () => void log.push(`start ${name}`),
      close: async () => void log.push(`close ${name}`),
      get backlog() {
        return name.startsWith('tail') ? tail.backlog : undefined;
      },
    });
    return {
      log,
      /** What the fake full tail says it has still to read. */
      setBacklog: (n: number | null) => (tail.backlog = n),
      emitTail: (m: MonitorMessage) => tailEmit!(m),
      rate: (r: number) => onRate!(r),
      createTail: (emit: (m: MonitorMessage) => void, first: boolean) => {
        tailEmit = emit;
        return loop(first ? 'tail(since)' : 'tail($)');
      },
      createSampler: (r: (perSec: number) => void) => {
        onRate = r;
        return loop('sampler');
      },
    };
  }

  it('--tail sample runs only the sampler; --tail full only the tail', async () => {
    for (const [mode, expected] of [
      ['sample', 'start sampler'],
      ['full', 'start tail(since)'],
    ] as const) {
      const f = fakes();
      const sw = new TailSwitch({ mode, emit: () => {}, ...f });
      await sw.start();
      await sw.close();
      expect(f.log).toEqual([expected, expected.replace('start', 'close')]);
    }
  });

  it('auto: a tail that falls behind is replaced by the sampler, and a tail from $ comes back when the rate drops', async () => {
    const f = fakes();
    const { sw, seen } = autoSwitch(f, { behindMs: 1000, behindForMs: 50, backForMs: 50 }, 0);
    await sw.start();
    expect(f.log).toEqual(['start tail(since)']);
    // Entries 5 s old arriving: the tail is behind.
    const old = `${Date.now() - 5000}-0`;
    const behind = setInterval(
      () =>
        f.emitTail({
          type: 'EventsReceived',
          events: [{ id: old, type: 'a', fields: {}, bytes: 1, event: null }],
          receivedAt: Date.now(),
        }),
      5,
    );
    await waitFor(() => sw.sampling, 5000, 10);
    clearInterval(behind);
    await waitFor(() => f.log.includes('start sampler'), 5000, 10);
    expect(f.log.slice(0, 3)).toEqual(['start tail(since)', 'close tail(since)', 'start sampler']);
    // Events reach the store through the switch.
    expect(seen.some((m) => m.type === 'EventsReceived')).toBe(true);
    // The exact rate falls to ~0: back to full reading, from now on ($).
    f.rate(0);
    await waitFor(() => f.log.includes('start tail($)'), 5000, 10);
    expect(seen.some((m) => m.type === 'TailSampled' && !m.sampling)).toBe(true);
    await sw.close();
  });

  it('auto: a tail that keeps the event loop busy while entries pour in is replaced by the sampler, and says why', async () => {
    const f = fakes();
    const { sw, seen } = autoSwitch(f, { costMinRate: 1000, costForMs: 40 }, 0.95);
    await sw.start();
    // Fresh entries (no lag), 100 every 5 ms: ~20k/s.
    const fresh = setInterval(
      () =>
        f.emitTail({
          type: 'EventsReceived',
          events: Array.from({ length: 100 }, (_, i) => ({
            id: `${Date.now()}-${i}`,
            type: 'a',
            fields: {},
            bytes: 1,
            event: null,
          })),
          receivedAt: Date.now(),
        }),
      5,
    );
    await waitFor(() => f.log.includes('start sampler'), 5000, 10);
    clearInterval(fresh);
    const announced = seen.find((m) => m.type === 'TailSampled' && m.sampling);
    expect(announced).toMatchObject({
      oneIn: 0,
      reason: expect.stringMatching('auto: 95% busy'),
    });
    await sw.close();
  });

  it('auto: a backlog that grows past half a second of reading is a flood: sampled at the next observation, not seconds later', async () => {
    const f = fakes();
    // The other rules off: only the backlog can switch.
    const { sw, seen } = autoSwitch(
      f,
      { behindMs: Infinity, maxBusy: Infinity, maxRate: Infinity, floodForMs: 40 },
      0.5,
    );
    await sw.start();
    // A backlog that drains (a pause being caught up) never switches, however large.
    let draining = 200_000;
    const drain = setInterval(() => f.setBacklog((draining = Math.max(0, draining - 2_000))), 5);
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(drain);
    expect(sw.sampling).toBe(false);
    // A growing one does, at once.
    let backlog = 20_000;
    const growing = setInterval(() => f.setBacklog((backlog += 2_000)), 5);
    await waitFor(() => sw.sampling, 5000, 5);
    clearInterval(growing);
    expect(seen.find((m) => m.type === 'TailSampled' && m.sampling)).toMatchObject({
      reason: expect.stringMatching(/^auto: \d+k behind$/),
    });
    await waitFor(() => f.log.includes('start sampler'), 5000, 10);
    await sw.close();
  });

  it('--tail sample announces sampling at once, with the flag as its reason', async () => {
    const f = fakes();
    const seen: MonitorMessage[] = [];
    const sw = new TailSwitch({ mode: 'sample', emit: (m) => seen.push(m), ...f });
    await sw.start();
    await sw.close();
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'TailSampled',
        sampling: true,
        oneIn: 0,
        reason: '--tail sample',
      }),
    ]);
  });
});
