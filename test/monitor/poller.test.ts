import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createKeySpace } from '../../src/core/keys.js';
import { Poller, type PollerOptions } from '../../src/monitor/poller.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { factory, sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());
const pollers: Poller[] = [];
afterEach(async () => {
  for (const p of pollers.splice(0)) await p.close();
});

function poller(
  o: Partial<PollerOptions> & { prefix: string; url?: string; wrap?: (c: Redis) => void },
) {
  const s = sink();
  const f = factory(o.url ?? redisUrl());
  const createClient = () => {
    const c = f.create();
    o.wrap?.(c);
    return c;
  };
  const p = new Poller({
    createClient,
    keys: createKeySpace(o.prefix),
    emit: s.emit,
    refreshMs: 60_000,
    ...o,
  });
  pollers.push(p);
  return { p, s, f };
}

describe('Poller', () => {
  it('emits snapshots whose numbers match XINFO and XPENDING, with round trips and server facts', async () => {
    const prefix = uniquePrefix('poll');
    const key = `${prefix}asset.discovered`;
    for (let i = 0; i < 6; i++) await r.xadd(key, '*', 'event', '{}');
    await r.xgroup('CREATE', key, 'workers', '0');
    await r.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 4, 'STREAMS', key, '>');
    await r.set(`${prefix}not-a-stream`, '1');
    const { p, s } = poller({ prefix });
    await p.start();
    const [snap] = s.of('SnapshotReceived');
    expect(snap.roundTrips).toBe(2); // SCAN + one pipeline (one script call per stream)
    expect(snap.durationMs).toBeGreaterThan(0);
    expect(snap.server.version).toBe(/redis_version:(\S+)/.exec(await r.info('server'))![1]);
    expect(snap.server.maxmemoryPolicy).toBe((await r.config('GET', 'maxmemory-policy'))[1]);
    expect(snap.streams.map((x) => x.key)).toEqual([key]);
    const g = snap.streams[0].groups[0];
    const groups = (await r.xinfo('GROUPS', key)) as unknown[][];
    const raw = Object.fromEntries(
      (groups[0] as unknown[]).flatMap((v, i, a) => (i % 2 ? [] : [[v, a[i + 1]]])),
    );
    const pending = (await r.xpending(key, 'workers')) as [number, string];
    expect(g).toMatchObject({
      name: 'workers',
      pending: pending[0],
      lag: raw.lag,
      entriesRead: raw['entries-read'],
      lastDeliveredId: raw['last-delivered-id'],
      oldestPendingId: pending[1],
    });
    expect(g.consumerList).toEqual([expect.objectContaining({ name: 'w1', pending: 4 })]);
    expect(s.of('ConnectionChanged').map((m) => m.state)).toEqual(['connecting', 'connected']);
  });

  it('a NULL lag is counted after the group position (~n in the monitor); more than the limit is not', async () => {
    const prefix = uniquePrefix('nullag');
    const key = `${prefix}asset.discovered`;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await r.xadd(key, '*', 'event', '{}'))!);
    await r.xgroup('CREATE', key, 'workers', '0');
    await r.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 3, 'STREAMS', key, '>');
    // XDEL after the group's position: Redis's lag becomes NULL; 6 entries are left to read.
    await r.xdel(key, ids[5]);
    const { p, s } = poller({ prefix });
    await p.start();
    const [snap] = s.of('SnapshotReceived');
    expect(snap.streams[0].groups[0].lag).toBeNull();
    expect(snap.lagEstimates).toEqual({ [`${key}\u0000workers`]: 6 });
    expect(snap.roundTrips).toBe(3); // SCAN, the snapshot, the count

    // Nothing changed: the next snapshots reuse the count (no count round trip); an entry added
    // after the position is counted again.
    await p.refreshNow();
    const again = s.of('SnapshotReceived').at(-1)!;
    expect(again.lagEstimates).toEqual({ [`${key}\u0000workers`]: 6 });
    await r.xadd(key, '*', 'event', '{}');
    await p.refreshNow();
    const grown = s.of('SnapshotReceived').at(-1)!;
    expect(grown.lagEstimates).toEqual({ [`${key}\u0000workers`]: 7 });
    expect(grown.roundTrips).toBe(again.roundTrips + 1);

    // Every lag known: nothing counted, nothing sent.
    const known = uniquePrefix('known');
    await r.xadd(`${known}a`, '*', 'f', '1');
    await r.xgroup('CREATE', `${known}a`, 'g', '$');
    const k = poller({ prefix: known });
    await k.p.start();
    expect(k.s.of('SnapshotReceived')[0].lagEstimates).toBeUndefined();
    expect(k.s.of('SnapshotReceived')[0].roundTrips).toBe(2);
  });

  it('refreshNow() picks up a new stream; snapshots never overlap', async () => {
    const prefix = uniquePrefix('now');
    await r.xadd(`${prefix}a`, '*', 'f', '1');
    let inFlight = 0;
    let maxInFlight = 0;
    const wrap = (c: Redis) => {
      const pipeline = c.pipeline.bind(c);
      c.pipeline = ((...a: Parameters<Redis['pipeline']>) => {
        const pl = pipeline(...a);
        const exec = pl.exec.bind(pl);
        pl.exec = (async () => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await exec();
          } finally {
            inFlight--;
          }
        }) as typeof pl.exec;
        return pl;
      }) as Redis['pipeline'];
    };
    const { p, s } = poller({ prefix, refreshMs: 5, wrap });
    await p.start();
    await r.xadd(`${prefix}b`, '*', 'f', '1');
    await Promise.all([p.refreshNow(), p.refreshNow(), p.refreshNow()]);
    await waitFor(() => s.of('SnapshotReceived').length >= 10);
    expect(maxInFlight).toBe(1);
    expect(
      s
        .of('SnapshotReceived')
        .at(-1)!
        .streams.map((x) => x.key),
    ).toEqual([`${prefix}a`, `${prefix}b`]);
  });

  it('backs off while Redis is away, says why, and recovers by itself', async () => {
    let server = await startRedisServer();
    const port = server.port;
    try {
      const prefix = uniquePrefix('away');
      const w = rawClient(server.url);
      await w.xadd(`${prefix}x`, '*', 'f', '1');
      w.disconnect();
      const { p, s } = poller({ prefix, url: server.url, refreshMs: 20, retryMaxMs: 300 });
      await p.start();
      await server.stop();
      await waitFor(() => s.of('SnapshotFailed').length >= 4);
      const failed = s.of('SnapshotFailed');
      expect(failed[0].error.code).toBe('UNREACHABLE');
      const gaps = failed.slice(1).map((m, i) => m.at - failed[i].at);
      // Exponential with jitter (0.5–1×): the 3rd wait is ≥ 0.5·80 ms, well above the 20 ms refresh.
      expect(gaps[2]).toBeGreaterThanOrEqual(35);
      const rec = s.of('ConnectionChanged').filter((m) => m.state === 'reconnecting');
      expect(rec.slice(0, 3).map((m) => m.attempt)).toEqual([1, 2, 3]);
      server = await startRedisServer({ port });
      const w2 = rawClient(server.url);
      await w2.xadd(`${prefix}y`, '*', 'f', '1');
      w2.disconnect();
      await waitFor(
        () =>
          s.of('SnapshotReceived').at(-1)!.streams.length === 1 &&
          s.msgs.at(-1)!.type === 'SnapshotReceived',
        8000,
      );
      expect(s.of('SnapshotReceived').at(-1)!.streams[0].key).toBe(`${prefix}y`);
      expect(s.of('ConnectionChanged').at(-1)!.state).toBe('connected');
    } finally {
      await server.stop();
    }
  });

  it('close() stops polling promptly', async () => {
    const { p, s } = poller({ prefix: uniquePrefix('stop'), refreshMs: 10 });
    await p.start();
    await waitFor(() => s.of('SnapshotReceived').length >= 2);
    const t0 = Date.now();
    await p.close();
    expect(Date.now() - t0).toBeLessThan(300);
    const n = s.msgs.length;
    await new Promise((res) => setTimeout(res, 60));
    expect(s.msgs.length).toBe(n);
  });
});
