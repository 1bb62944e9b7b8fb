/** The auto switch between full reading and sampling (pure), and the switch loop with fake loops. */
import { describe, expect, it } from 'vitest';
import {
  AUTO_START,
  DEFAULT_AUTO,
  nextAutoMode,
  TailSwitch,
  type AutoState,
  type LiveLoop,
} from '../../src/monitor/sampler.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { waitFor } from '../helpers/context.js';

/** Feed observations one second apart; returns the states after each. */
function run(obs: { lagMs: number | null; perSec: number }[], start: AutoState = AUTO_START) {
  let s = start;
  return obs.map((o, i) => (s = nextAutoMode(s, { now: i * 1000, ...o })));
}

describe('nextAutoMode', () => {
  it('stays in full mode while the tail keeps up, however fast the stream', () => {
    const states = run(Array.from({ length: 10 }, () => ({ lagMs: 50, perSec: 90_000 })));
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
    expect(states[3].capacity).toBe(120_000);
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

  it('switches back when the exact rate stays under backBelow × capacity for backForMs', () => {
    const sampling: AutoState = { sampling: true, since: null, capacity: 100_000 };
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
      sampling,
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
    expect(DEFAULT_AUTO.backForMs).toBe(3000);
  });
});

describe('TailSwitch', () => {
  function fakes() {
    const log: string[] = [];
    let tailEmit: ((m: MonitorMessage) => void) | null = null;
    let onRate: ((r: number) => void) | null = null;
    const loop = (name: string): LiveLoop => ({
      start: () => void log.push(`start ${name}`),
      close: async () => void log.push(`close ${name}`),
    });
    return {
      log,
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
    const seen: MonitorMessage[] = [];
    const sw = new TailSwitch({
      mode: 'auto',
      emit: (m) => seen.push(m),
      checkEveryMs: 20,
      auto: { behindMs: 1000, behindForMs: 50, backBelow: 0.5, backForMs: 50 },
      ...f,
    });
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
});
