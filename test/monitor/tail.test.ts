import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createKeySpace } from '../../src/core/keys.js';
import { Tail, type TailOptions } from '../../src/monitor/tail.js';
import { freePort, startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { factory, sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());
const tails: Tail[] = [];
afterEach(async () => {
  for (const t of tails.splice(0)) await t.close();
});

function tail(o: Partial<TailOptions> & { prefix: string; url?: string; name?: string }) {
  const s = sink();
  const f = factory(o.url ?? redisUrl(), o.name);
  const t = new Tail({
    createClient: f.create,
    keys: createKeySpace(o.prefix),
    emit: s.emit,
    retryBaseMs: 20,
    retryMaxMs: 200,
    ...o,
  });
  tails.push(t);
  return { t, s, f };
}

const seed = (type: string, n: number) => [
  'event',
  JSON.stringify({
    n,
    event_id: `e${n}`,
    timestamp: 't',
    source: 's',
    version: '1.0.0',
    event_type: type,
  }),
  'type',
  type,
];

describe('Tail', () => {
  it('resolves $ before start() resolves: only entries added afterwards arrive', async () => {
    const prefix = uniquePrefix('tail$');
    const all = `${prefix}all`;
    const before = (await r.xadd(all, '*', ...seed('a.b', 0))) as string;
    const { t, s } = tail({ prefix });
    await t.start();
    expect(t.lastId).toBe(before);
    const id = (await r.xadd(all, '*', ...seed('a.b', 1))) as string;
    await waitFor(() => s.events().length > 0);
    const [e] = s.events();
    expect(e).toMatchObject({
      id,
      type: 'a.b',
      event: { eventType: 'a.b', eventId: 'e1', data: { n: 1 } },
    });
    expect(s.of('ConnectionChanged').map((m) => m.state)).toEqual(['connecting', 'connected']);
  });

  it('batches: many events arrive in a few messages, in order, without duplicates', async () => {
    const prefix = uniquePrefix('batch');
    const { t, s } = tail({ prefix, count: 100 });
    await t.start();
    const p = r.pipeline();
    for (let i = 0; i < 2000; i++) p.xadd(`${prefix}all`, '*', ...seed('x.y', i));
    const ids = ((await p.exec()) ?? []).map(([, id]) => id as string);
    await waitFor(() => s.events().length >= 2000);
    expect(s.events().map((e) => e.id)).toEqual(ids);
    // 2000 events at COUNT 100 = 20 reads, but one message per ~100 ms flush.
    expect(s.of('EventsReceived').length).toBeLessThanOrEqual(6);
  });

  it('backlog: what is left to read behind a full batch (from entries-added), 0 once it reads to the end, unknown in history', async () => {
    const prefix = uniquePrefix('backlog');
    const all = `${prefix}all`;
    await r.xadd(all, '*', ...seed('x.y', -1));
    const seen: (number | null)[] = [];
    const s = sink();
    const t = new Tail({
      createClient: factory(redisUrl()).create,
      keys: createKeySpace(prefix),
      count: 100,
      flushMs: 1,
      emit: (m) => {
        s.emit(m);
        if (m.type === 'EventsReceived') seen.push(t.backlog);
      },
    });
    tails.push(t);
    await t.start();
    expect(t.backlog).toBeNull();
    const p = r.pipeline();
    for (let i = 0; i < 5000; i++) p.xadd(all, '*', ...seed('x.y', i));
    await p.exec();
    await waitFor(() => s.events().length >= 5000);
    await waitFor(() => t.backlog === 0);
    // Behind: up to everything not read yet, never more, never negative.
    const behind = seen.filter((b): b is number => b !== null && b > 0);
    expect(behind.length).toBeGreaterThan(0);
    expect(Math.max(...behind)).toBeLessThanOrEqual(5000);
    // History (--since) is not a backlog of live entries: unknown while it is being read.
    const hs = sink();
    const inHistory: (number | null)[] = [];
    const h = new Tail({
      createClient: factory(redisUrl()).create,
      keys: createKeySpace(prefix),
      since: '0',
      count: 100,
      flushMs: 1,
      emit: (m) => {
        hs.emit(m);
        if (m.type === 'EventsReceived' && m.history) inHistory.push(h.backlog);
      },
    });
    tails.push(h);
    await h.start();
    await waitFor(() => hs.events().length >= 5001);
    expect(inHistory.length).toBeGreaterThan(1);
    expect(inHistory.slice(0, -1).every((b) => b === null)).toBe(true);
    await waitFor(() => h.backlog === 0);
  });

  it('starts from a given stream ID (inclusive) or a time, and keeps invalid UTF-8 visible', async () => {
    const prefix = uniquePrefix('since');
    const all = `${prefix}all`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await r.xadd(all, '*', ...seed('q', i))) as string);
    const bin = (await r.xadd(
      all,
      '*',
      'raw',
      Buffer.from([0x41, 0xfe, 0x42]),
      'ansi',
      '\x1b[2J',
    )) as string;
    const a = tail({ prefix, since: ids[1] });
    await a.t.start();
    await waitFor(() => a.s.events().length >= 3);
    expect(a.s.events().map((e) => e.id)).toEqual([ids[1], ids[2], bin]);
    const foreign = a.s.events()[2];
    expect(foreign).toMatchObject({
      type: null,
      event: null,
      fields: { raw: 'A\\xfeB', ansi: '\x1b[2J' },
      bytes: 3 + 3 + 4 + 4,
    });

    const b = tail({ prefix, since: Number(ids[2].split('-')[0]) });
    await b.t.start();
    await waitFor(() => b.s.events().length >= 2);
    expect(b.s.events()[0].id <= ids[2]).toBe(true);
    expect(b.s.events().map((e) => e.id)).toContain(ids[2]);
  });

  it('marks what was already in the stream (since) as history; later entries arrive live, never in the same message', async () => {
    const prefix = uniquePrefix('hist');
    const all = `${prefix}all`;
    const old: string[] = [];
    for (let i = 0; i < 3; i++) old.push((await r.xadd(all, '*', ...seed('h', i))) as string);
    const { t, s } = tail({ prefix, since: '0-0' });
    await t.start();
    await waitFor(() => s.events().length >= 3);
    const live = (await r.xadd(all, '*', ...seed('h', 3))) as string;
    await waitFor(() => s.events().length >= 4);
    const batches = s.of('EventsReceived');
    expect(batches.filter((m) => m.history).flatMap((m) => m.events.map((e) => e.id))).toEqual(old);
    expect(batches.filter((m) => !m.history).flatMap((m) => m.events.map((e) => e.id))).toEqual([
      live,
    ]);
    expect(batches.find((m) => !m.history)).not.toHaveProperty('history');

    // Starting at $ there is no history.
    const now = tail({ prefix });
    await now.t.start();
    await r.xadd(all, '*', ...seed('h', 4));
    await waitFor(() => now.s.events().length >= 1);
    expect(now.s.of('EventsReceived').some((m) => m.history)).toBe(false);
  });

  it('close() is prompt while XREAD is blocked', async () => {
    const name = `tail-close-${process.pid}-${Date.now()}`;
    const { t } = tail({ prefix: uniquePrefix('close'), blockMs: 10_000, name });
    await t.start();
    const line = async () =>
      String(await r.client('LIST'))
        .split('\n')
        .find((l) => l.includes(`name=${name} `));
    await waitFor(async () => (await line())?.includes('cmd=xread'));
    const t0 = Date.now();
    await t.close();
    expect(Date.now() - t0).toBeLessThan(500);
    // The blocked connection itself is gone on the server, not just abandoned by the client.
    await waitFor(async () => (await line()) === undefined, 1000);
  });

  it('reports a refused server with its reason, keeps retrying ("connecting": it never connected), and start() does not hang', async () => {
    const port = await freePort();
    const { t, s } = tail({ prefix: uniquePrefix('down'), url: `redis://127.0.0.1:${port}` });
    await t.start();
    const failed = () => s.of('ConnectionChanged').filter((m) => m.error !== null);
    await waitFor(() => failed().length >= 3);
    expect(s.of('ConnectionChanged').some((m) => m.state === 'reconnecting')).toBe(false);
    const rec = failed();
    expect(rec.every((m) => m.state === 'connecting')).toBe(true);
    expect(rec.map((m) => m.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    expect(rec[0].error).toMatchObject({ code: 'UNREACHABLE' });
    expect(rec[0].error?.message).toMatch(/refused/);
  });

  it('counts entries trimmed past its position while it was disconnected', async () => {
    const prefix = uniquePrefix('missed');
    const all = `${prefix}all`;
    let url = redisUrl();
    const s = sink();
    const f = factory(() => url);
    const t = new Tail({
      createClient: f.create,
      keys: createKeySpace(prefix),
      emit: s.emit,
      retryBaseMs: 20,
      retryMaxMs: 50,
    });
    tails.push(t);
    await t.start();
    await r.xadd(all, '*', ...seed('m', 0));
    await waitFor(() => s.events().length === 1);
    url = `redis://127.0.0.1:${await freePort()}`; // reconnects now fail
    f.made.at(-1)!.disconnect();
    await waitFor(() => s.of('ConnectionChanged').some((m) => m.state === 'reconnecting'));
    const p = r.pipeline();
    for (let i = 1; i <= 10; i++) p.xadd(all, '*', ...seed('m', i));
    await p.exec();
    await r.xtrim(all, 'MAXLEN', 3);
    url = redisUrl();
    await waitFor(() => s.events().length === 4);
    expect(s.of('EventsMissed')).toEqual([expect.objectContaining({ count: 7 })]);
    expect(
      s
        .events()
        .slice(1)
        .map((e) => (e.event?.data as { n: number }).n),
    ).toEqual([8, 9, 10]);
  });

  it('resumes after the server restarts on the same port: no gap, no duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-aof-'));
    const config = [`dir ${dir}`, 'appendonly yes', 'appendfsync always'];
    let server = await startRedisServer({ config });
    const port = server.port;
    try {
      const prefix = uniquePrefix('restart');
      const all = `${prefix}all`;
      // While `gated`, reconnect attempts go to a dead port: entries written after the restart
      // are then certainly written while the tail is away (a gap if it re-resolved "$").
      let gated = false;
      const dead = `redis://127.0.0.1:${await freePort()}`;
      const s = sink();
      const f = factory(() => (gated ? dead : `redis://127.0.0.1:${port}`));
      const t = new Tail({
        createClient: f.create,
        keys: createKeySpace(prefix),
        emit: s.emit,
        retryBaseMs: 20,
        retryMaxMs: 100,
      });
      tails.push(t);
      await t.start();
      const w1 = rawClient(server.url);
      const before: string[] = [];
      for (let i = 0; i < 3; i++) before.push((await w1.xadd(all, '*', ...seed('r', i))) as string);
      await waitFor(() => s.events().length === 3);
      w1.disconnect();
      gated = true;
      await server.stop();
      await waitFor(() => s.of('ConnectionChanged').some((m) => m.state === 'reconnecting'));
      server = await startRedisServer({ config, port });
      const w2 = rawClient(server.url);
      // The restarted server still has the old entries (AOF): re-reading them would duplicate.
      expect(await w2.xlen(all)).toBe(3);
      const after: string[] = [];
      for (let i = 3; i < 6; i++) after.push((await w2.xadd(all, '*', ...seed('r', i))) as string);
      w2.disconnect();
      gated = false;
      await waitFor(() => s.events().length >= 6);
      await t.close();
      expect(s.events().map((e) => e.id)).toEqual([...before, ...after]);
      const states = s.of('ConnectionChanged').map((m) => m.state);
      expect(states.at(-1)).toBe('connected');
      expect(states.filter((x) => x === 'connected').length).toBeGreaterThanOrEqual(2);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
