import { afterAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { createKeySpace } from '../../src/core/keys.js';
import {
  fetchEntry,
  readPendingMostIdle,
  readPendingPage,
  snapshotStreams,
  StreamDiscovery,
} from '../../src/streams/inspector.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());

function pairs(a: unknown[]): Record<string, unknown> {
  return Object.fromEntries(a.flatMap((v, i) => (i % 2 ? [] : [[String(v), a[i + 1]]])));
}

/** Round trips as the server sees them: each pipeline is one, each direct command is one. */
function countRoundTrips(client: Redis): () => number {
  let n = 0;
  const pipeline = client.pipeline.bind(client);
  vi.spyOn(client, 'pipeline').mockImplementation((...a: Parameters<Redis['pipeline']>) => {
    n++;
    return pipeline(...a);
  });
  const send = client.sendCommand.bind(client);
  vi.spyOn(client, 'sendCommand').mockImplementation((cmd, stream) => {
    if (!stream) n++; // commands queued by a pipeline carry its write stream
    return send(cmd, stream);
  });
  return () => n;
}

describe('StreamDiscovery', () => {
  it('finds only streams under the prefix, across several bounded steps, and drops vanished keys', async () => {
    const prefix = uniquePrefix('disc');
    const other = uniquePrefix('other');
    const ks = createKeySpace(prefix);
    await r.xadd(`${prefix}a`, '*', 'f', '1');
    await r.xadd(`${prefix}b`, '*', 'f', '1');
    await r.xadd(`${prefix}all`, '*', 'f', '1');
    await r.set(`${prefix}not-a-stream`, 'x');
    await r.hset(`${prefix}hash`, 'f', 'v');
    await r.xadd(`${other}a`, '*', 'f', '1');
    const pipe = r.pipeline();
    for (let i = 0; i < 300; i++) pipe.set(`${other}noise:${i}`, 'x');
    await pipe.exec();

    // COUNT 10 and no time budget: one SCAN call per step, so a pass takes many steps.
    const d = new StreamDiscovery(ks, { scanCount: 10, budgetMs: 0 });
    const first = await d.step(r);
    expect(first.roundTrips).toBe(1);
    let step = first;
    let steps = 1;
    while (!step.complete) {
      step = await d.step(r);
      steps++;
    }
    expect(steps).toBeGreaterThan(5);
    expect(step.keys).toEqual([`${prefix}a`, `${prefix}all`, `${prefix}b`]);

    await r.del(`${prefix}b`);
    // Still remembered until a full pass has confirmed it gone.
    expect(d.currentKeys()).toContain(`${prefix}b`);
    const full = await d.step(r, true); // finishes the pass that started after the first one
    expect(full.keys).toEqual([`${prefix}a`, `${prefix}all`]);
    d.forget(`${prefix}a`);
    expect(d.currentKeys()).toEqual([`${prefix}all`]);
  });
});

describe.each([
  ['one script call per stream', true, 1],
  ['plain commands (scripts refused)', false, 2],
])('snapshotStreams: %s', (_label, script, roundTrips) => {
  it('matches XINFO and XPENDING for streams, groups and consumers', async () => {
    const prefix = uniquePrefix('snap');
    const ks = createKeySpace(prefix);
    const key = `${prefix}asset.processed`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await r.xadd(key, '*', 'event', `{"n":${i}}`)) as string);
    await r.xgroup('CREATE', key, 'g1', '0');
    await r.xgroup('CREATE', key, 'g2', '$');
    await r.xreadgroup('GROUP', 'g1', 'c1', 'COUNT', 2, 'STREAMS', key, '>');
    await r.xreadgroup('GROUP', 'g1', 'c2', 'COUNT', 1, 'STREAMS', key, '>');
    await r.xack(key, 'g1', ids[0]);
    await r.xadd(`${prefix}all`, '*', 'event', '{}', 'type', 'x');

    const snap = await snapshotStreams(r, ks, [`${prefix}all`, key], { serverInfo: true, script });
    expect(snap.roundTrips).toBe(roundTrips);
    expect(snap.missing).toEqual([]);
    expect(snap.server?.version).toMatch(/^\d+\.\d+/);
    expect(snap.server?.maxmemoryPolicy).toBe((await r.config('GET', 'maxmemory-policy'))[1]);
    const [time] = await r.time();
    expect(Math.abs(snap.timeMs - Number(time) * 1000)).toBeLessThan(5000);

    const s = snap.streams.find((x) => x.key === key)!;
    expect(s).toMatchObject({
      kind: 'type',
      eventType: 'asset.processed',
      length: 5,
      lastGeneratedId: ids[4],
      firstEntryId: ids[0],
      entriesAdded: 5,
    });
    expect(snap.streams.find((x) => x.key === `${prefix}all`)).toMatchObject({
      kind: 'global',
      eventType: null,
      groups: [],
    });

    const g1 = s.groups.find((g) => g.name === 'g1')!;
    const summary = (await r.xpending(key, 'g1')) as [number, string, string, [string, string][]];
    expect(g1.pending).toBe(summary[0]);
    expect(g1).toMatchObject({
      pending: 2,
      consumers: 2,
      lastDeliveredId: ids[2],
      entriesRead: 3,
      lag: 2,
      oldestPendingId: ids[1],
    });
    expect(g1.consumerList.map((c) => [c.name, c.pending])).toEqual([
      ['c1', 1],
      ['c2', 1],
    ]);
    // Oldest undelivered entry is ids[3]: its age, measured on the server clock.
    expect(g1.oldestUndeliveredAgeMs).toBe(Math.max(0, snap.timeMs - Number(ids[3].split('-')[0])));

    const g2 = s.groups.find((g) => g.name === 'g2')!;
    expect(g2).toMatchObject({
      pending: 0,
      consumers: 0,
      lag: 0,
      oldestPendingId: null,
      oldestUndeliveredAgeMs: null,
      consumerList: [],
    });
  });

  it('reports lag as null when Redis cannot tell (after a deletion)', async () => {
    const prefix = uniquePrefix('lag');
    const key = `${prefix}t`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await r.xadd(key, '*', 'f', String(i))) as string);
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', key, '>');
    await r.xdel(key, ids[2]);
    const snap = await snapshotStreams(r, createKeySpace(prefix), [key], { script });
    expect(snap.streams[0].groups[0].lag).toBeNull();
  });

  it('uses the same number of round trips for 1 and for 50 streams', async () => {
    const measure = async (n: number): Promise<[number, number]> => {
      const prefix = uniquePrefix(`rt${n}`);
      const ks = createKeySpace(prefix);
      const setup = r.pipeline();
      for (let i = 0; i < n; i++) {
        setup.xadd(`${prefix}t${i}`, '*', 'f', '1').xadd(`${prefix}t${i}`, '*', 'f', '2');
        setup.xgroup('CREATE', `${prefix}t${i}`, 'g', '0');
        setup.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', `${prefix}t${i}`, '>');
      }
      await setup.exec();
      const c = rawClient();
      try {
        await c.ping(); // connection handshake (HELLO, ready check) is not part of the snapshot
        const count = countRoundTrips(c);
        const d = new StreamDiscovery(ks, { scanCount: 100000 });
        const step = await d.step(c, true);
        const snap = await snapshotStreams(c, ks, step.keys, { script });
        expect(snap.streams).toHaveLength(n);
        expect(
          snap.streams.every(
            (s) =>
              s.groups[0].consumerList.length === 1 && s.groups[0].oldestUndeliveredAgeMs !== null,
          ),
        ).toBe(true);
        return [count(), step.roundTrips + snap.roundTrips];
      } finally {
        c.disconnect();
      }
    };
    const [one, oneReported] = await measure(1);
    const [fifty, fiftyReported] = await measure(50);
    expect(one).toBe(fifty);
    expect(oneReported).toBe(one);
    expect(fiftyReported).toBe(fifty);
  });

  it('follows deletions, trims, acks and SETID: first entry, oldest pending, oldest undelivered', async () => {
    const prefix = uniquePrefix('edit');
    const ks = createKeySpace(prefix);
    const key = `${prefix}t`;
    // A second apart, so every "oldest undelivered" age tells which entry was picked.
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await r.xadd(key, `${base + i * 1000}-0`, 'f', String(i))) as string);
    await r.xgroup('CREATE', key, 'idle', '0'); // nothing delivered yet
    await r.xgroup('CREATE', key, 'mid', '0');
    await r.xreadgroup('GROUP', 'mid', 'c', 'COUNT', 4, 'STREAMS', key, '>'); // ids[0..3] pending
    // Every figure checked against what Redis says right now: a stale value fails here.
    const check = async (): Promise<void> => {
      const snap = await snapshotStreams(r, ks, [key], { script });
      const s = snap.streams[0];
      expect(s.length).toBe(await r.xlen(key));
      expect(s.firstEntryId).toBe((await r.xrange(key, '-', '+', 'COUNT', 1))[0]?.[0] ?? null);
      const raw = (await r.xinfo('GROUPS', key)) as unknown[][];
      expect(s.groups.map((g) => g.name)).toEqual(raw.map((g) => g[1]));
      for (const g of s.groups) {
        const next = (await r.xrange(key, `(${g.lastDeliveredId}`, '+', 'COUNT', 1))[0]?.[0];
        expect(g.oldestUndeliveredAgeMs, g.name).toBe(
          next ? Math.max(0, snap.timeMs - Number(next.split('-')[0])) : null,
        );
        const summary = (await r.xpending(key, g.name)) as [number, string | null];
        expect([g.pending, g.oldestPendingId], g.name).toEqual([summary[0], summary[1] ?? null]);
      }
    };
    await check();
    await r.xdel(key, ids[0]); // the head, still pending in `mid`
    await check();
    await r.xack(key, 'mid', ids[0], ids[1]); // oldest pending moves, pending count drops
    await check();
    await r.xdel(key, ids[4]); // mid's next undelivered entry
    await check();
    await r.xreadgroup('GROUP', 'mid', 'c2', 'COUNT', 1, 'STREAMS', key, '>');
    await r.xack(key, 'mid', ids[2]); // same pending count, new last-delivered-id
    await check();
    await r.xtrim(key, 'MINID', ids[7]); // trimmed past both groups' positions
    await check();
    await r.xgroup('SETID', key, 'mid', ids[7]); // exactly at the head: next undelivered is ids[8]
    await check();
    await r.xgroup('SETID', key, 'mid', ids[8]);
    await check();
    await r.xadd(key, '*', 'f', 'new');
    await r.xgroup('SETID', key, 'idle', '$');
    await check();
    await r.xtrim(key, 'MAXLEN', 0);
    await check();
  });

  it('reports consumer idle times as XINFO CONSUMERS does', async () => {
    const prefix = uniquePrefix('idle');
    const key = `${prefix}t`;
    await r.xadd(key, '*', 'f', '1');
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'old', 'STREAMS', key, '>');
    await new Promise((res) => setTimeout(res, 120));
    await r.xreadgroup('GROUP', 'g', 'new', 'STREAMS', key, '>');
    const snap = await snapshotStreams(r, createKeySpace(prefix), [key], { script });
    const live = ((await r.xinfo('CONSUMERS', key, 'g')) as unknown[][]).map((c) => pairs(c));
    const got = snap.streams[0].groups[0].consumerList;
    expect(got.map((c) => [c.name, c.pending])).toEqual(
      live.map((c) => [c.name, Number(c.pending)]),
    );
    for (const [k, c] of got.entries()) {
      // The live reply was taken a little later: its idle is the same or slightly larger.
      expect(Number(live[k].idle) - c.idleMs).toBeGreaterThanOrEqual(0);
      expect(Number(live[k].idle) - c.idleMs).toBeLessThan(100);
      expect(c.inactiveMs === null).toBe(
        live[k].inactive === undefined || Number(live[k].inactive) === -1,
      );
    }
    expect(got[0].idleMs).toBeGreaterThanOrEqual(100);
  });

  it.runIf(script)(
    'never ships the payload of huge head, tail or next-undelivered entries',
    async () => {
      const prefix = uniquePrefix('huge');
      const ks = createKeySpace(prefix);
      const huge = 'x'.repeat(512 * 1024);
      const keys = [`${prefix}a`, `${prefix}b`];
      for (const key of keys) {
        await r.xadd(key, '*', 'event', huge);
        const small = (await r.xadd(key, '*', 'event', '{}')) as string;
        await r.xgroup('CREATE', key, 'g', '0'); // next undelivered: the huge head
        await r.xgroup('CREATE', key, 'h', small); // next undelivered: the huge tail
        await r.xadd(key, '*', 'event', huge);
      }
      const c = rawClient();
      try {
        await c.ping();
        const before = c.stream.bytesRead;
        const snap = await snapshotStreams(c, ks, keys, { script });
        expect(snap.streams.map((s) => s.length)).toEqual([3, 3]);
        expect(
          snap.streams.every(
            (s) =>
              s.groups.length === 2 && s.groups.every((g) => g.oldestUndeliveredAgeMs !== null),
          ),
        ).toBe(true);
        expect(c.stream.bytesRead - before).toBeLessThan(4096);
      } finally {
        c.disconnect();
      }
    },
  );

  it('skips a stream deleted or retyped between discovery and snapshot', async () => {
    const prefix = uniquePrefix('gone');
    const ks = createKeySpace(prefix);
    for (const k of ['a', 'b', 'c']) await r.xadd(`${prefix}${k}`, '*', 'f', '1');
    const d = new StreamDiscovery(ks);
    const { keys } = await d.step(r, true);
    expect(keys).toHaveLength(3);
    await r.del(`${prefix}a`);
    await r.del(`${prefix}b`);
    await r.set(`${prefix}b`, 'now a string');
    const snap = await snapshotStreams(r, ks, keys, { script });
    expect(snap.streams.map((s) => s.key)).toEqual([`${prefix}c`]);
    expect(snap.missing.sort()).toEqual([`${prefix}a`, `${prefix}b`]);
  });
});

