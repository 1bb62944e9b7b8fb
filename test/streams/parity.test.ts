/**
 * The seed's API conveniences: connect on first use, `await using`, module-level
 * getPersistence()/publishPersistentEvent(), and stream info with every XINFO field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import {
  closeSharedPersistence,
  getPersistence,
  publishPersistentEvent,
} from '../../src/streams/shared-persistence.js';
import { StreamscopeError } from '../../src/core/errors.js';
import { uniquePrefix, waitFor } from '../helpers/context.js';
import { puller } from './helpers.js';

// A server of our own, so that CLIENT LIST counts only this file's connections.
let server: RunningRedis;
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await closeSharedPersistence();
  admin.disconnect();
  await server.stop();
});

/** Connections other than the admin client. */
async function clientCount(): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  return list.trim().split('\n').length - 1;
}

const quiet = () => {};

describe('seed parity', () => {
  it('methods connect on first use; an explicit connect() still fails fast', async () => {
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: uniquePrefix(),
      logger: quiet,
    });
    expect(p.connected).toBe(false);
    const id = await p.persistEvent({ eventType: 'auto.one', data: { n: 1 } });
    expect(p.connected).toBe(true);
    expect((await p.getEvents('auto.one'))[0].streamId).toBe(id);
    await p.disconnect();
    await expect(p.getEvents('auto.one')).rejects.toMatchObject({ code: 'CLOSED' });
    await p.connect();
    expect(await p.getEvents('auto.one')).toHaveLength(1);
    await p.disconnect();

    // A consumer created before any connection connects on its first read.
    const c = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: uniquePrefix(),
      logger: quiet,
    });
    await c.persistEvent({ eventType: 'auto.two', data: { n: 2 } });
    await c.disconnect();
    await c.connect();
    const fresh = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: c.keys.prefix,
      logger: quiet,
    });
    const got = puller(fresh.consumeEvents(['auto.two'], 'w', { blockMs: 100 }));
    expect((await got.take(1))[0].event?.data).toEqual({ n: 2 });
    await got.close();
    await fresh.disconnect();
    await c.disconnect();

    const nowhere = new EventPersistence({
      redisUrl: 'redis://127.0.0.1:1',
      connectTimeoutMs: 500,
      logger: quiet,
    });
    const err = await nowhere.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamscopeError);
    expect((err as StreamscopeError).code).toBe('UNREACHABLE');
    await expect(nowhere.persistEvent({ eventType: 'x' })).rejects.toMatchObject({
      code: 'UNREACHABLE',
    });
  });

  it('await using closes the persistence and the bus (their connections are gone)', async () => {
    const before = await clientCount();
    let outer: EventPersistence;
    {
      await using p = new EventPersistence({
        redisUrl: server.url,
        streamPrefix: uniquePrefix(),
        logger: quiet,
      });
      outer = p;
      await p.persistEvent({ eventType: 'scoped', data: {} });
      expect(await clientCount()).toBe(before + 1);
    }
    expect(outer.connected).toBe(false);
    await waitFor(async () => (await clientCount()) === before);

    // A consumer blocked in XREADGROUP on its own connection: the scope's end closes that too.
    let pendingRead!: Promise<IteratorResult<unknown>>;
    {
      await using p = new EventPersistence({
        redisUrl: server.url,
        streamPrefix: uniquePrefix(),
        logger: quiet,
      });
      await p.persistEvent({ eventType: 'scoped.c', data: {} });
      const it = p.consumeEvents(['scoped.c'], 'w', { blockMs: 2000 })[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      pendingRead = it.next(); // blocks: nothing more to read
      await waitFor(async () => (await clientCount()) === before + 2);
    }
    await waitFor(async () => (await clientCount()) === before, 3000);
    expect((await pendingRead).done).toBe(true);

    process.env.REDIS_URL_SAVED = process.env.REDIS_URL ?? '';
    process.env.REDIS_URL = server.url;
    try {
      let seen = 0;
      {
        await using bus = new PersistentEventBus({ logger: quiet });
        bus.subscribe('scoped.bus', () => {
          seen++;
        });
        await bus.initialize();
        expect(await bus.publish({ eventType: 'scoped.bus', data: { n: 1 } })).toMatch(/^\d+-\d+$/);
        expect(await clientCount()).toBe(before + 1);
      }
      expect(seen).toBe(1);
      await waitFor(async () => (await clientCount()) === before);
    } finally {
      process.env.REDIS_URL = process.env.REDIS_URL_SAVED || undefined;
      if (!process.env.REDIS_URL) delete process.env.REDIS_URL;
      delete process.env.REDIS_URL_SAVED;
    }
  });

  it('getPersistence(options) shares one instance per options; publishPersistentEvent uses it', async () => {
    const options = { redisUrl: server.url, streamPrefix: uniquePrefix(), logger: quiet };
    const a = getPersistence(options);
    expect(getPersistence({ ...options })).toBe(a);
    expect(getPersistence({ ...options, consumerGroup: 'other' })).not.toBe(a);
    const id = await publishPersistentEvent({ eventType: 'shared.one', data: { n: 1 } }, options);
    expect((await a.getEvents('shared.one')).map((s) => s.streamId)).toEqual([id]);
    await a.disconnect();
    const b = getPersistence(options);
    expect(b).not.toBe(a);
    expect(await b.getEvents('shared.one')).toHaveLength(1);
  });

  it('getStreamInfo reports every XINFO STREAM field; a missing stream is zero-length', async () => {
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: uniquePrefix(),
      logger: quiet,
    });
    try {
      const missing = await p.getStreamInfo('never.written');
      expect(missing).toMatchObject({ exists: false, length: 0, groups: 0, entriesAdded: 0 });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(await p.persistEvent({ eventType: 'info', data: { i } }));
      await admin.xdel(`${p.keys.prefix}info`, ids[0]);
      await admin.xgroup('CREATE', `${p.keys.prefix}info`, 'g1', '0');
      const info = await p.getStreamInfo('info');
      expect(info).toMatchObject({
        exists: true,
        length: 2,
        entriesAdded: 3,
        maxDeletedEntryId: ids[0],
        recordedFirstEntryId: ids[1],
        groups: 1,
      });
      expect(info.radixTreeKeys).toBeGreaterThanOrEqual(1);
      expect(info.radixTreeNodes).toBeGreaterThanOrEqual(1);
      expect(info.consumerGroups.map((g) => g.name)).toEqual(['g1']);
    } finally {
      await p.disconnect();
    }
  });

  it("trimOldEvents('x') connects on first use and trims at the seed's default, 30 days", async () => {
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: uniquePrefix(),
      logger: quiet,
    });
    try {
      const key = `${p.keys.prefix}x`;
      const [secs] = await admin.time();
      const now = Number(secs) * 1000;
      const DAY = 86_400_000;
      // 31 and 30.01 days old go; 29.99 days old and fresh stay.
      for (const [ms, tag] of [
        [now - 31 * DAY, 'd31'],
        [now - 30 * DAY - 15 * 60_000, 'd30+'],
        [now - 30 * DAY + 15 * 60_000, 'd30-'],
        [now - 29 * DAY, 'd29'],
      ] as const)
        await admin.xadd(key, `${ms}-1`, 'event', JSON.stringify({ tag, event_type: 'x' }));
      expect(p.connected).toBe(false);
      expect(await p.trimOldEvents('x')).toBe(2);
      expect(p.connected).toBe(true);
      const left = await admin.xrange(key, '-', '+');
      expect(left.map(([, f]) => JSON.parse(f[1]).tag)).toEqual(['d30-', 'd29']);
      const cutoffMs = Number(p.lastTrimReport!.cutoffId.split('-')[0]);
      expect(Math.abs(cutoffMs - (now - 30 * DAY))).toBeLessThan(60_000);
    } finally {
      await p.disconnect();
    }
  });
});
