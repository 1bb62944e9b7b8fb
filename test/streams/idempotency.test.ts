/**
 * Idempotent handlers: the handler completes once per event_id, with a producer that publishes
 * the same event twice and a slow handler whose entry is reclaimed by another consumer.
 */
import { describe, expect, it } from 'vitest';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { SeedEvent } from '../../src/core/types.js';
import { rawClient, waitFor } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';

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
});
