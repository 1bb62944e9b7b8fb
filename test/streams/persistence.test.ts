import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';
import { type StreamscopeError } from '../../src/core/errors.js';

const fixtures = readFileSync(
  new URL('../fixtures/seed-format-events.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { key: string; fields: Record<string, string> });

describe('EventPersistence: publish and read', () => {
  it('persistEvent writes the seed wire format to the type stream and the global stream', async () => {
    const { p, prefix } = await connectedPersistence({ maxLen: 50 });
    const id = await p.persistEvent({
      eventType: 'asset.discovered',
      data: { file_path: '/inbox/a.png', file_size: 12 },
      source: 'scanner',
    });
    const redis = rawClient();
    try {
      const typed = await redis.xrange(`${prefix}asset.discovered`, '-', '+');
      const global = await redis.xrange(`${prefix}all`, '-', '+');
      expect(typed).toHaveLength(1);
      expect(typed[0][0]).toBe(id);
      expect(global).toHaveLength(1);
      const fixtureTyped = fixtures.find((f) => f.key.endsWith(':asset.discovered'))!;
      const fixtureGlobal = fixtures.find((f) => f.key.endsWith(':all'))!;
      // Same field names in the same order as the original writes.
      expect(typed[0][1].filter((_, i) => i % 2 === 0)).toEqual(Object.keys(fixtureTyped.fields));
      expect(global[0][1].filter((_, i) => i % 2 === 0)).toEqual(Object.keys(fixtureGlobal.fields));
      expect(global[0][1][1]).toBe(typed[0][1][1]);
      expect(global[0][1][3]).toBe('asset.discovered');
      const json = typed[0][1][1];
      // Python json.dumps separators, payload first then metadata in the original's order.
      expect(json).toMatch(
        /^\{"file_path": "\/inbox\/a.png", "file_size": 12, "event_id": "[0-9a-f-]{36}", "timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", "source": "scanner", "version": "1.0.0", "event_type": "asset.discovered"\}$/,
      );
      expect(Object.keys(JSON.parse(json))).toEqual([
        'file_path',
        'file_size',
        'event_id',
        'timestamp',
        'source',
        'version',
        'event_type',
      ]);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses the event type "all" (it would collide with the global stream)', async () => {
    const { p } = await connectedPersistence();
    await expect(p.persistEvent({ eventType: 'all' })).rejects.toThrow(/reserved/);
  });

  it('defect 5: a publish lands in both streams or in neither (global key of the wrong type)', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      await redis.set(`${prefix}all`, 'not a stream');
      const err = (await p
        .persistEvent({ eventType: 'x.y' })
        .catch((e: unknown) => e)) as StreamscopeError;
      expect(err.code).toBe('WRONGTYPE');
      expect(err.message).toMatch(
        new RegExp(
          `^${prefix}all at redis://.* is not a stream \\(it holds another type\\): nothing was published`,
        ),
      );
      // The type stream the MULTI created is gone again, not left behind empty.
      expect(await redis.exists(`${prefix}x.y`)).toBe(0);
      await redis.del(`${prefix}all`);
      await redis.set(`${prefix}x.y`, 'not a stream');
      const err2 = (await p
        .persistEvent({ eventType: 'x.y' })
        .catch((e: unknown) => e)) as StreamscopeError;
      expect(err2.code).toBe('WRONGTYPE');
      expect(err2.message).toContain(`${prefix}x.y at `);
      expect(await redis.exists(`${prefix}all`)).toBe(0);
      // A stream that existed before keeps its key and its other entries; only our entry goes.
      const before = await redis.xadd(`${prefix}all`, '*', 'event', '{}', 'type', 'other');
      await p.persistEvent({ eventType: 'x.y' }).catch(() => null);
      expect((await redis.xrange(`${prefix}all`, '-', '+')).map(([id]) => id)).toEqual([before]);
    } finally {
      redis.disconnect();
    }
  });

  it('reads entries written by the Python original (fixtures loaded with raw XADD)', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    try {
      for (const f of fixtures) {
        const key = prefix + f.key.slice('alice:events:'.length);
        await redis.xadd(key, '*', ...Object.entries(f.fields).flat());
      }
      const typed = fixtures.filter((f) => !f.key.endsWith(':all'));
      for (const f of typed) {
        const type = f.key.slice('alice:events:'.length);
        const [stored] = await p.getEvents(type);
        expect(stored.fields).toEqual(f.fields);
        expect(stored.event?.eventType).toBe(type);
        expect(stored.event?.eventId).toBe(JSON.parse(f.fields.event).event_id);
      }
      const global = await p.getEvents('all');
      expect(global).toHaveLength(fixtures.length - typed.length);
      expect(global.every((g) => g.event !== null && g.fields.type === g.event.eventType)).toBe(
        true,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('getEvents: start/end/count and foreign entries (no "event" field) with event: null', async () => {
    const { p, prefix } = await connectedPersistence();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await p.persistEvent({ eventType: 'r', data: { i } }));
    const redis = rawClient();
    try {
      await redis.xadd(`${prefix}r`, '*', 'foo', 'bar');
    } finally {
      redis.disconnect();
    }
    expect((await p.getEvents('r', { count: 2 })).map((e) => e.event?.data.i)).toEqual([0, 1]);
    expect((await p.getEvents('r', { start: ids[1], end: ids[3] })).map((e) => e.streamId)).toEqual(
      ids.slice(1, 4),
    );
    expect(
      (await p.getEvents('r', { start: `(${ids[3]}` })).map((e) => e.event?.data.i ?? null),
    ).toEqual([4, null]);
    const all = await p.getEvents('r');
    expect(all.at(-1)).toMatchObject({ event: null, fields: { foo: 'bar' } });
    expect(await p.getEvents('missing')).toEqual([]);
  });

  it('getEvents on a key of the wrong type → WRONGTYPE', async () => {
    const { p, prefix } = await connectedPersistence();
    const redis = rawClient();
    await redis.set(`${prefix}wt`, 'x');
    redis.disconnect();
    await expect(p.getEvents('wt')).rejects.toMatchObject({ code: 'WRONGTYPE' });
  });

  it('getStreamInfo: length, first/last, groups with lag; missing stream has length 0', async () => {
    const { p, prefix } = await connectedPersistence();
    expect(await p.getStreamInfo('none')).toMatchObject({
      length: 0,
      firstEntry: null,
      consumerGroups: [],
    });
    const a = await p.persistEvent({ eventType: 'info', data: { n: 1 } });
    const b = await p.persistEvent({ eventType: 'info', data: { n: 2 } });
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', `${prefix}info`, 'g1', '0');
      await redis.xreadgroup('GROUP', 'g1', 'c1', 'COUNT', 1, 'STREAMS', `${prefix}info`, '>');
      let info = await p.getStreamInfo('info');
      expect(info).toMatchObject({ key: `${prefix}info`, length: 2, lastGeneratedId: b });
      expect(info.firstEntry?.streamId).toBe(a);
      expect(info.lastEntry?.event?.data).toEqual({ n: 2 });
      expect(info.consumerGroups).toEqual([
        { name: 'g1', consumers: 1, pending: 1, lastDeliveredId: a, entriesRead: 1, lag: 1 },
      ]);
      // After deleting an entry between the group's position and the end, Redis cannot tell the lag.
      await redis.xdel(`${prefix}info`, b);
      await redis.xadd(`${prefix}info`, '*', 'event', '{}');
      await redis.xgroup('SETID', `${prefix}info`, 'g1', '0');
      info = await p.getStreamInfo('info');
      expect(info.consumerGroups[0].lag).toBeNull();
      expect((await p.getStreamInfo('all')).length).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('huge payloads (2 MB) round-trip', async () => {
    const { p } = await connectedPersistence();
    const big = 'x'.repeat(2 * 1024 * 1024);
    await p.persistEvent({ eventType: 'big', data: { big } });
    const [e] = await p.getEvents('big');
    expect((e.event?.data.big as string).length).toBe(big.length);
  });
});