describe('snapshotStreams without scripting', () => {
  it('falls back to plain commands when the ACL refuses scripts, and remembers it', async () => {
    const server = await startRedisServer({
      config: ['user noscript on >pw ~* &* +@all -@scripting'],
    });
    const admin = rawClient(server.url);
    const limited = new Redis(`redis://noscript:pw@127.0.0.1:${server.port}`, {
      maxRetriesPerRequest: 0,
    });
    try {
      const prefix = uniquePrefix('acl');
      const key = `${prefix}t`;
      for (let i = 0; i < 3; i++) await admin.xadd(key, '*', 'f', String(i));
      await admin.xgroup('CREATE', key, 'g', '0');
      await admin.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', key, '>');
      const ks = createKeySpace(prefix);
      const expected = await snapshotStreams(admin, ks, [key]);
      expect(expected.roundTrips).toBe(1);
      const first = await snapshotStreams(limited, ks, [key]);
      expect(first.roundTrips).toBe(1 + 2); // the refused attempt, then the two plain pipelines
      const second = await snapshotStreams(limited, ks, [key]);
      expect(second.roundTrips).toBe(2);
      const strip = (x: typeof expected) =>
        x.streams.map((s) => ({
          ...s,
          groups: s.groups.map((g) => ({
            ...g,
            consumerList: g.consumerList.map((c) => c.name),
            oldestUndeliveredAgeMs: null,
          })),
        }));
      expect(strip(second)).toEqual(strip(expected));
    } finally {
      admin.disconnect();
      limited.disconnect();
      await server.stop();
    }
  });
});

