import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { createKeySpace } from '../../src/core/keys.js';
import { fetchEntry, readPendingPage, snapshotStreams, StreamDiscovery } from '../../src/streams/inspector.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());

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

describe('snapshotStreams', () => {
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

    const snap = await snapshotStreams(r, ks, [`${prefix}all`, key], { serverInfo: true });
    expect(snap.roundTrips).toBe(2);
    expect(snap.missing).toEqual([]);
    expect(snap.server?.version).toMatch(/^\d+\.\d+/);
    expect(snap.server?.maxmemoryPolicy).toBe((await r.config('GET', 'maxmemory-policy'))[1]);
    const [time] = await r.time();
    expect(Math.abs(snap.timeMs - Number(time) * 1000)).toBeLessThan(5000);

    const s = snap.streams.find((x) => x.key === key)!;
    expect(s).toMatchObject({ kind: 'type', eventType: 'asset.processed', length: 5, lastGeneratedId: ids[4], firstEntryId: ids[0], entriesAdded: 5 });
    expect(snap.streams.find((x) => x.key === `${prefix}all`)).toMatchObject({ kind: 'global', eventType: null, groups: [] });

    const g1 = s.groups.find((g) => g.name === 'g1')!;
    const summary = (await r.xpending(key, 'g1')) as [number, string, string, [string, string][]];
    expect(g1.pending).toBe(summary[0]);
    expect(g1).toMatchObject({ pending: 2, consumers: 2, lastDeliveredId: ids[2], entriesRead: 3, lag: 2, oldestPendingId: ids[1] });
    expect(g1.consumerList.map((c) => [c.name, c.pending])).toEqual([['c1', 1], ['c2', 1]]);
    // Oldest undelivered entry is ids[3]: its age, measured on the server clock.
    expect(g1.oldestUndeliveredAgeMs).toBe(Math.max(0, snap.timeMs - Number(ids[3].split('-')[0])));

    const g2 = s.groups.find((g) => g.name === 'g2')!;
    expect(g2).toMatchObject({ pending: 0, consumers: 0, lag: 0, oldestPendingId: null, oldestUndeliveredAgeMs: null, consumerList: [] });
  });

  it('reports lag as null when Redis cannot tell (after a deletion)', async () => {
    const prefix = uniquePrefix('lag');
    const key = `${prefix}t`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await r.xadd(key, '*', 'f', String(i))) as string);
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', key, '>');
    await r.xdel(key, ids[2]);
    const snap = await snapshotStreams(r, createKeySpace(prefix), [key]);
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
        const snap = await snapshotStreams(c, ks, step.keys);
        expect(snap.streams).toHaveLength(n);
        expect(snap.streams.every((s) => s.groups[0].consumerList.length === 1 && s.groups[0].oldestUndeliveredAgeMs !== null)).toBe(true);
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
    const snap = await snapshotStreams(r, ks, keys);
    expect(snap.streams.map((s) => s.key)).toEqual([`${prefix}c`]);
    expect(snap.missing.sort()).toEqual([`${prefix}a`, `${prefix}b`]);
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
    const idle = await readPendingPage(r, key, 'g', { afterId: null, count: 10, minIdleMs: 60_000 });
    expect(idle.entries).toEqual([]);
  });

  it('fetches one entry binary-safely, null when gone', async () => {
    const key = `${uniquePrefix('entry')}t`;
    const id = (await r.xadd(key, '*', 'text', 'héllo', 'bin', Buffer.from([0x41, 0xff, 0xc3]))) as string;
    const e = await fetchEntry(r, key, id);
    expect(e).toEqual({ id, fields: { text: 'héllo', bin: 'A\\xff\\xc3' }, bytes: 4 + 6 + 3 + 3 });
    expect(await fetchEntry(r, key, '1-1')).toBeNull();
  });
});
