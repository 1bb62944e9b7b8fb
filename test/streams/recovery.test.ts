import { describe, expect, it } from 'vitest';
import { rawClient, sleep } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';

const GROUP = 'alice-main';

describe('EventPersistence.getPendingEvents (XAUTOCLAIM recovery)', () => {
  it('defect 1: claims the whole PEL (250 > 100), post-claim counts, each ack() works', async () => {
    const { p, prefix } = await connectedPersistence();
    const key = `${prefix}rec`;
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
      const pipe = redis.pipeline();
      for (let i = 0; i < 250; i++)
        pipe.xadd(
          key,
          '*',
          'event',
          JSON.stringify({
            i,
            event_type: 'rec',
            event_id: `e${i}`,
            timestamp: '2026-11-27T07:08:48.060876+00:00',
          }),
        );
      await pipe.exec();
      await redis.xreadgroup('GROUP', GROUP, 'dead-worker', 'COUNT', 250, 'STREAMS', key, '>');
      await sleep(30);
      const claimed = await p.getPendingEvents('rec', { consumerName: 'rescuer', idleMs: 20 });
      expect(claimed).toHaveLength(250);
      expect(claimed.map((d) => d.event?.data.i)).toEqual([...Array(250).keys()]);
      expect(claimed.every((d) => d.deliveryCount === 2)).toBe(true);
      expect(claimed.every((d) => d.streamKey === key)).toBe(true);
      await claimed[10].ack();
      const rows = (await redis.xpending(key, GROUP, '-', '+', 300)) as [string, string][];
      expect(rows).toHaveLength(249);
      expect(rows.map((r) => r[0])).not.toContain(claimed[10].messageId);
      expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['rescuer']));
    } finally {
      redis.disconnect();
    }
  });

  it('only idle entries are claimed; count limits the result', async () => {
    const { p, prefix } = await connectedPersistence();
    for (let i = 0; i < 5; i++) await p.persistEvent({ eventType: 'idle', data: { i } });
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', `${prefix}idle`, GROUP, '0');
      await redis.xreadgroup('GROUP', GROUP, 'w', 'COUNT', 5, 'STREAMS', `${prefix}idle`, '>');
      expect(await p.getPendingEvents('idle', { idleMs: 60000 })).toEqual([]);
      await sleep(30);
      const two = await p.getPendingEvents('idle', { idleMs: 20, count: 2 });
      expect(two.map((d) => d.event?.data.i)).toEqual([0, 1]);
    } finally {
      redis.disconnect();
    }
  });

  it('entries deleted while pending become dead-letter tombstones and leave the PEL', async () => {
    const { p, prefix } = await connectedPersistence();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await p.persistEvent({ eventType: 'del', data: { i } }));
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', `${prefix}del`, GROUP, '0');
      await redis.xreadgroup('GROUP', GROUP, 'w', 'COUNT', 4, 'STREAMS', `${prefix}del`, '>');
      await redis.xdel(`${prefix}del`, ids[1], ids[2]);
      const claimed = await p.getPendingEvents('del', { idleMs: 0 });
      expect(claimed.map((d) => d.messageId)).toEqual([ids[0], ids[3]]);
      const dlq = await redis.xrange(`${prefix}dlq:del`, '-', '+');
      expect(dlq.map(([, f]) => f[f.indexOf('dlq_original_id') + 1])).toEqual([ids[1], ids[2]]);
      expect(dlq[0][1]).toEqual(
        expect.arrayContaining(['dlq_deleted', '1', 'dlq_delivery_count', 'unknown']),
      );
      expect(((await redis.xpending(`${prefix}del`, GROUP)) as unknown[])[0]).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('entries over maxDeliveries are dead-lettered instead of returned', async () => {
    const { p, prefix } = await connectedPersistence({ maxDeliveries: 1 });
    const id = await p.persistEvent({ eventType: 'mx', data: {} });
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', `${prefix}mx`, GROUP, '0');
      await redis.xreadgroup('GROUP', GROUP, 'w', 'STREAMS', `${prefix}mx`, '>');
      expect(await p.getPendingEvents('mx', { idleMs: 0 })).toEqual([]);
      const dlq = await redis.xrange(`${prefix}dlq:mx`, '-', '+');
      expect(dlq[0][1]).toEqual(
        expect.arrayContaining(['dlq_original_id', id, 'dlq_delivery_count', '2']),
      );
      expect(((await redis.xpending(`${prefix}mx`, GROUP)) as unknown[])[0]).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
  it('a stream without the group (or no stream at all) has nothing pending: [] rather than NOGROUP', async () => {
    const { p, prefix } = await connectedPersistence();
    expect(await p.getPendingEvents('missing', { idleMs: 0 })).toEqual([]);
    await p.persistEvent({ eventType: 'nogroup', data: {} });
    const redis = rawClient();
    try {
      expect(await redis.exists(`${prefix}nogroup`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await p.getPendingEvents('nogroup', { idleMs: 0 })).toEqual([]);
  });
});

describe('EventPersistence.getDeadLetters', () => {
  it('reads <prefix>dlq:<type>: origin, reason, count, the original decoded; tombstones; start/end/count', async () => {
    const { p, prefix } = await connectedPersistence({ maxDeliveries: 1 });
    const key = `${prefix}dl`;
    const redis = rawClient();
    try {
      const bad = (await redis.xadd(key, '*', 'event', '{not json'))!;
      const poison = await p.persistEvent({ eventType: 'dl', data: { p: 1 } });
      const gone = await p.persistEvent({ eventType: 'dl', data: { p: 2 } });
      await redis.xgroup('CREATE', key, GROUP, '0');
      await redis.xreadgroup('GROUP', GROUP, 'w', 'COUNT', 10, 'STREAMS', key, '>');
      await redis.xdel(key, gone);
      await sleep(20);
      // Claimed again: delivery 2 > maxDeliveries 1 → dead-lettered; the deleted one → tombstone.
      expect(await p.getPendingEvents('dl', { idleMs: 0 })).toEqual([]);
      const dl = await p.getDeadLetters('dl');
      expect(dl.map((d) => d.originalId).sort()).toEqual([bad, poison, gone].sort());
      const byId = new Map(dl.map((d) => [d.originalId, d]));
      expect(byId.get(poison)).toMatchObject({
        originalStream: key,
        group: GROUP,
        consumer: expect.any(String),
        deliveryCount: 2,
        deleted: false,
        reason: expect.stringMatching(/maxDeliveries/),
        event: { eventType: 'dl', data: { p: 1 } },
      });
      expect(byId.get(gone)).toMatchObject({
        deleted: true,
        deliveryCount: null,
        event: null,
        fields: {},
      });
      expect(byId.get(bad)).toMatchObject({
        deleted: false,
        event: null,
        fields: { event: '{not json' },
      });
      expect(await p.getDeadLetters('dl', { count: 1 })).toEqual([dl[0]]);
      expect(await p.getDeadLetters('dl', { start: `(${dl[0].streamId}` })).toEqual(dl.slice(1));
      expect(await p.getDeadLetters('none')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
