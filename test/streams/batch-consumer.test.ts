/** consumeEventBatches against a real redis-server: batches, one ack per batch, the shared loop's rules. */
import { describe, expect, it } from 'vitest';
import { rawClient, waitFor } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';

const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };

async function pendingCount(key: string, group = 'alice-main'): Promise<number> {
  const redis = rawClient();
  try {
    return Number(((await redis.xpending(key, group)) as unknown[])[0]);
  } finally {
    redis.disconnect();
  }
}

describe('EventPersistence.consumeEventBatches', () => {
  it('hands out batches of up to count entries; batch.ack() acknowledges the whole batch', async () => {
    const { p, prefix } = await connectedPersistence();
    await p.persistEvents(Array.from({ length: 250 }, (_, i) => ({ eventType: 'b', data: { i } })));
    const c = puller(p.consumeEventBatches(['b'], 'w1', { ...fast, count: 100 }));
    const batches = await c.take(3);
    expect(batches.map((b) => b.deliveries.length)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.deliveries.map((d) => d.event?.data.i))).toEqual([
      ...Array(250).keys(),
    ]);
    expect(await pendingCount(`${prefix}b`)).toBe(250);
    expect(await batches[0].ack()).toBe(100);
    expect(await batches[0].ack()).toBe(0); // a second ack does nothing
    expect(await pendingCount(`${prefix}b`)).toBe(150);
    await batches[1].ack();
    await batches[2].ack();
    expect(await pendingCount(`${prefix}b`)).toBe(0);
    await c.close();
  });

  it('skips deliveries acknowledged or dead-lettered one by one; one XACK per stream', async () => {
    const { p, prefix } = await connectedPersistence();
    await p.persistEvents([
      { eventType: 'x', data: { n: 1 } },
      { eventType: 'y', data: { n: 2 } },
      { eventType: 'x', data: { n: 3 } },
      { eventType: 'y', data: { n: 4 } },
    ]);
    const c = puller(p.consumeEventBatches(['x', 'y'], 'w1', { ...fast, count: 10 }));
    const [batch] = await c.take(1);
    // One read over both streams: both come in one batch.
    expect(batch.deliveries.map((d) => d.event?.data.n).sort()).toEqual([1, 2, 3, 4]);
    const byN = (n: number) => batch.deliveries.find((d) => d.event?.data.n === n)!;
    await byN(1).ack();
    const dlqId = await batch.deadLetter(byN(4), 'bad payload');
    expect(dlqId).toMatch(/^\d+-\d+$/);
    expect(await batch.ack()).toBe(2); // 2 and 3, not 1 (acked) nor 4 (dead-lettered)
    expect(await pendingCount(`${prefix}x`)).toBe(0);
    expect(await pendingCount(`${prefix}y`)).toBe(0);
    const dead = await p.getDeadLetters('y');
    expect(dead).toHaveLength(1);
    expect(dead[0].reason).toBe('bad payload');
    await c.close();
  });

  it('a consumer restarted under the same name gets its own unacknowledged batch first', async () => {
    const { p } = await connectedPersistence();
    await p.persistEvents(Array.from({ length: 5 }, (_, i) => ({ eventType: 'r', data: { i } })));
    const c1 = puller(p.consumeEventBatches(['r'], 'w1', { ...fast, count: 5 }));
    const [lost] = await c1.take(1);
    expect(lost.deliveries).toHaveLength(5);
    await c1.close(); // "crash" without acking
    await p.persistEvent({ eventType: 'r', data: { i: 5 } });
    const c2 = puller(p.consumeEventBatches(['r'], 'w1', { ...fast, count: 5 }));
    const [again, fresh] = await c2.take(2);
    expect(again.deliveries.map((d) => [d.event?.data.i, d.deliveryCount])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i, 2]),
    );
    expect(fresh.deliveries.map((d) => d.event?.data.i)).toEqual([5]);
    await c2.close();
  });

  it('recovers idle entries of a dead consumer as a batch (claimIdleMs)', async () => {
    const { p } = await connectedPersistence();
    await p.persistEvents(Array.from({ length: 3 }, (_, i) => ({ eventType: 'c', data: { i } })));
    const dead = puller(p.consumeEventBatches(['c'], 'dead', { ...fast, count: 10 }));
    await dead.take(1);
    await dead.close();
    const c = puller(
      p.consumeEventBatches(['c'], 'alive', { ...fast, claimIdleMs: 100, claimEveryMs: 50 }),
    );
    const [claimed] = await c.take(1);
    expect(claimed.deliveries.map((d) => d.event?.data.i)).toEqual([0, 1, 2]);
    expect(await claimed.ack()).toBe(3);
    await c.close();
  });

  it('NOGROUP: the stream deleted while consuming → group recreated, batches go on', async () => {
    const { p, prefix, logs } = await connectedPersistence();
    const c = puller(p.consumeEventBatches(['ng'], 'w', fast));
    const first = c.take(1);
    await new Promise((r) => setTimeout(r, 50));
    await p.persistEvent({ eventType: 'ng', data: { n: 1 } });
    await (await first)[0].ack();
    const redis = rawClient();
    try {
      const next = c.take(1);
      await redis.del(`${prefix}ng`);
      await waitFor(async () => (await redis.exists(`${prefix}ng`)) === 1, 5000, 10);
      await p.persistEvent({ eventType: 'ng', data: { n: 2 } });
      expect((await next)[0].deliveries[0].event?.data).toEqual({ n: 2 });
      expect(logs).toEqual([expect.stringMatching(/or its stream was deleted; recreating it/)]);
    } finally {
      redis.disconnect();
      await c.close();
    }
  });

  it('refuses invalid arguments up front, like consumeEvents', async () => {
    const { p } = await connectedPersistence();
    expect(() => p.consumeEventBatches([], 'w')).toThrow(/at least one event type/);
    expect(() => p.consumeEventBatches(['a'], '')).toThrow(/non-empty consumer name/);
  });
});
