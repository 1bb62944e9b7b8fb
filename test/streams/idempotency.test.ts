/**
 * Idempotent handlers: the handler completes once per event_id, with a producer that publishes
 * the same event twice and a slow handler whose entry is reclaimed by another consumer.
 */
import { describe, expect, it } from 'vitest';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { SeedEvent } from '../../src/core/types.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, waitFor } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';

const GROUP = 'alice-main';

describe('idempotency: consumeEvents / startConsumer with { idempotency: { ttlMs } }', () => {
  it('a double publish and a slow reclaimed handler: one completion per event_id; all acked', async () => {
    const opts = { maxDeliveries: 50 };
    const { p: pa, prefix } = await connectedPersistence(opts);
    const { p: pb } = await connectedPersistence({ ...opts, streamPrefix: prefix });
    const busA = new PersistentEventBus({ persistence: pa, logger: () => {} });
    const busB = new PersistentEventBus({ persistence: pb, logger: () => {} });
    const redis = rawClient();
    const completed: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let slowStarted = false;
    try {
      const key = `${prefix}idem.t`;
      const twice: SeedEvent = {
        eventType: 'idem.t',
        eventId: '00000000-0000-4000-8000-000000000001',
        timestamp: '2026-11-26T10:00:00+00:00',
        source: 'producer',
        version: '1.0.0',
        data: { n: 1 },
      };
      // A: long claim idle (its hold on an event lasts 10 s); its first handler call is slow.
      busA.startConsumer(
        ['idem.t'],
        'a',
        async (e) => {
          if (!slowStarted) {
            slowStarted = true;
            await gate;
          }
          completed.push(`a:${e.eventId}`);
        },
        { blockMs: 100, claimIdleMs: 10_000, idempotency: { ttlMs: 60_000 } },
      );
      await pa.persistEvent(twice);
      await waitFor(() => slowStarted);
      // B reclaims what has been idle 300 ms: A's slow entry.
      busB.startConsumer(
        ['idem.t'],
        'b',
        (e) => {
          completed.push(`b:${e.eventId}`);
        },
        { blockMs: 100, claimIdleMs: 300, claimEveryMs: 100, idempotency: { ttlMs: 60_000 } },
      );
      // The same event published again (a retrying producer) while A is still on it.
      await pa.persistEvent(twice);
      await pa.persistEvent({ eventType: 'idem.t', data: { n: 2 } });
      await waitFor(() => completed.length >= 1, 10_000);
      // B has reclaimed A's slow entry (a second delivery) and handed it back to A, not handled it.
      await waitFor(async () => {
        const rows = (await redis.xpending(key, GROUP, '-', '+', 1)) as [
          string,
          string,
          number,
          number,
        ][];
        return rows[0] && rows[0][3] >= 2 && rows[0][1] === 'a';
      }, 10_000);
      expect(completed.filter((c) => c.endsWith(twice.eventId))).toEqual([]);
      release();
      await waitFor(async () => {
        const summary = (await redis.xpending(key, GROUP)) as unknown[];
        return summary[0] === 0;
      }, 15_000);
      const ids = completed.map((c) => c.slice(2));
      expect(ids.filter((id) => id === twice.eventId)).toHaveLength(1);
      expect(new Set(ids).size).toBe(2);
      expect(ids).toHaveLength(2);
      expect(completed).toContain(`a:${twice.eventId}`);
      // The done mark shares the stream's slot and expires with the TTL.
      const mark = pa.keys.idempotencyKey(key, GROUP, twice.eventId);
      expect(mark).toContain(`{${key}}`);
      expect(await redis.get(mark)).toBe('done');
      const ttl = await redis.pttl(mark);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await redis.exists(`${prefix}dlq:idem.t`)).toBe(0);
    } finally {
      release();
      await busA.stopConsumer();
      await busB.stopConsumer();
      redis.disconnect();
    }
  });

  it('consumeEvents: a delivery completed within the TTL is acked without being handed out', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      const event = { eventType: 'idem.c', eventId: 'e-1', data: {} };
      await p.persistEvent(event);
      await p.persistEvent(event);
      await p.persistEvent({ eventType: 'idem.c', eventId: 'e-2', data: {} });
      const seen: string[] = [];
      const controller = new AbortController();
      for await (const d of p.consumeEvents(['idem.c'], 'w', {
        blockMs: 100,
        signal: controller.signal,
        idempotency: { ttlMs: 5_000 },
      })) {
        seen.push(d.event!.eventId);
        await d.ack();
        if (d.event!.eventId === 'e-2') controller.abort();
      }
      expect(seen).toEqual(['e-1', 'e-2']);
      expect(((await redis.xpending(`${prefix}idem.c`, GROUP)) as unknown[])[0]).toBe(0);
      expect(() => p.consumeEvents(['idem.c'], 'w', { idempotency: { ttlMs: 0 } })).toThrow(
        /idempotency.ttlMs/,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('consumeEventBatches: a double publish is handed out once; the batch ack marks done and acks in one MULTI', async () => {
    // MONITOR runs on a private server: on the shared one it would see every other test file's
    // traffic, and under that load ioredis can take a MONITOR line for a reply before it has
    // switched into monitor mode ("Command queue state error").
    const server = await startRedisServer();
    const { p, prefix } = await connectedPersistence({ redisUrl: server.url });
    const redis = rawClient(server.url);
    const monitor = rawClient(server.url);
    let watcher: { disconnect(): void } | null = null;
    const key = `${prefix}idem.b`;
    const opts = { blockMs: 100, count: 10, idempotency: { ttlMs: 60_000 } };
    const c = puller(p.consumeEventBatches(['idem.b'], 'w', opts));
    try {
      const twice = { eventType: 'idem.b', eventId: 'b-1', data: { n: 1 } };
      await p.persistEvents([twice, twice, { eventType: 'idem.b', eventId: 'b-2', data: {} }]);
      const [first] = await c.take(1);
      // Both copies came in one read: the second rides along with the first, not handed out.
      expect(first.deliveries.map((d) => d.event!.eventId)).toEqual(['b-1', 'b-2']);
      expect(((await redis.xpending(key, GROUP)) as unknown[])[0]).toBe(3);
      // Watch the commands of the batch ack: SETs of the marks and the XACK inside one MULTI.
      const seen: string[] = [];
      // monitor() opens a connection of its own: that one is what must be closed at the end.
      const m = await monitor.monitor();
      watcher = m;
      m.on('monitor', (_t, args: string[]) => seen.push(args[0].toLowerCase()));
      await waitFor(() => true);
      expect(await first.ack()).toBe(3);
      await waitFor(() => seen.includes('exec'));
      const tx = seen.slice(seen.indexOf('multi'), seen.indexOf('exec') + 1);
      expect(tx).toEqual(['multi', 'set', 'set', 'xack', 'exec']);
      expect(((await redis.xpending(key, GROUP)) as unknown[])[0]).toBe(0);
      expect(await redis.get(p.keys.idempotencyKey(key, GROUP, 'b-1'))).toBe('done');
      expect(await redis.get(p.keys.idempotencyKey(key, GROUP, 'b-2'))).toBe('done');
      // Published again later: acked without being handed out; the next batch has only b-3.
      await p.persistEvent(twice);
      await p.persistEvent({ eventType: 'idem.b', eventId: 'b-3', data: {} });
      const [second] = await c.take(1);
      expect(second.deliveries.map((d) => d.event!.eventId)).toEqual(['b-3']);
      await second.deliveries[0].ack(); // one by one: the same MULTI for one delivery
      expect(await second.ack()).toBe(0);
      expect(((await redis.xpending(key, GROUP)) as unknown[])[0]).toBe(0);
      expect(await redis.get(p.keys.idempotencyKey(key, GROUP, 'b-3'))).toBe('done');
    } finally {
      await c.close();
      watcher?.disconnect();
      redis.disconnect();
      monitor.disconnect();
      await p.disconnect();
      await server.stop();
    }
  });

  it('consumeEventBatches: a slow batch reclaimed by another consumer completes once per event_id', async () => {
    const opts = { maxDeliveries: 50 };
    const { p: pa, prefix } = await connectedPersistence(opts);
    const { p: pb } = await connectedPersistence({ ...opts, streamPrefix: prefix });
    const redis = rawClient();
    const key = `${prefix}idem.s`;
    const completed: string[] = [];
    const a = puller(
      pa.consumeEventBatches(['idem.s'], 'a', {
        blockMs: 100,
        claimIdleMs: 10_000,
        idempotency: { ttlMs: 60_000 },
      }),
    );
    const stopB = new AbortController();
    let bLoop: Promise<void> = Promise.resolve();
    try {
      const event = { eventType: 'idem.s', eventId: 's-1', data: {} };
      await pa.persistEvent(event);
      const [slow] = await a.take(1); // A holds s-1 and is slow about it
      expect(slow.deliveries.map((d) => d.event!.eventId)).toEqual(['s-1']);
      bLoop = (async () => {
        for await (const batch of pb.consumeEventBatches(['idem.s'], 'b', {
          blockMs: 100,
          claimIdleMs: 300,
          claimEveryMs: 100,
          signal: stopB.signal,
          idempotency: { ttlMs: 60_000 },
        })) {
          for (const d of batch.deliveries) completed.push(`b:${d.event!.eventId}`);
          await batch.ack();
        }
      })();
      await pa.persistEvent(event); // a retrying producer: B reads this copy
      // B reclaims A's idle entry (a second delivery) and hands it back to A, as it does the copy.
      await waitFor(async () => {
        const rows = (await redis.xpending(key, GROUP, '-', '+', 10)) as [
          string,
          string,
          number,
          number,
        ][];
        return rows.length === 2 && rows.every((r) => r[1] === 'a') && rows[0][3] >= 2;
      }, 10_000);
      expect(completed).toEqual([]);
      for (const d of slow.deliveries) completed.push(`a:${d.event!.eventId}`);
      expect(await slow.ack()).toBe(1);
      // The copy held by A is reclaimed by B once idle, seen done, and acked without a handler call.
      await waitFor(async () => ((await redis.xpending(key, GROUP)) as unknown[])[0] === 0, 10_000);
      expect(completed).toEqual(['a:s-1']);
      expect(await redis.exists(`${prefix}dlq:idem.s`)).toBe(0);
    } finally {
      stopB.abort();
      await bLoop;
      await a.close();
      redis.disconnect();
    }
  });
});
