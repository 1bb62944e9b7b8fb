/**
 * snapshot cost: 10, 100, 1,000 streams × 3 groups beside 1,000,000 unrelated keys; duration of
 * one refresh (incremental SCAN step + pipelined snapshot) and Redis round trips per refresh,
 * from the inspector's own counters; round trips vs stream length.
 */
import type { Redis } from 'ioredis';
import type { Benchmark, BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client } from './lib/redis.js';
import { summarize, fmtSummary, fmt } from './lib/stats.js';
import { importSource, type Emit, type MonitorMessage } from './lib/library.js';
import { preloadUnrelatedKeys } from './lib/preload.js';
import { wireJson } from './lib/workload.js';
import { createKeySpace, type KeySpace } from '../src/core/keys.js';

interface InspectorModule {
  snapshotStreams(
    client: Redis,
    keys: KeySpace,
    streamKeys: readonly string[],
    options?: { serverInfo?: boolean },
  ): Promise<{ streams: unknown[]; roundTrips: number }>;
}

interface PollerLike {
  start(): Promise<void>;
  refreshNow(): Promise<void>;
  close(): Promise<void>;
}

interface PollerModule {
  Poller: new (options: {
    createClient: () => Redis;
    keys: KeySpace;
    emit: Emit;
    refreshMs?: number;
  }) => PollerLike;
}

/** `streams` type streams of `length` entries, each with 3 groups: caught up, half read (pending), unread. */
export async function buildStreams(
  r: Redis,
  prefix: string,
  streams: number,
  length: number,
): Promise<void> {
  const { json } = wireJson(0);
  const PER_PIPE = Math.max(1, Math.floor(20_000 / Math.max(1, length)));
  for (let s0 = 0; s0 < streams; s0 += PER_PIPE) {
    const p = r.pipeline();
    for (let s = s0; s < Math.min(streams, s0 + PER_PIPE); s++) {
      const key = `${prefix}type.${s}`;
      for (let i = 0; i < length; i++) p.xadd(key, '*', 'event', json);
      p.xgroup('CREATE', key, 'caught-up', '$');
      p.xgroup('CREATE', key, 'half-read', '0');
      p.xgroup('CREATE', key, 'unread', '0');
      p.xreadgroup(
        'GROUP',
        'half-read',
        'worker-1',
        'COUNT',
        Math.ceil(length / 4),
        'STREAMS',
        key,
        '>',
      );
      p.xreadgroup(
        'GROUP',
        'half-read',
        'worker-2',
        'COUNT',
        Math.ceil(length / 4),
        'STREAMS',
        key,
        '>',
      );
    }
    await p.exec();
  }
}

/** Total µs Redis has spent executing commands (sum of INFO commandstats usec). */
async function serverCommandUs(r: Redis): Promise<number> {
  const info = await r.info('commandstats');
  let us = 0;
  for (const m of info.matchAll(/usec=(\d+)/g)) us += Number(m[1]);
  return us;
}