describe('snapshotStreams for a read-only monitoring user', () => {
  it('works with only +@read (no TIME, INFO, CONFIG or scripts): client clock, version unknown', async () => {
    const server = await startRedisServer({ config: ['user ro on >pw ~* &* +@read +@connection'] });
    const admin = rawClient(server.url);
    const ro = new Redis(`redis://ro:pw@127.0.0.1:${server.port}`, { maxRetriesPerRequest: 0 });
    try {
      const prefix = uniquePrefix('ro');
      const key = `${prefix}t`;
      for (let i = 0; i < 3; i++) await admin.xadd(key, '*', 'f', String(i));
      await admin.xgroup('CREATE', key, 'g', '0');
      await admin.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', key, '>');
      const ks = createKeySpace(prefix);
      const expected = await snapshotStreams(admin, ks, [key]);
      const before = Date.now();
      const got = await snapshotStreams(ro, ks, [key], { serverInfo: true });
      expect(got.timeMs).toBeGreaterThanOrEqual(before);
      expect(got.server).toEqual({ version: 'unknown', maxmemoryPolicy: null });
      const strip = (x: typeof expected) =>
        x.streams.map((s) => ({
          ...s,
          groups: s.groups.map((g) => ({
            ...g,
            consumerList: g.consumerList.map((c) => c.name),
            oldestUndeliveredAgeMs: null,
          })),
        }));
      expect(strip(got)).toEqual(strip(expected));
    } finally {
      admin.disconnect();
      ro.disconnect();
      await server.stop();
    }
  });
});

