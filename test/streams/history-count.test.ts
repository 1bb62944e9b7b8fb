/**
 * The history view's range count (streams/history-count.ts) against a real redis-server: exact by
 * XRANGE counting (server-side script, and plain XRANGE when the ACL refuses scripts), the whole
 * stream by XLEN, estimated past the limit, and stopped by cancel between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { countHistoryRange } from '../../src/streams/history-count.js';
import { createQueries } from '../../src/monitor/queries.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';

const N = 25_000;
const BASE = 1_700_000_000_000;
const idOf = (i: number) => `${BASE + i * 10}-${i % 3}`;
const r = rawClient();
const key = `${uniquePrefix('hcount')}t`;
const user = `hcount-${process.pid}`;

beforeAll(async () => {
  const p = r.pipeline();
  for (let i = 0; i < N; i++) p.xadd(key, idOf(i), 'n', `v${i}`);
  await p.exec();
  // A user that may read streams but not run scripts: the count falls back to plain XRANGE.
  await r.call('ACL', 'SETUSER', user, 'on', '>pw', '~*', '+@all', '-@scripting');
});
afterAll(async () => {
  await r.del(key);
  await r.call('ACL', 'DELUSER', user);
  r.disconnect();
});

describe('history range count', () => {
  it('counts a sub-range exactly, with and without scripts; the span is of its first and last entry', async () => {
    const c = await countHistoryRange(r, key, idOf(1234), idOf(20_000));
    expect(c).toEqual({
      count: 20_000 - 1234 + 1,
      estimated: false,
      done: true,
      firstId: idOf(1234),
      lastId: idOf(20_000),
    });
    const url = new URL(redisUrl());
    url.username = user;
    url.password = 'pw';
    const noScripts = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    try {
      await expect(noScripts.eval('return 1', 0)).rejects.toThrow(/NOPERM/);
      const progress: number[] = [];
      const plain = await countHistoryRange(noScripts, key, `${BASE + 5}-0`, idOf(20_000), {
        onProgress: (p) => progress.push(p.count),
      });
      expect(plain.count).toBe(20_000);
      expect(plain.firstId).toBe(idOf(1));
      // Plain pages of 1,000: progress after each, increasing.
      expect(progress.length).toBeGreaterThanOrEqual(19);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      noScripts.disconnect();
    }
  });

  it('the whole stream is XLEN; an empty range is 0', async () => {
    expect((await countHistoryRange(r, key, '0-0', `${BASE * 2}-0`)).count).toBe(N);
    expect(await countHistoryRange(r, key, `${BASE - 100}-0`, `${BASE - 1}-0`)).toMatchObject({
      count: 0,
      done: true,
      firstId: null,
    });
  });

  it('past the limit the rest is estimated (marked); cancel stops between pages', async () => {
    const c = await countHistoryRange(r, key, idOf(1), idOf(N - 2), { limit: 10_000 });
    expect(c.estimated).toBe(true);
    expect(c.done).toBe(true);
    // Evenly spaced entries: the estimate is close to the truth (N − 2).
    expect(Math.abs(c.count - (N - 2))).toBeLessThan(N * 0.01);
    let asked = 0;
    const stopped = await countHistoryRange(r, key, idOf(1), idOf(N - 2), {
      cancelled: () => ++asked > 1,
    });
    expect(stopped.done).toBe(false);
    expect(stopped.count).toBe(10_000);
  });

  it('the queries port: a cancelled count emits nothing; a new count replaces the running one', async () => {
    const got: MonitorMessage[] = [];
    const q = createQueries({ client: r, emit: (m) => got.push(m) });
    const req = (seq: number) => ({ key, from: idOf(1), to: idOf(N - 2), seq });
    const cancelled = q.countHistoryRange!(req(1));
    q.cancelHistoryCount!();
    await cancelled;
    expect(got).toEqual([]);
    const first = q.countHistoryRange!(req(2));
    const second = q.countHistoryRange!(req(3));
    await Promise.all([first, second]);
    const done = got.filter((m) => m.type === 'HistoryRangeCounted' && m.done);
    expect(done.map((m) => m.type === 'HistoryRangeCounted' && [m.request.seq, m.count])).toEqual([
      [3, N - 2],
    ]);
  });
});
