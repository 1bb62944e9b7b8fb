/** The status bar says honestly how the tail reads: sampling, measuring or 1 in N, and why. */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { events, triageSnapshot, T0 } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

const sampled = (oneIn: number, perSec: number, reason?: string): MonitorMessage => ({
  type: 'TailSampled',
  sampling: true,
  oneIn,
  perSec,
  at: T0,
  ...(reason === undefined ? {} : { reason }),
});

describe('status bar while sampling', () => {
  it('120 columns: "measuring" with the reason at the switch, then 1 in N with the same reason', async () => {
    const base = [connected('tail'), connected('poller'), events(0, 5), triageSnapshot()];
    m = mount([...base, sampled(0, 70_000, 'auto: 97% busy')], {}, { width: 120, height: 30 });
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  70,000 ev/s  sampling: measuring  (auto: 97% busy)  held 5  snapshot 0.4s ago',
    );
    m.store.dispatch(sampled(1234, 283_000));
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  283,000 ev/s  sampling: 1 in 1,234 shown  (auto: 97% busy)  held 5  snapshot 0.4s ago',
    );
  });

  it('80 columns: the ratio stays, the reason gives way first after "held"', async () => {
    m = mount([
      connected('tail'),
      connected('poller'),
      events(0, 5),
      triageSnapshot(),
      sampled(1234, 283_000, 'auto: 97% busy'),
    ]);
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  283,000 ev/s  sampling: 1 in 1,234 shown  snapshot 0.4s ago',
    );
  });

  it('back to full reading: no sampling segment, no reason left behind', async () => {
    m = mount([
      connected('tail'),
      connected('poller'),
      events(0, 5),
      triageSnapshot(),
      sampled(40, 50_000, '--tail sample'),
      { type: 'TailSampled', sampling: false, oneIn: 1, perSec: 0, at: T0 },
    ]);
    await settle();
    expect(lines(m)[0]).not.toMatch(/sampling|--tail/);
  });
});