describe('PEL pages and entries', () => {
  it('pages the PEL by ID, filters by consumer and idle time', async () => {
    const prefix = uniquePrefix('pel');
    const key = `${prefix}t`;
    for (let i = 0; i < 7; i++) await r.xadd(key, '*', 'f', String(i));
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 4, 'STREAMS', key, '>');
    await r.xreadgroup('GROUP', 'g', 'c2', 'COUNT', 3, 'STREAMS', key, '>');
    const all = (await r.xpending(key, 'g', '-', '+', 100)) as [string, string, number, number][];

    const p1 = await readPendingPage(r, key, 'g', { afterId: null, count: 3 });
    expect(p1.entries.map((e) => e.id)).toEqual(all.slice(0, 3).map((e) => e[0]));
    expect(p1.hasMore).toBe(true);
    const p3 = await readPendingPage(r, key, 'g', { afterId: all[5][0], count: 3 });
    expect(p3.entries.map((e) => e.id)).toEqual([all[6][0]]);
    expect(p3.hasMore).toBe(false);
    expect(p3.entries[0]).toMatchObject({ consumer: 'c2', deliveries: 1 });

    const c2 = await readPendingPage(r, key, 'g', { afterId: null, count: 10, consumer: 'c2' });
    expect(c2.entries.map((e) => e.id)).toEqual(all.slice(4).map((e) => e[0]));
    const idle = await readPendingPage(r, key, 'g', {
      afterId: null,
      count: 10,
      minIdleMs: 60_000,
    });
    expect(idle.entries).toEqual([]);
  });

  it('most idle first across the PEL, not within one ID-order page: the most idle entries sit at the end', async () => {
    const key = `${uniquePrefix('idle')}t`;
    const p = r.pipeline();
    for (let i = 0; i < 250; i++) p.xadd(key, '*', 'f', String(i));
    const ids = ((await p.exec()) ?? []).map(([, id]) => String(id));
    // The last 5 entries are delivered first (most idle), 30 ms later the other 245.
    await r.xgroup('CREATE', key, 'g', ids[244]);
    await r.xreadgroup('GROUP', 'g', 'early', 'COUNT', 5, 'STREAMS', key, '>');
    await new Promise((res) => setTimeout(res, 30));
    await r.xgroup('SETID', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'late', 'COUNT', 245, 'STREAMS', key, '>');

    const first = await readPendingMostIdle(r, key, 'g', { count: 10, chunk: 40 });
    expect(first.entries.slice(0, 5).map((e) => e.id)).toEqual(ids.slice(245));
    expect(first.entries.slice(5).map((e) => e.id)).toEqual(ids.slice(0, 5));
    expect(first.scan).toEqual({ examined: 250, complete: true, limit: 50_000 });
    expect(first.hasMore).toBe(true);
    // Page by page: page 2 continues where page 1 ended; the last page says there is no more.
    const second = await readPendingMostIdle(r, key, 'g', { count: 10, offset: 10, chunk: 40 });
    expect(second.entries.map((e) => e.id)).toEqual(ids.slice(5, 15));
    const last = await readPendingMostIdle(r, key, 'g', { count: 10, offset: 240, chunk: 40 });
    expect(last.entries.map((e) => e.id)).toEqual(ids.slice(235, 245));
    expect(last.hasMore).toBe(false);
    // One consumer's entries only.
    const early = await readPendingMostIdle(r, key, 'g', { count: 10, consumer: 'early' });
    expect(early.entries.map((e) => e.id)).toEqual(ids.slice(245));
    // A search bound smaller than the PEL: the most idle of the first 100, and it says so.
    const bounded = await readPendingMostIdle(r, key, 'g', {
      count: 10,
      chunk: 40,
      scanLimit: 100,
    });
    expect(bounded.scan).toEqual({ examined: 100, complete: false, limit: 100 });
    expect(bounded.entries[0].id).toBe(ids[0]);
    await r.del(key);
  });

  it('fetches one entry binary-safely, null when gone', async () => {
    const key = `${uniquePrefix('entry')}t`;
    const id = (await r.xadd(
      key,
      '*',
      'text',
      'héllo',
      'bin',
      Buffer.from([0x41, 0xff, 0xc3]),
    )) as string;
    const e = await fetchEntry(r, key, id);
    expect(e).toEqual({ id, fields: { text: 'héllo', bin: 'A\\xff\\xc3' }, bytes: 4 + 6 + 3 + 3 });
    expect(await fetchEntry(r, key, '1-1')).toBeNull();
  });
});
