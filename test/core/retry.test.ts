import { describe, expect, it } from 'vitest';
import { abortableSleep, backoffDelay, RetryEpisodes } from '../../src/core/retry.js';

describe('retry toolkit', () => {
  it('backoffDelay doubles per attempt, is capped, and jitters within [delay/2, delay]', () => {
    for (let i = 0; i < 200; i++) {
      const [a, b, c, d] = [1, 2, 3, 30].map((n) => backoffDelay(n, 100, 1000));
      expect(a).toBeGreaterThanOrEqual(50);
      expect(a).toBeLessThanOrEqual(100);
      expect(b).toBeGreaterThanOrEqual(100);
      expect(b).toBeLessThanOrEqual(200);
      expect(c).toBeGreaterThanOrEqual(200);
      expect(c).toBeLessThanOrEqual(400);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('abortableSleep ends at once on abort and never rejects', async () => {
    const c = new AbortController();
    const t0 = Date.now();
    const p = abortableSleep(10_000, c.signal);
    c.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(1000);
    await abortableSleep(10_000, c.signal); // already aborted
  });

  it('an episode is logged once and a new cause starts its backoff afresh (first delay ≤ base)', () => {
    const e = new RetryEpisodes({
      retryBaseMs: 250,
      defaults: { retryBaseMs: 1, retryMaxMs: 10_000 },
    });
    const first = e.fail('UNREACHABLE');
    expect(first.started).toBe(true);
    expect(first.delayMs).toBeLessThanOrEqual(250);
    let last = first;
    for (let i = 0; i < 8; i++) last = e.fail('UNREACHABLE');
    expect(last.started).toBe(false);
    expect(last.delayMs).toBeGreaterThanOrEqual(5000); // grown during the outage
    expect(e.attempt).toBe(9);
    const nogroup = e.fail('NOGROUP'); // the server is back, without the group
    expect(nogroup.started).toBe(true);
    expect(nogroup.delayMs).toBeLessThanOrEqual(250);
    expect(e.attempt).toBe(1);
    expect(e.succeed()).toBe(true);
    expect(e.succeed()).toBe(false);
    expect(e.current).toBeNull();
    expect(e.fail('NOGROUP').started).toBe(true);
  });
});
