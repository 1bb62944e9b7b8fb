import { describe, expect, it } from 'vitest';
import { compareStreamIds } from '../../src/core/stream-id.js';
import type { TrimLoss } from '../../src/streams/retention.js';
import { rawClient } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';

describe('publish trimming (maxLen / hardMaxLen)', () => {
  it('defect 8 (MAXLEN half): 400 publishes at maxLen 10 keep every unread and pending entry of a group', async () => {
    const { p, prefix, logs } = await connectedPersistence({ maxLen: 10, hardMaxLen: 10_000 });
    const key = `${prefix}keep`;
    const redis = rawClient();
    try {
      const pendingId = await p.persistEvent({ eventType: 'keep', data: { i: -1 } });
      await redis.xgroup('CREATE', key, 'workers', '0');
      await redis.xreadgroup('GROUP', 'workers', 'w', 'COUNT', 1, 'STREAMS', key, '>');
      for (let i = 0; i < 400; i++) await p.persistEvent({ eventType: 'keep', data: { i } });
      expect(await redis.xlen(key)).toBe(401);
      expect(await redis.xrange(key, pendingId, pendingId)).toHaveLength(1);
      expect(await redis.xpending(key, 'workers')).toEqual([1, pendingId, pendingId, [['w', '1']]]);
      const unread = (await redis.xreadgroup(
        'GROUP',
        'workers',
        'w',
        'COUNT',
        1000,
        'STREAMS',
        key,
        '>',
      )) as [string, [string, string[]][]][];
      expect(unread[0][1]).toHaveLength(400);
      // The global stream has no group: it is capped near 2×maxLen (whole 100-entry nodes).
      expect(await redis.xlen(`${prefix}all`)).toBeLessThanOrEqual(20 + 100);
      expect(p.trimLosses).toBe(0);
      expect(logs.filter((l) => /trim/.test(l))).toEqual([]);
      // Once the group has acknowledged everything, the next trims bring the stream back near maxLen.
      await redis.xack(key, 'workers', pendingId, ...unread[0][1].map(([id]) => id));
      for (let i = 0; i < 5; i++) await p.persistEvent({ eventType: 'keep', data: { after: i } });
      expect(await redis.xlen(key)).toBeLessThanOrEqual(10 + 100);
    } finally {
      redis.disconnect();
    }
  });

  it('a group part-way through: finished entries are trimmed, the unfinished ones stay', async () => {
    const { p, prefix } = await connectedPersistence({ maxLen: 10, hardMaxLen: 10_000 });
    const key = `${prefix}part`;
    const redis = rawClient();
    try {
      await p.persistEvent({ eventType: 'part', data: { i: 0 } });
      await redis.xgroup('CREATE', key, 'g', '0');
      const ids: string[] = [];
      for (let i = 1; i < 300; i++)
        ids.push(await p.persistEvent({ eventType: 'part', data: { i } }));
      // Read 250 (ack all of them), leave 50 unread.
      const read = (await redis.xreadgroup(
        'GROUP',
        'g',
        'c',
        'COUNT',
        250,
        'STREAMS',
        key,
        '>',
      )) as [string, [string, string[]][]][];
      await redis.xack(key, 'g', ...read[0][1].map(([id]) => id));
      await p.persistEvent({ eventType: 'part', data: { i: 300 } });
      const left = await redis.xrange(key, '-', '+');
      expect(left.length).toBeLessThan(301);
      // Every entry after the group's position is still there.
      const lastRead = read[0][1].at(-1)![0];
      expect(left.filter(([id]) => compareStreamIds(id, lastRead) > 0).length).toBe(51);
    } finally {
      redis.disconnect();
    }
  });

  it('a stream with no groups is capped near maxLen (type) and 2×maxLen (global)', async () => {
    const { p, prefix } = await connectedPersistence({ maxLen: 10 });
    for (let i = 0; i < 400; i++) await p.persistEvent({ eventType: 'cap', data: { i } });
    const redis = rawClient();
    try {
      // `~` trims whole macro nodes (100 entries by default), so lengths stay within one node.
      const typeLen = await redis.xlen(`${prefix}cap`);
      const globalLen = await redis.xlen(`${prefix}all`);
      expect(typeLen).toBeGreaterThanOrEqual(10);
      expect(typeLen).toBeLessThanOrEqual(10 + 100);
      expect(globalLen).toBeGreaterThanOrEqual(20);
      expect(globalLen).toBeLessThanOrEqual(20 + 100);
    } finally {
      redis.disconnect();
    }
  });

  it('the hard ceiling trims a stream behind a dead group anyway and reports the loss (log, trimLosses, onTrimLoss)', async () => {
    const losses: TrimLoss[] = [];
    const { p, prefix, logs } = await connectedPersistence({
      maxLen: 10,
      hardMaxLen: 200,
      onTrimLoss: (l) => losses.push(l),
    });
    const key = `${prefix}dead`;
    const redis = rawClient();
    try {
      await p.persistEvent({ eventType: 'dead', data: {} });
      await redis.xgroup('CREATE', key, 'dead-group', '0');
      await redis.xreadgroup('GROUP', 'dead-group', 'gone', 'COUNT', 1, 'STREAMS', key, '>');
      for (let i = 0; i < 400; i++) await p.persistEvent({ eventType: 'dead', data: { i } });
      // Trimmed only down to the ceiling (it was cut to ~maxLen before: far more was lost).
      expect(await redis.xlen(key)).toBeLessThanOrEqual(200);
      expect(await redis.xlen(key)).toBeGreaterThan(150);
      expect(losses.length).toBeGreaterThan(0);
      for (const l of losses) expect(l.lost).toBeLessThanOrEqual(l.length - 200);
      expect(losses[0]).toMatchObject({
        streamKey: key,
        hardMaxLen: 200,
        groups: [{ group: 'dead-group', oldestUnfinishedId: expect.any(String) }],
      });
      expect(losses[0].length).toBeGreaterThan(200);
      expect(losses[0].lost).toBeGreaterThan(0);
      expect(p.trimLosses).toBe(losses.reduce((n, l) => n + l.lost, 0));
      const lines = logs.filter((l) => /hard ceiling/.test(l));
      expect(lines).toHaveLength(losses.length);
      expect(lines[0]).toMatch(
        new RegExp(`${key}.*not yet read or acknowledged by dead-group were removed`),
      );
    } finally {
      redis.disconnect();
    }
  });

  it('maxLen 0 never trims', async () => {
    const { p, prefix } = await connectedPersistence({ maxLen: 0 });
    for (let i = 0; i < 150; i++) await p.persistEvent({ eventType: 'nocap', data: { i } });
    const redis = rawClient();
    expect(await redis.xlen(`${prefix}nocap`)).toBe(150);
    redis.disconnect();
  });
});
