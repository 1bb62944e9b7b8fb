/**
 * `--tail auto` against a real redis-server: the real Tail and Sampler behind the TailSwitch. A
 * producer pushes the read rate over a (lowered) limit, so the switch samples and says why; when
 * the producer stops, the rate has halved and full reading comes back from `$`.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createKeySpace } from '../../src/core/keys.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { Sampler, TailSwitch } from '../../src/monitor/sampler.js';
import { DEFAULT_AUTO } from '../../src/monitor/tail-auto.js';
import { Tail } from '../../src/monitor/tail.js';
import { nextStreamId } from '../../src/core/stream-id.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { factory } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const entry = (n: number) => [
  'event',
  JSON.stringify({
    n,
    event_id: `e${n}`,
    timestamp: 't',
    source: 's',
    version: '1.0.0',
    event_type: 'a.b',
  }),
  'type',
  'a.b',
];

/** 100 pipelined XADDs every 10 ms until stopped (a few thousand entries/s). */
function produce(all: string): { stop: () => Promise<void>; sent: () => number } {
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const p = r.pipeline();
      for (let i = 0; i < 100; i++) p.xadd(all, '*', ...entry(n++));
      await p.exec();
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
    sent: () => n,
  };
}

describe('TailSwitch --tail auto (real server)', () => {
  it('samples when the read rate passes the limit, says why, and reads in full again once the rate drops', async () => {
    const prefix = uniquePrefix('tailswitch');
    const keys = createKeySpace(prefix);
    const msgs: MonitorMessage[] = [];
    const emit = (m: MonitorMessage) => msgs.push(m);
    const made: string[] = [];
    const sw = new TailSwitch({
      mode: 'auto',
      emit,
      checkEveryMs: 100,
      // A limit this machine passes easily; the busy rule off, so the outcome does not depend on load.
      auto: { ...DEFAULT_AUTO, maxRate: 500, costForMs: 200, maxBusy: Infinity, backForMs: 500 },
      // As cli/monitor.ts does: after sampling, resume after the newest entry the sampler showed.
      createTail: (observe, first, after) => {
        made.push(first ? 'tail(since)' : after ? 'tail(after)' : 'tail($)');
        return new Tail({
          createClient: factory(redisUrl()).create,
          keys,
          emit: observe,
          flushMs: 20,
          since: after ? nextStreamId(after) : '$',
        });
      },
      createSampler: (onRate) => {
        made.push('sampler');
        return new Sampler({
          createClient: factory(redisUrl()).create,
          keys,
          emit,
          rows: () => 10,
          frameMs: 50,
          onRate,
        });
      },
    });
    cleanups.push(() => sw.close());
    await sw.start();
    const p = produce(keys.globalStream);
    cleanups.push(async () => {
      await p.stop();
      await r.del(keys.globalStream);
    });

    // Over the limit: sampling, announced with its reason, then a measured ratio.
    await waitFor(() => sw.sampling, 20_000, 20);
    const sampled = () => msgs.filter((m) => m.type === 'TailSampled');
    expect(sampled()[0]).toMatchObject({
      sampling: true,
      oneIn: 0,
      reason: expect.stringMatching(/^auto: \d+k\/s$/),
    });
    await waitFor(
      () => sampled().some((m) => m.type === 'TailSampled' && m.sampling && m.oneIn >= 1),
      20_000,
      20,
    );
    expect(made).toEqual(['tail(since)', 'sampler']);

    // The producer stops: the exact rate falls under half the limit, full reading resumes just
    // after the newest entry the sampler showed.
    await p.stop();
    const last = (await r.xrevrange(keys.globalStream, '+', '-', 'COUNT', 1))[0][0];
    await waitFor(() => made.includes('tail(after)'), 20_000, 20);
    expect(sw.sampling).toBe(false);
    expect(sampled().at(-1)).toMatchObject({ sampling: false });
    // Entries added while it switches are not lost in between, nor the ones after.
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++)
      ids.add((await r.xadd(keys.globalStream, '*', ...entry(i))) as string);
    const received = () =>
      msgs.flatMap((m) => (m.type === 'EventsReceived' ? m.events.map((e) => e.id) : []));
    await waitFor(() => [...ids].every((id) => received().includes(id)), 20_000, 20);
    // The producer's last entry was shown, by the sampler or by the new tail.
    expect(received()).toContain(last);
  }, 60_000);
});
