import { describe, expect, it } from 'vitest';
import type { SeedEvent } from '../../src/core/types.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';

function newBus(extra: Partial<ConstructorParameters<typeof PersistentEventBus>[0]> = {}) {
  const logs: string[] = [];
  const prefix = uniquePrefix('bus');
  const persistence = new EventPersistence({
    redisUrl: redisUrl(),
    streamPrefix: prefix,
    logger: (l) => logs.push(l),
  });
  const bus = new PersistentEventBus({ persistence, logger: (l) => logs.push(l), ...extra });
  return { bus, persistence, prefix, logs };
}

describe('PersistentEventBus', () => {
  it('publish delivers to type and * subscribers, persists with the same event ID; unsubscribe works', async () => {
    const { bus, persistence } = newBus();
    await bus.initialize();
    const typed: SeedEvent[] = [];
    const all: SeedEvent[] = [];
    const off = bus.subscribe('asset.discovered', (e) => void typed.push(e));
    bus.subscribe('*', (e) => void all.push(e));
    const id = await bus.publish({ eventType: 'asset.discovered', data: { n: 1 } });
    await bus.publish({ eventType: 'other', data: {} });
    off();
    await bus.publish({ eventType: 'asset.discovered', data: { n: 2 } });
    expect(typed.map((e) => e.data.n)).toEqual([1]);
    expect(all.map((e) => e.eventType)).toEqual(['asset.discovered', 'other', 'asset.discovered']);
    const [stored] = await persistence.getEvents('asset.discovered', { count: 1 });
    expect(stored.streamId).toBe(id);
    expect(stored.event?.eventId).toBe(typed[0].eventId);
    await expect(bus.publish({ eventType: 'all' })).rejects.toThrow(/reserved/);
    await bus.close();
    await persistence.disconnect();
  });

  it('a throwing subscriber does not stop others or the publish', async () => {
    const { bus, logs, persistence } = newBus();
    await bus.initialize();
    const got: string[] = [];
    bus.subscribe('x', () => {
      throw new Error('boom');
    });
    bus.subscribe('x', (e) => void got.push(e.eventId));
    expect(await bus.publish({ eventType: 'x' })).toMatch(/^\d+-\d+$/);
    expect(got).toHaveLength(1);
    expect(logs.some((l) => l.includes('boom'))).toBe(true);
    await bus.close();
    await persistence.disconnect();
  });

  it('defect 3: replayEvents re-dispatches stored events (start/end/count) and returns the count', async () => {
    const { bus, persistence } = newBus();
    await bus.initialize();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await persistence.persistEvent({ eventType: 'rp', data: { i } }));
    const seen: number[] = [];
    bus.subscribe('rp', (e) => void seen.push(e.data.i as number));
    expect(await bus.replayEvents('rp', { start: '-', count: 3 })).toBe(3);
    expect(await bus.replayEvents('rp', { start: ids[3], end: '+' })).toBe(2);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(await persistence.getEvents('rp')).toHaveLength(5); // replay does not re-persist
    await bus.close();
    await persistence.disconnect();
  });

  it('replayEvents with speed and progress: pages past 500, paces by stream-ID time, cancel stops', async () => {
    const { bus, persistence, prefix } = newBus();
    await bus.initialize();
    const redis = rawClient();
    // 1,200 entries 1 ms apart (1.2 s of original time), written with explicit IDs in the seed format.
    const p = redis.pipeline();
    for (let i = 0; i < 1200; i++)
      p.xadd(
        `${prefix}sp`,
        `${1_700_000_000_000 + i}-0`,
        'event',
        JSON.stringify({
          i,
          event_type: 'sp',
          event_id: `e${i}`,
          timestamp: '2023-11-14T22:13:20+00:00',
          source: '',
          version: '1.0.0',
        }),
      );
    await p.exec();
    const seen: number[] = [];
    const off = bus.subscribe('sp', (e) => void seen.push(e.data.i as number));
    const progress: number[] = [];
    expect(
      await bus.replayEvents('sp', { speed: 'max', onProgress: (pr) => progress.push(pr.done) }),
    ).toBe(1200);
    expect(seen).toEqual([...Array(1200).keys()]);
    expect(progress.at(-1)).toBe(1200);
    // At 1× the 1.2 s span is not replayed at once: cancel after the first events arrive.
    seen.length = 0;
    const { ReplayControl } = await import('../../src/streams/replay-control.js');
    const control = new ReplayControl();
    const run = bus.replayEvents('sp', { speed: 1, control });
    await waitFor(() => seen.length > 0);
    control.cancel();
    const n = await run;
    expect(n).toBeLessThan(1200);
    expect(seen).toHaveLength(n);
    off();
    redis.disconnect();
    await bus.close();
    await persistence.disconnect();
  });

  it('startConsumer refuses no event types up front (no background loop)', async () => {
    const { bus, logs } = newBus();
    await bus.initialize();
    expect(() => bus.startConsumer([], 'w', async () => {})).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(logs).toEqual([]);
    await bus.close();
  });

  it('startConsumer: success acks; failure stays pending, is retried, and is dead-lettered after maxDeliveries', async () => {
    const prefix = uniquePrefix('busc');
    const logs: string[] = [];
    const persistence = new EventPersistence({
      redisUrl: redisUrl(),
      streamPrefix: prefix,
      maxDeliveries: 2,
      logger: (l) => logs.push(l),
    });
    const bus = new PersistentEventBus({ persistence, logger: (l) => logs.push(l) });
    await bus.initialize();
    const attempts = new Map<string, number>();
    bus.startConsumer(
      ['job'],
      'w1',
      async (e) => {
        attempts.set(String(e.data.name), (attempts.get(String(e.data.name)) ?? 0) + 1);
        if (e.data.name === 'bad') throw new Error('cannot process');
      },
      { blockMs: 50, claimIdleMs: 40, claimEveryMs: 20 },
    );
    await bus.publish({ eventType: 'job', data: { name: 'good' } });
    const badId = await bus.publish({ eventType: 'job', data: { name: 'bad' } });
    const redis = rawClient();
    try {
      const dlq = await waitFor(async () => {
        const r = await redis.xrange(`${prefix}dlq:job`, '-', '+');
        return r.length ? r : null;
      });
      expect(dlq![0][1]).toEqual(
        expect.arrayContaining(['dlq_original_id', badId, 'dlq_delivery_count', '3']),
      );
      expect(attempts.get('good')).toBe(1);
      expect(attempts.get('bad')).toBe(2);
      expect(await redis.xpending(`${prefix}job`, 'alice-main')).toEqual([0, null, null, null]);
      expect(logs.filter((l) => l.includes('left pending for retry'))).toHaveLength(2);
    } finally {
      redis.disconnect();
    }
    const t0 = Date.now();
    await bus.stopConsumer();
    expect(Date.now() - t0).toBeLessThan(200);
    await bus.close();
    await persistence.disconnect();
  });

  it('Redis down: publish still delivers in-process, queues (bounded, overflow reported) and persists when Redis returns', async () => {
    const server = await startRedisServer();
    const logs: string[] = [];
    const persistence = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: 'down:',
      reconnectMaxMs: 100,
      commandTimeoutMs: 500,
      logger: (l) => logs.push(l),
    });
    const overflowed: SeedEvent[] = [];
    const bus = new PersistentEventBus({
      persistence,
      maxQueued: 2,
      retryBaseMs: 20,
      retryMaxMs: 100,
      onOverflow: (e) => void overflowed.push(e),
      logger: (l) => logs.push(l),
    });
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | null = null;
    try {
      await bus.initialize();
      const seen: number[] = [];
      bus.subscribe('*', (e) => void seen.push(e.data.n as number));
      expect(await bus.publish({ eventType: 'd', data: { n: 0 } })).not.toBeNull();
      await server.stop();
      for (let n = 1; n <= 3; n++)
        expect(await bus.publish({ eventType: 'd', data: { n } })).toBeNull();
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(bus.queuedCount).toBe(2);
      expect(bus.droppedCount).toBe(1);
      expect(overflowed.map((e) => e.data.n)).toEqual([1]);
      restarted = await startRedisServer({ port: server.port });
      await waitFor(() => bus.queuedCount === 0, 8000);
      const stored = await persistence.getEvents('d');
      expect(stored.map((s) => s.event?.data.n)).toEqual([2, 3]); // the restarted server started empty
      expect(
        logs.filter((l) =>
          /cannot persist now \(lost the connection.*\): queueing events in memory/.test(l),
        ),
      ).toHaveLength(1);
    } finally {
      await bus.close();
      await persistence.disconnect();
      await restarted?.stop();
      await server.stop();
    }
  });

  it('publish works with persistence off and when initialize() could not connect', async () => {
    const plain = new PersistentEventBus({ persistEvents: false });
    const got: string[] = [];
    plain.subscribe('p', (e) => void got.push(e.eventType));
    expect(await plain.publish({ eventType: 'p' })).toBeNull();
    expect(got).toEqual(['p']);
    await plain.close();

    const persistence = new EventPersistence({
      redisUrl: 'redis://127.0.0.1:1',
      streamPrefix: 'nope:',
    });
    const bus = new PersistentEventBus({ persistence, logger: () => {} });
    await expect(bus.initialize()).rejects.toMatchObject({ code: 'UNREACHABLE' });
    bus.subscribe('q', (e) => void got.push(e.eventType));
    expect(await bus.publish({ eventType: 'q' })).toBeNull();
    expect(got).toEqual(['p', 'q']);
    expect(bus.queuedCount).toBe(1);
    await bus.close();
  });
});
