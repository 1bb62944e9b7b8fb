/**
 * consumeEvents / consumeEventBatches / the bus's startConsumer with `until`: exactly the entries
 * of the group ≤ until, in order, acked, then the iterator ends — and nothing after `until` is
 * handed out, read into the group, or taken from another consumer.
 */
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Delivery } from '../../src/core/types.js';
import { previousStreamId } from '../../src/core/stream-id.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { EventPersistence } from '../../src/streams/event-persistence.js';
import { rawClient, sleep } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';

const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };
const GROUP = 'alice-main';

/** Publish `n` events of `type`; their IDs in order. */
async function publish(p: EventPersistence, type: string, n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(await p.persistEvent({ eventType: type, data: { i: from + i } }));
  return ids;
}

/** Drain an iterator to its end (fails the test instead of hanging), acking each delivery. */
async function drain(it: AsyncIterable<Delivery>, timeoutMs = 10_000): Promise<Delivery[]> {
  const got: Delivery[] = [];
  const run = (async () => {
    for await (const d of it) {
      got.push(d);
      await d.ack();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    run,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`did not end; got ${got.length}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return got;
}

async function groupInfo(redis: Redis, key: string) {
  const groups = (await redis.call('XINFO', 'GROUPS', key)) as unknown[][];
  const g = groups.map((row) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < row.length; i += 2) o[String(row[i])] = row[i + 1];
    return o;
  });
  return g.find((x) => x.name === GROUP)!;
}

const pendingRows = async (redis: Redis, key: string) =>
  ((await redis.xpending(key, GROUP, '-', '+', 1000)) as [string, string, number, number][]).map(
    ([id, consumer, , count]) => ({ id, consumer, count }),
  );

describe('consumeEvents with until', () => {
  it('a group made just before A, until = B: exactly A..B in order, acked, then it ends; nothing after B is read into the group', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const key = `${prefix}t`;
    const ids = await publish(p, 't', 30);
    const [a, b] = [ids[10], ids[19]];
    await redis.call('XGROUP', 'CREATE', key, GROUP, previousStreamId(a)!);
    const it = p.consumeEvents(['t'], 'w1', { ...fast, count: 4, until: b });
    const consuming = drain(it);
    // Entries appended while it consumes come after B: never handed out.
    const later = await publish(p, 't', 5, 100);
    const got = await consuming;
    expect(got.map((d) => d.messageId)).toEqual(ids.slice(10, 20));
    expect(got.map((d) => (d.event?.data as { i: number }).i)).toEqual(
      Array.from({ length: 10 }, (_, i) => 10 + i),
    );
    expect(got.every((d) => d.deliveryCount === 1)).toBe(true);
    // Acked, and the group stopped exactly at B: the entries after it are still unread.
    expect(await pendingRows(redis, key)).toEqual([]);
    const info = await groupInfo(redis, key);
    expect(String(info['last-delivered-id'])).toBe(b);
    expect((await redis.xrange(key, `(${b}`, '+')).map(([id]) => id)).toEqual([
      ...ids.slice(20),
      ...later,
    ]);
    redis.disconnect();
  });

  it('until in the future: entries published after it started are delivered while ≤ until; it ends at the first entry after until', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const key = `${prefix}live`;
    const before = await publish(p, 'live', 3);
    const inside = await publish(p, 'live', 4, 10);
    await redis.call('XGROUP', 'CREATE', key, GROUP, before[2]);
    const [s] = await redis.time();
    const untilMs = Number(s) * 1000 + 1500;
    const got: string[] = [];
    let ended = false;
    const run = (async () => {
      for await (const d of p.consumeEvents(['live'], 'w1', { ...fast, until: String(untilMs) })) {
        got.push(d.messageId);
        await d.ack();
      }
      ended = true;
    })();
    const appended = await publish(p, 'live', 3, 20); // inside: until is 1.5 s ahead
    await sleep(300);
    expect(got).toEqual([...inside, ...appended]);
    expect(ended).toBe(false); // entries ≤ until may still come
    // Wait past until on the server's clock, then one more entry: after until, so the range is done.
    for (;;) {
      const [now] = await redis.time();
      if (Number(now) * 1000 > untilMs + 1000) break;
      await sleep(100);
    }
    const after = await p.persistEvent({ eventType: 'live', data: { i: 99 } });
    await run;
    expect(got).toEqual([...inside, ...appended]);
    expect(got).not.toContain(after);
    expect(String((await groupInfo(redis, key))['last-delivered-id'])).toBe(appended[2]);
    redis.disconnect();
  });

  it('own pending entries after until are never handed out nor re-read: they stay pending with their delivery count', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const key = `${prefix}pel`;
    const ids = await publish(p, 'pel', 8);
    await redis.call('XGROUP', 'CREATE', key, GROUP, '0');
    // An earlier run of w1 (without until) read all 8 and acked none.
    await redis.xreadgroup('GROUP', GROUP, 'w1', 'COUNT', 8, 'STREAMS', key, '>');
    const got = await drain(p.consumeEvents(['pel'], 'w1', { ...fast, count: 2, until: ids[4] }));
    expect(got.map((d) => d.messageId)).toEqual(ids.slice(0, 5));
    expect(got.every((d) => d.deliveryCount === 2)).toBe(true);
    expect(await pendingRows(redis, key)).toEqual(
      ids.slice(5).map((id) => ({ id, consumer: 'w1', count: 1 })),
    );
    redis.disconnect();
  });

  it("reclaims another consumer's idle entries ≤ until only, and ends once the range is no longer pending", async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const key = `${prefix}claim`;
    const ids = await publish(p, 'claim', 10);
    await redis.call('XGROUP', 'CREATE', key, GROUP, '0');
    // A consumer that died holding everything.
    await redis.xreadgroup('GROUP', GROUP, 'dead', 'COUNT', 10, 'STREAMS', key, '>');
    await sleep(120);
    const got = await drain(
      p.consumeEvents(['claim'], 'w1', {
        ...fast,
        claimIdleMs: 100,
        claimEveryMs: 50,
        until: ids[5],
      }),
    );
    expect(got.map((d) => d.messageId)).toEqual(ids.slice(0, 6));
    expect(await pendingRows(redis, key)).toEqual(
      ids.slice(6).map((id) => ({ id, consumer: 'dead', count: 1 })),
    );
    redis.disconnect();
  });

  it('waits for the range to be finished: an unacknowledged delivery comes back after claimIdleMs before it ends', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const ids = await publish(p, 'retry', 4);
    const seen: [string, number][] = [];
    const t0 = Date.now();
    for await (const d of p.consumeEvents(['retry'], 'w1', {
      ...fast,
      claimIdleMs: 200,
      claimEveryMs: 50,
      until: ids[2],
    })) {
      seen.push([d.messageId, d.deliveryCount]);
      if (d.messageId === ids[1] && d.deliveryCount === 1) continue; // the handler failed once
      await d.ack();
    }
    expect(seen).toEqual([
      [ids[0], 1],
      [ids[1], 1],
      [ids[2], 1],
      [ids[1], 2],
    ]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(await pendingRows(redis, `${prefix}retry`)).toEqual([]);
    redis.disconnect();
  });

  it('several types: one until for all (a point in time); each stream stops there and it ends when every one has', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    await publish(p, 'ma', 3);
    const b1 = await publish(p, 'mb', 2);
    const until = b1[1];
    await publish(p, 'ma', 2, 10);
    await publish(p, 'mb', 2, 10);
    await sleep(5);
    await publish(p, 'ma', 1, 20); // surely after until: ends the ma stream
    const got = await drain(p.consumeEvents(['ma', 'mb'], 'w1', { ...fast, until }));
    // Per stream: exactly what XRANGE - until holds (an ma entry written in until's millisecond
    // after the mb one is ≤ until too: IDs are per stream, until is one ID for all).
    for (const t of ['ma', 'mb']) {
      const want = (await redis.xrange(`${prefix}${t}`, '-', until)).map(([id]) => id);
      expect(got.filter((d) => d.eventType === t).map((d) => d.messageId)).toEqual(want);
    }
    expect(got.filter((d) => d.eventType === 'mb').map((d) => d.messageId)).toEqual(b1);
    redis.disconnect();
  });

  it('an empty range ends at once when the group is already past until; a bad until is refused', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const ids = await publish(p, 'e', 3);
    await redis.call('XGROUP', 'CREATE', `${prefix}e`, GROUP, ids[1]);
    expect(await drain(p.consumeEvents(['e'], 'w1', { ...fast, until: ids[0] }))).toEqual([]);
    expect(() => p.consumeEvents(['e'], 'w1', { until: 'yesterday' })).toThrow(
      /option until must be a stream ID/,
    );
    redis.disconnect();
  });
});

describe("consuming 'all' (the global stream)", () => {
  it("consumeEvents(['all']) with until: every type's entries of the global stream up to until, acked, then it ends; 'all' with a type is refused", async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    await publish(p, 'ga', 3);
    await publish(p, 'gb', 3);
    const all = (await redis.xrange(`${prefix}all`, '-', '+')).map(([id]) => id);
    const until = all[3];
    await publish(p, 'ga', 2, 10);
    const got = await drain(p.consumeEvents(['all'], 'w1', { ...fast, until }));
    expect(got.map((d) => d.messageId)).toEqual(all.slice(0, 4));
    expect(got.map((d) => d.eventType)).toEqual(['ga', 'ga', 'ga', 'gb']);
    expect(got.every((d) => d.streamKey === `${prefix}all`)).toBe(true);
    expect(await pendingRows(redis, `${prefix}all`)).toEqual([]);
    expect(() => p.consumeEvents(['all', 'ga'], 'w1')).toThrow(/must be the only stream/);
    redis.disconnect();
  });
});

describe('consumeEventBatches and the bus with until', () => {
  it('batches never hold an entry after until, and the iterator ends', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    const ids = await publish(p, 'bt', 12);
    const batches: string[][] = [];
    for await (const batch of p.consumeEventBatches(['bt'], 'w1', {
      ...fast,
      count: 3,
      until: ids[7],
    })) {
      batches.push(batch.deliveries.map((d) => d.messageId));
      await batch.ack();
    }
    expect(batches.flat()).toEqual(ids.slice(0, 8));
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(await pendingRows(redis, `${prefix}bt`)).toEqual([]);
    redis.disconnect();
  });

  it('startConsumer with until handles exactly the range and stops by itself (consumerDone)', async () => {
    const { p } = await connectedPersistence();
    const ids = await publish(p, 'bus', 6);
    const bus = new PersistentEventBus({ persistence: p, logger: () => {} });
    const handled: number[] = [];
    bus.startConsumer(['bus'], 'w1', (e) => void handled.push((e.data as { i: number }).i), {
      ...fast,
      until: ids[3],
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      bus.consumerDone(),
      new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('not done')), 10_000))),
    ]).finally(() => clearTimeout(timer));
    expect(handled).toEqual([0, 1, 2, 3]);
    // Ended by itself: a new consumer may be started.
    bus.startConsumer(['bus'], 'w2', () => {}, fast);
    await bus.stopConsumer();
    await bus.close();
  });
});

describe('until and a racing consumer of the same group', () => {
  it('the plain consumer keeps going where the bounded one stopped', async () => {
    const { p } = await connectedPersistence();
    const ids = await publish(p, 'mix', 6);
    const bounded = await drain(p.consumeEvents(['mix'], 'w1', { ...fast, until: ids[2] }));
    expect(bounded.map((d) => d.messageId)).toEqual(ids.slice(0, 3));
    const rest = puller(p.consumeEvents(['mix'], 'w2', fast));
    expect((await rest.take(3)).map((d) => d.messageId)).toEqual(ids.slice(3));
    await rest.close();
  });
});