export const benchmark: Benchmark = {
  name: 'snapshot',
  title: 'snapshot cost: 10 / 100 / 1,000 streams × 3 groups beside 1,000,000 unrelated keys',
  async run(ctx: BenchContext) {
    const unrelated = ctx.quick ? 200_000 : 1_000_000;
    const section = emptySection(
      'snapshot',
      this.title,
      `One private redis-server holding ${fmt(unrelated)} unrelated string keys (pipelined MSET) and, under separate prefixes, ` +
        'N type streams with 3 groups each (`caught-up` at `$`; `half-read` with 2 consumers holding half the entries pending; `unread` at 0). ' +
        'A refresh is the real `Poller` (src/monitor/poller.ts) driven with `refreshNow()`: one incremental discovery step (`SCAN … MATCH <prefix>* TYPE stream`, ' +
        'time-boxed) plus one pipelined snapshot of every known stream; duration and round trips are the `durationMs`/`roundTrips` of its own ' +
        '`SnapshotReceived` messages. "Snapshot alone" calls the inspector\'s `snapshotStreams` on the known keys (no SCAN) and reads its round-trip ' +
        `counter: that is the part that could grow with stream length. Warm figures are taken after the poller had found every stream; ${ctx.runs} refreshes each.`,
    );
    const inspector = await importSource<InspectorModule>('streams/inspector.ts');
    const pollerMod = await importSource<PollerModule>('monitor/poller.ts');
    if (!inspector || !pollerMod) {
      section.error = '`src/streams/inspector.ts` or `src/monitor/poller.ts` has not landed';
      return section;
    }
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const r = client(server, 'bench-loader');
    ctx.onCleanup(() => void r.disconnect());
    const t0 = performance.now();
    await preloadUnrelatedKeys(r, 'unrelated:', unrelated);
    ctx.log(
      `${fmt(unrelated)} unrelated keys in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const configs: { streams: number; length: number }[] = [
      { streams: 10, length: 100 },
      { streams: 100, length: 100 },
      { streams: 1000, length: 100 },
      { streams: 100, length: 10 },
      { streams: 100, length: ctx.quick ? 2_000 : 10_000 },
    ];
    const rows: string[][] = [];
    const at1000: number[] = [];
    let server1000 = { alone: NaN, redis: NaN };
    const rtByLength = new Map<number, number>();
    let n = 0;
    for (const cfg of configs) {
      const prefix = `snap${n++}:`;
      const t1 = performance.now();
      await buildStreams(r, prefix, cfg.streams, cfg.length);
      ctx.log(
        `${cfg.streams} streams × ${cfg.length} entries built in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
      );
      const keys = createKeySpace(prefix);
      const snaps: Extract<MonitorMessage, { type: 'SnapshotReceived' }>[] = [];
      const failures: string[] = [];
      const emit: Emit = (m) => {
        if (m.type === 'SnapshotReceived') snaps.push(m);
        if (m.type === 'SnapshotFailed') failures.push(m.error.message);
      };
      const poller = new pollerMod.Poller({
        createClient: () => client(server, 'bench-poller'),
        keys,
        emit,
        refreshMs: 3_600_000,
      });
      const direct = client(server, 'bench-inspector');
      try {
        // Cold: refresh until every stream has been found (the SCAN walks all unrelated keys in 25 ms slices).
        const c0 = performance.now();
        await poller.start();
        while (
          (snaps.at(-1)?.streams.length ?? 0) < cfg.streams &&
          failures.length === 0 &&
          performance.now() - c0 < 120_000
        )
          await poller.refreshNow();
        const coldMs = performance.now() - c0;
        const coldRefreshes = snaps.length;
        const coldRt = snaps.reduce((a, m) => a + m.roundTrips, 0);
        if (failures.length) throw new Error(`poller: ${failures[0]}`);
        // Warm refreshes, each emitted with the poller's own duration and round-trip count.
        snaps.length = 0;
        for (let i = 0; i < ctx.runs; i++) await poller.refreshNow();
        const dur = snaps.map((m) => m.durationMs);
        const rts = snaps.map((m) => m.roundTrips);
        const seen = snaps.at(-1)?.streams.length ?? 0;
        // The snapshot alone (no SCAN), via the inspector, for round trips vs stream length.
        const snapMs: number[] = [];
        const snapRts: number[] = [];
        const serverUsBefore = await serverCommandUs(r);
        const keyList = Array.from({ length: cfg.streams }, (_, s) => `${prefix}type.${s}`);
        for (let i = 0; i < ctx.runs; i++) {
          const a = performance.now();
          const res = await inspector.snapshotStreams(direct, keys, keyList);
          snapMs.push(performance.now() - a);
          snapRts.push(res.roundTrips);
        }
        // Server-side execution time of those snapshots (INFO commandstats; the INFO call itself adds a few µs).
        const serverMs = (await serverCommandUs(r)) - serverUsBefore;
        if (seen !== cfg.streams)
          section.notes.push(
            `${cfg.streams} streams × ${cfg.length}: the poller's snapshot held ${seen} streams.`,
          );
        if (cfg.streams === 1000) {
          at1000.push(...dur);
          server1000 = { alone: summarize(snapMs).median, redis: serverMs / 1000 / ctx.runs };
        }
        if (cfg.streams === 100) rtByLength.set(cfg.length, summarize(snapRts).median);
        rows.push([
          fmt(cfg.streams),
          fmt(cfg.length),
          fmtSummary(summarize(dur), 1, 'ms'),
          fmtSummary(summarize(rts)),
          fmtSummary(summarize(snapMs), 1, 'ms'),
          fmtSummary(summarize(snapRts)),
          `${fmt(serverMs / 1000 / ctx.runs, 1)} ms`,
          `${fmt(coldMs)} ms, ${coldRefreshes} refreshes, ${fmt(coldRt)} RTs`,
        ]);
        ctx.log(
          `${cfg.streams}×${cfg.length}: refresh ${fmt(summarize(dur).median, 1)} ms / ${summarize(rts).median} RTs; snapshot alone ${fmt(summarize(snapMs).median, 1)} ms / ${summarize(snapRts).median} RTs`,
        );
      } finally {
        await poller.close();
        direct.disconnect();
      }
    }
    section.tables.push({
      headers: [
        'streams',
        'entries/stream',
        'poller refresh (warm)',
        'round trips / refresh (SCAN step + snapshot)',
        'snapshot alone (inspector)',
        'snapshot round trips',
        'of which Redis executing (per snapshot)',
        'cold: until the poller had found every stream',
      ],
      rows,
    });
    const m1000 = summarize(at1000).median;
    section.targets.push({
      what: 'one refresh at 1,000 streams × 3 groups (+ unrelated keys)',
      target: '≤ 100 ms',
      measured: `${fmt(m1000, 1)} ms`,
      status: m1000 <= 100 ? 'met' : 'missed',
      note:
        m1000 > 100
          ? `the snapshot of 1,000 streams took ${fmt(server1000.alone, 1)} ms, of which Redis was executing ${fmt(server1000.redis, 1)} ms (one Lua snapshot call per stream, ` +
            'INFO commandstats), so it is bound by server time, which stretches when the shared cores are busy; the refresh adds the time-boxed SCAN step (~25 ms). ' +
            'Remedies in the poller/inspector: snapshot only streams whose last-generated ID or group state changed since the last refresh, or spread 1,000 streams over several refreshes.'
          : undefined,
    });
    const rtVals = [...rtByLength.values()];
    const flat = rtVals.length > 1 && rtVals.every((x) => x === rtVals[0]);
    section.targets.push({
      what: 'snapshot round trips independent of stream length (100 streams)',
      target: 'constant',
      measured: [...rtByLength.entries()]
        .map(([len, rt]) => `${fmt(len)} entries: ${rt}`)
        .join('; '),
      status: flat ? 'met' : 'missed',
    });
    section.notes.push(
      'The SCAN step is time-boxed (25 ms by default) by design, so with a large unrelated keyspace every refresh spends up to its budget walking the ' +
        'keyspace for new streams; its round trips (one per 1,000 keys examined) are that budget, not a stall.',
    );
    return section;
  },
};
