/**
 * Byte fidelity against a real Redis: entries written by Python producers (the hand-written
 * fixtures) are read, consumed, re-published, dead-lettered and claimed without a byte changing.
 * Paths that move an existing entry must copy its raw bytes, never re-encode.
 */
import { describe, expect, it } from 'vitest';
import { rawClient } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';
import { fidelityFixtures } from '../helpers/fidelity-fixtures.js';

const GROUP = 'alice-main';
const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };
/** Not UTF-8: a string round trip through ioredis would change these bytes. */
const BINARY = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0xc3]);

function typeOf(key: string): string {
  return key.slice('alice:events:'.length);
}

describe('fidelity with Python producers (real Redis)', () => {
  it('persistEvent(stored.event) of an event read with getEvents writes the same event bytes', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      for (const f of fidelityFixtures) {
        const type = typeOf(f.key);
        await redis.xadd(`${prefix}${type}`, '*', 'event', f.fields.event);
        const [stored] = await p.getEvents(type);
        expect(stored.event, f.case).not.toBeNull();
        const id = await p.persistEvent(stored.event!);
        const [again] = await redis.xrange(`${prefix}${type}`, id, id);
        expect(again[1], f.case).toEqual(['event', f.fields.event]);
        const global = await redis.xrevrange(`${prefix}all`, '+', '-', 'COUNT', 1);
        expect(global[0][1], f.case).toEqual(['event', f.fields.event, 'type', type]);
        await redis.del(`${prefix}${type}`);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('a consumer delivers NaN/Infinity and big-integer events (as Python consumers do), never dead-letters them', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      const wanted = ['nan-infinity', 'big-integers'].map((c) =>
        fidelityFixtures.find((f) => f.case === c)!,
      );
      for (const f of wanted) await redis.xadd(`${prefix}py`, '*', 'event', f.fields.event);
      const c = puller(p.consumeEvents(['py'], 'w1', fast));
      const got = await c.take(2);
      expect(got[0].event?.data.upper_bound).toBe(Infinity);
      expect(got[1].event?.data.file_size).toBe(9007199254740993n);
      for (const d of got) await d.ack();
      await c.close();
      expect(await redis.exists(`${prefix}dlq:py`)).toBe(0);
      expect(await p.getDeadLetters('py')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('dead-letter path: the entry is copied with its raw bytes (Python JSON and a binary field)', async () => {
    const { p, prefix } = await connectedPersistence({ maxDeliveries: 1 });
    const redis = rawClient();
    try {
      const key = `${prefix}dl`;
      const events = fidelityFixtures.map((f) => f.fields.event);
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
      for (const json of events) await redis.xadd(key, '*', 'event', json, 'blob', BINARY);
      // One delivery each to another consumer; the claim makes it the 2nd > maxDeliveries (1).
      await redis.xreadgroup('GROUP', GROUP, 'w', 'COUNT', 100, 'STREAMS', key, '>');
      expect(await p.getPendingEvents('dl', { idleMs: 0 })).toEqual([]);
      const dlq = await redis.xrangeBuffer(`${prefix}dlq:dl`, '-', '+');
      expect(dlq).toHaveLength(events.length);
      dlq.forEach(([, flat], i) => {
        const tail = flat.slice(12); // after the six dlq_* pairs
        expect(tail.map((b, j) => (j === 3 ? b : b.toString()))).toEqual([
          'event',
          events[i],
          'blob',
          BINARY,
        ]);
        expect(tail[1].equals(Buffer.from(events[i]))).toBe(true);
      });
      const letters = await p.getDeadLetters('dl');
      expect(letters[2].event?.data.upper_bound).toBe(Infinity);
    } finally {
      redis.disconnect();
    }
  });

  it('claim path: a claimed entry stays byte-identical and its delivery carries the exact text', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      const key = `${prefix}cl`;
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
      for (const f of fidelityFixtures) await redis.xadd(key, '*', 'event', f.fields.event);
      const before = await redis.xrangeBuffer(key, '-', '+');
      await redis.xreadgroup('GROUP', GROUP, 'dead', 'COUNT', 100, 'STREAMS', key, '>');
      const claimed = await p.getPendingEvents('cl', { idleMs: 0, consumerName: 'rescuer' });
      expect(claimed.map((d) => d.fields.event)).toEqual(
        fidelityFixtures.map((f) => f.fields.event),
      );
      expect(await redis.xrangeBuffer(key, '-', '+')).toEqual(before);
      // Re-published from the claimed delivery: same bytes again.
      const id = await p.persistEvent(claimed[3].event!);
      const [copy] = await redis.xrange(`${prefix}metadata.updated`, id, id);
      expect(copy[1][1]).toBe(fidelityFixtures[3].fields.event);
      for (const d of claimed) await d.ack();
    } finally {
      redis.disconnect();
    }
  });
});
