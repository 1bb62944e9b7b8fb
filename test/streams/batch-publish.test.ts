/** persistEvents and PersistentEventBus.publishMany against a real redis-server. */
import { describe, expect, it } from 'vitest';
import { rawClient, redisUrl } from '../helpers/context.js';
import { connectedPersistence, track } from './helpers.js';
import { PublishBatchError } from '../../src/streams/batch-publish.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { SeedEvent } from '../../src/core/types.js';

const TYPES = ['asset.discovered', 'asset.processed', 'workflow.started'];

describe('EventPersistence.persistEvents', () => {
  it('writes every event to its type stream and the global stream, IDs in input order', async () => {
    const { p, prefix } = await connectedPersistence();
    // Chunks smaller than the batch, several in flight: order must still hold.
    const inputs = Array.from({ length: 1234 }, (_, i) => ({
      eventType: TYPES[i % 3],
      data: { n: i },
    }));
    const ids = await p.persistEvents(inputs, { chunkSize: 100, inFlight: 3 });
    expect(ids).toHaveLength(1234);
    const redis = rawClient();
    try {
      const global = await redis.xrange(`${prefix}all`, '-', '+');
      expect(global).toHaveLength(1234);
      // The global stream holds them in input order, each with the same JSON as its type entry.
      expect(global.map(([, f]) => (JSON.parse(f[1]) as { n: number }).n)).toEqual(
        inputs.map((_, i) => i),
      );
      for (const t of TYPES) {
        const typed = await redis.xrange(`${prefix}${t}`, '-', '+');
        const mine = ids.filter((_, i) => i % 3 === TYPES.indexOf(t));
        expect(typed.map(([id]) => id)).toEqual(mine);
      }
      const byId = new Map(
        (await redis.xrange(`${prefix}asset.discovered`, '-', '+')).map(([id, f]) => [id, f[1]]),
      );
      expect(byId.get(ids[0])).toBe(global[0][1][1]);
    } finally {
      redis.disconnect();
    }
  });

  it('an empty batch writes nothing and resolves to []', async () => {
    const { p, prefix } = await connectedPersistence();
    expect(await p.persistEvents([])).toEqual([]);
    const redis = rawClient();
    try {
      expect(await redis.exists(`${prefix}all`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('an invalid input throws before anything is written', async () => {
    const { p, prefix } = await connectedPersistence();
    await expect(
      p.persistEvents([{ eventType: 'a.b' }, { eventType: 'all' }, { eventType: 'a.b' }]),
    ).rejects.toThrow(/reserved/);
    const redis = rawClient();
    try {
      expect(await redis.exists(`${prefix}all`, `${prefix}a.b`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('one event on a key of another type fails alone: the rest are written, the failed one in neither stream', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      await redis.set(`${prefix}bad.type`, 'not a stream');
      const inputs = [
        { eventType: 'a.b', data: { n: 0 } },
        { eventType: 'bad.type', data: { n: 1 } },
        { eventType: 'a.b', data: { n: 2 } },
      ];
      const err = (await p.persistEvents(inputs).catch((e: unknown) => e)) as PublishBatchError;
      expect(err).toBeInstanceOf(PublishBatchError);
      expect(err.code).toBe('WRONGTYPE');
      expect(err.failures.map((f) => f.index)).toEqual([1]);
      expect(err.message).toMatch(/^1 of 3 events were not published \(the other 2 were\)/);
      expect(err.ids[1]).toBeNull();
      const typed = await redis.xrange(`${prefix}a.b`, '-', '+');
      expect(typed.map(([id]) => id)).toEqual([err.ids[0], err.ids[2]]);
      // The global half of the failed event was removed again: only 0 and 2 remain.
      const global = await redis.xrange(`${prefix}all`, '-', '+');
      expect(global.map(([, f]) => (JSON.parse(f[1]) as { n: number }).n)).toEqual([0, 2]);
    } finally {
      redis.disconnect();
    }
  });

  it('a global stream of another type fails every event, and no type entry (or stream it created) is left', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      await redis.set(`${prefix}all`, 'not a stream');
      await redis.xadd(`${prefix}old.type`, '*', 'event', '{}');
      const inputs = [
        { eventType: 'new.type', data: { n: 0 } },
        { eventType: 'old.type', data: { n: 1 } },
      ];
      const err = (await p.persistEvents(inputs).catch((e: unknown) => e)) as PublishBatchError;
      expect(err).toBeInstanceOf(PublishBatchError);
      expect(err.code).toBe('WRONGTYPE');
      expect(err.failures.map((f) => f.index)).toEqual([0, 1]);
      expect(err.message).toContain(`${prefix}all`);
      // new.type was created by the failed publish and removed again; old.type keeps only its own.
      expect(await redis.exists(`${prefix}new.type`)).toBe(0);
      expect(await redis.xlen(`${prefix}old.type`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('a user whose ACL refuses scripts still publishes batches (pipelined MULTIs), with the same result', async () => {
    const admin = rawClient();
    const user = `batch-noscript-${process.pid}-${Date.now()}`;
    try {
      const prefix = `noscript-${Date.now()}:`;
      await admin.call('ACL', 'SETUSER', user, 'on', '>pw', `~${prefix}*`, '+@all', '-@scripting');
      const url = new URL(redisUrl());
      url.username = user;
      url.password = 'pw';
      const { p } = await connectedPersistence({ redisUrl: url.toString(), streamPrefix: prefix });
      const inputs = Array.from({ length: 30 }, (_, i) => ({
        eventType: TYPES[i % 3],
        data: { n: i },
      }));
      const first = await p.persistEvents(inputs, { chunkSize: 7 });
      const second = await p.persistEvents(inputs, { chunkSize: 7 });
      expect(first).toHaveLength(30);
      expect(second).toHaveLength(30);
      const global = await admin.xrange(`${prefix}all`, '-', '+');
      expect(global.map(([, f]) => (JSON.parse(f[1]) as { n: number }).n)).toEqual([
        ...inputs.map((_, i) => i),
        ...inputs.map((_, i) => i),
      ]);
      expect(await admin.xlen(`${prefix}${TYPES[0]}`)).toBe(20);
    } finally {
      await admin.call('ACL', 'DELUSER', user);
      admin.disconnect();
    }
  });

  it('refuses a chunk size that is not a whole number ≥ 1', async () => {
    const { p } = await connectedPersistence();
    await expect(p.persistEvents([{ eventType: 'a.b' }], { chunkSize: 0 })).rejects.toThrow(
      /chunkSize must be a whole number ≥ 1/,
    );
  });
});

describe('PersistentEventBus.publishMany', () => {
  it('delivers every event in-process in order, then persists them all', async () => {
    const { p, prefix } = await connectedPersistence();
    const bus = new PersistentEventBus({ persistence: p, logger: () => {} });
    track({ disconnect: () => bus.close() });
    const seen: SeedEvent[] = [];
    bus.subscribe('*', (e) => {
      seen.push(e);
    });
    const ids = await bus.publishMany(
      Array.from({ length: 50 }, (_, i) => ({ eventType: TYPES[i % 3], data: { n: i } })),
    );
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([...Array(50).keys()]);
    const redis = rawClient();
    try {
      expect(await redis.xlen(`${prefix}all`)).toBe(50);
    } finally {
      redis.disconnect();
    }
  });

  it('rejects a non-transient failure with the IDs of what was written', async () => {
    const { p, prefix } = await connectedPersistence();
    const bus = new PersistentEventBus({ persistence: p, logger: () => {} });
    track({ disconnect: () => bus.close() });
    const redis = rawClient();
    try {
      await redis.set(`${prefix}bad.type`, 'x');
      const err = (await bus
        .publishMany([{ eventType: 'a.b' }, { eventType: 'bad.type' }])
        .catch((e: unknown) => e)) as PublishBatchError;
      expect(err).toBeInstanceOf(PublishBatchError);
      expect(err.ids[0]).toMatch(/^\d+-\d+$/);
      expect(bus.queuedCount).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
