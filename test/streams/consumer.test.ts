import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/core/types.js';
import { rawClient, waitFor } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';

const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };

describe('EventPersistence.consumeEvents', () => {
  it('delivers new events from several streams with deliveryCount 1', async () => {
    const { p } = await connectedPersistence();
    const c = puller(p.consumeEvents(['a', 'b'], 'w1', fast));
    // Group creation happens on the first next(); publish after the consumer is waiting.
    const first = c.take(2);
    await new Promise((r) => setTimeout(r, 50));
    await p.persistEvent({ eventType: 'a', data: { n: 1 } });
    await p.persistEvent({ eventType: 'b', data: { n: 2 } });
    const got = await first;
    expect(got.map((d) => d.event?.data.n).sort()).toEqual([1, 2]);
    expect(got.every((d) => d.deliveryCount === 1)).toBe(true);
    await c.close();
  });

  it('a new group starts at ID 0: the retained backlog is processed (the seed policy)', async () => {
    const { p } = await connectedPersistence();
    await p.persistEvent({ eventType: 'back', data: { n: 1 } });
    const c = puller(p.consumeEvents(['back'], 'w1', fast));
    expect((await c.take(1))[0].event?.data).toEqual({ n: 1 });
    await c.close();
  });

  it('defect 2: each ack() acknowledges its own delivery, not the latest', async () => {
    const { p, prefix } = await connectedPersistence();
    for (let i = 0; i < 3; i++) await p.persistEvent({ eventType: 'ack', data: { i } });
    const c = puller(p.consumeEvents(['ack'], 'w1', { ...fast, count: 3 }));
    const [d0, d1, d2] = await c.take(3);
    await d0.ack();
    const redis = rawClient();
    try {
      const pending = (await redis.xpending(`${prefix}ack`, 'alice-main', '-', '+', 10)) as [
        string,
      ][];
      expect(pending.map((r) => r[0])).toEqual([d1.messageId, d2.messageId]);
    } finally {
      redis.disconnect();
      await c.close();
    }
  });

  it('defect 6: a consumer restarted under the same name re-reads its own pending entries first', async () => {
    const { p } = await connectedPersistence();
    for (let i = 0; i < 3; i++) await p.persistEvent({ eventType: 'rs', data: { i } });
    let c = puller(p.consumeEvents(['rs'], 'worker', { ...fast, count: 2 }));
    const firstRun = await c.take(2);
    await firstRun[0].ack();
    await c.close(); // "crash" with entry 1 unacked; entry 2 not yet read
    c = puller(p.consumeEvents(['rs'], 'worker', { ...fast, count: 2 }));
    const second = await c.take(2);
    expect(second[0].messageId).toBe(firstRun[1].messageId);
    expect(second[0].deliveryCount).toBe(2);
    expect(second[1].event?.data).toEqual({ i: 2 });
    await c.close();
  });

  it('own pending entries deleted meanwhile ([id, nil]) are dead-lettered as tombstones, then the loop goes on', async () => {
    const { p, prefix } = await connectedPersistence();
    const id = await p.persistEvent({ eventType: 'gone', data: {} });
    let c = puller(p.consumeEvents(['gone'], 'w', fast));
    await c.take(1);
    await c.close();
    const redis = rawClient();
    try {
      await redis.xdel(`${prefix}gone`, id);
      c = puller(p.consumeEvents(['gone'], 'w', fast));
      const next = c.take(1);
      await p.persistEvent({ eventType: 'gone', data: { after: true } });
      expect((await next)[0].event?.data).toEqual({ after: true });
      const dlq = await redis.xrange(`${prefix}dlq:gone`, '-', '+');
      expect(dlq).toHaveLength(1);
      expect(dlq[0][1]).toEqual(
        expect.arrayContaining(['dlq_original_id', id, 'dlq_deleted', '1']),
      );
      expect(await redis.xpending(`${prefix}gone`, 'alice-main')).toEqual([
        1,
        expect.any(String),
        expect.any(String),
        [['w', '1']],
      ]);
      await c.close();
    } finally {
      redis.disconnect();
    }
  });

  it('defect 7: malformed and foreign entries are dead-lettered once (not retried forever) and the loop keeps working', async () => {
    const { p, prefix, logs } = await connectedPersistence();
    const redis = rawClient();
    try {
      const bad = await redis.xadd(`${prefix}mal`, '*', 'event', '{not json');
      const foreign = await redis.xadd(`${prefix}mal`, '*', 'temperature', '21.5');
      const binary = await redis.xadd(
        `${prefix}mal`,
        '*',
        'event',
        Buffer.from([0xff, 0x00, 0xfe, 0x80]),
      );
      await p.persistEvent({ eventType: 'mal', data: { ok: true } });
      const c = puller(p.consumeEvents(['mal'], 'w', fast));
      const [good] = await c.take(1);
      expect(good.event?.data).toEqual({ ok: true });
      await good.ack();
      const dlq = await redis.xrangeBuffer(`${prefix}dlq:mal`, '-', '+');
      expect(dlq.map(([, f]) => f[1].toString())).toEqual([bad, foreign, binary]);
      // The binary value is copied byte for byte.
      const binFields = dlq[2][1];
      const i = binFields.findIndex((b, k) => k % 2 === 0 && b.toString() === 'event');
      expect(binFields[i + 1]).toEqual(Buffer.from([0xff, 0x00, 0xfe, 0x80]));
      expect(dlq[0][1].map(String)).toEqual(
        expect.arrayContaining([
          'dlq_reason',
          expect.stringMatching(/cannot decode/),
          'dlq_delivery_count',
          '1',
        ]),
      );
      expect(await redis.xpending(`${prefix}mal`, 'alice-main')).toEqual([0, null, null, null]);
      expect(logs.filter((l) => l.includes('dead-lettered'))).toHaveLength(3);
      await c.close();
    } finally {
      redis.disconnect();
    }
  });

  it('defect 9: a delivery over maxDeliveries goes to <prefix>dlq:<type> with ID, reason and count, acked atomically', async () => {
    const { p, prefix } = await connectedPersistence({ maxDeliveries: 2 });
    const id = await p.persistEvent({ eventType: 'poison', data: { p: 1 } });
    const c = puller(
      p.consumeEvents(['poison'], 'w', { ...fast, claimIdleMs: 30, claimEveryMs: 30 }),
    );
    const seen: Delivery[] = await c.take(2, 5000); // handler "fails" twice: never acks
    expect(seen.map((d) => d.deliveryCount)).toEqual([1, 2]);
    const redis = rawClient();
    // Keep pulling: the loop only runs while someone waits for the next delivery.
    const more = c.take(1, 3000).catch(() => []);
    try {
      const dlq = await waitFor(async () => {
        const r = await redis.xrange(`${prefix}dlq:poison`, '-', '+');
        return r.length ? r : null;
      });
      const f = dlq![0][1];
      const get = (k: string) => f[f.indexOf(k) + 1];
      expect(get('dlq_original_id')).toBe(id);
      expect(get('dlq_delivery_count')).toBe('3');
      expect(get('dlq_reason')).toMatch(/maxDeliveries \(2\)/);
      expect(get('event')).toContain('"event_type": "poison"');
      expect(await redis.xpending(`${prefix}poison`, 'alice-main')).toEqual([0, null, null, null]);
      await p.persistEvent({ eventType: 'poison', data: { p: 2 } });
      expect((await more)[0]?.event?.data).toEqual({ p: 2 });
    } finally {
      redis.disconnect();
      await c.close();
    }
  });

  it('defect 7: NOGROUP after the stream is deleted → group recreated within 2 s, one log line, no hot loop', async () => {
    const { p, prefix, logs } = await connectedPersistence();
    const c = puller(p.consumeEvents(['ng'], 'w', fast));
    const first = c.take(1);
    await new Promise((r) => setTimeout(r, 50));
    await p.persistEvent({ eventType: 'ng', data: { n: 1 } });
    (await first)[0].ack();
    const redis = rawClient();
    try {
      const next = c.take(1);
      await redis.del(`${prefix}ng`);
      const t0 = Date.now();
      await waitFor(async () => (await redis.exists(`${prefix}ng`)) === 1, 2000, 10);
      expect(Date.now() - t0).toBeLessThan(2000);
      await p.persistEvent({ eventType: 'ng', data: { n: 2 } });
      expect((await next)[0].event?.data).toEqual({ n: 2 });
      // Exactly one line for the episode: Redis 7.0 first wakes the blocked read with
      // `UNBLOCKED the stream key no longer exists`, then answers NOGROUP — one episode, one line.
      expect(logs).toEqual([
        expect.stringMatching(/group alice-main or its stream was deleted; recreating it at 0/),
      ]);
      // Destroying only the group is a new episode: recreated, again one line.
      const next3 = c.take(1);
      await redis.xgroup('DESTROY', `${prefix}ng`, 'alice-main');
      await waitFor(
        async () => ((await redis.xinfo('GROUPS', `${prefix}ng`)) as unknown[]).length === 1,
        2000,
        10,
      );
      // Recreated at 0: the retained entry n:2 comes again (at-least-once), then n:3.
      expect((await next3)[0].event?.data).toEqual({ n: 2 });
      expect(logs).toHaveLength(2);
      expect(logs[1]).toMatch(/deleted; recreating/);
    } finally {
      redis.disconnect();
      await c.close();
    }
  });

  it('invalid arguments are refused up front (no loop logging ERR syntax error forever)', async () => {
    const { p, logs } = await connectedPersistence();
    expect(() => p.consumeEvents([], 'w', fast)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/at least one event type/),
      }),
    );
    expect(() => p.consumeEvents(['ok', 'all'], 'w', fast)).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT_TYPE' }),
    );
    expect(() => p.consumeEvents([''], 'w', fast)).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT_TYPE' }),
    );
    expect(() => p.consumeEvents(['ok'], '', fast)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/consumer name/),
      }),
    );
    expect(() => p.consumeEvents(['ok'], 'w', { blockMs: Number.NaN })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/blockMs/),
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(logs).toEqual([]);
    // The same type twice is read once.
    const c = puller(p.consumeEvents(['dup', 'dup'], 'w', fast));
    const got = c.take(1);
    await new Promise((r) => setTimeout(r, 50));
    await p.persistEvent({ eventType: 'dup', data: { n: 1 } });
    expect((await got)[0].event?.data).toEqual({ n: 1 });
    await c.close();
  });

  it('abort is prompt (< 200 ms) even while blocked on a long BLOCK', async () => {
    const { p } = await connectedPersistence();
    const ac = new AbortController();
    const done = (async () => {
      for await (const _ of p.consumeEvents(['idle'], 'w', { blockMs: 10000, signal: ac.signal }))
        void _;
    })();
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    ac.abort();
    await done;
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('disconnect() ends running consumers promptly', async () => {
    const { p } = await connectedPersistence();
    const done = (async () => {
      for await (const _ of p.consumeEvents(['idle'], 'w', { blockMs: 10000 })) void _;
    })();
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    await p.disconnect();
    await done;
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('a key of the wrong type → WRONGTYPE with what to do', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    await redis.set(`${prefix}str`, 'x');
    redis.disconnect();
    const it = p.consumeEvents(['str'], 'w', fast)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({
      code: 'WRONGTYPE',
      message: expect.stringMatching(/not a stream/),
    });
  });

  it('fixture entries written by the original are consumed and decoded', async () => {
    const { p, prefix } = await connectedPersistence();
    const fixtures = readFileSync(
      new URL('../fixtures/seed-format-events.jsonl', import.meta.url),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; fields: Record<string, string> })
      .filter((f) => !f.key.endsWith(':all'));
    const redis = rawClient();
    const types = fixtures.map((f) => f.key.slice('alice:events:'.length));
    for (const f of fixtures)
      await redis.xadd(
        prefix + f.key.slice('alice:events:'.length),
        '*',
        ...Object.entries(f.fields).flat(),
      );
    redis.disconnect();
    const c = puller(p.consumeEvents(types, 'w', { ...fast, count: 100 }));
    const got = await c.take(fixtures.length);
    expect(got.map((d) => d.event?.eventType).sort()).toEqual([...types].sort());
    await c.close();
  });
});
