/**
 * Snapshot probe: one private redis-server, S streams × 3 groups with pending entries and lag,
 * then N snapshots timed one after another (median/min/max, round trips, bytes received).
 *
 *   npx tsx bench/snapshot-probe.ts [--streams 1000] [--runs 30] [--len 30] [--huge BYTES]
 *                                   [--noise KEYS] [--poller]
 *
 * --huge puts an entry of BYTES bytes at the head and at the tail of every stream (and the
 * groups' next undelivered entry is a normal one), to show what a refresh ships over the wire.
 * --noise adds that many unrelated keys (DEBUG POPULATE on the private server).
 * --poller also times refreshes through the Poller (SCAN step + snapshot, as the monitor does).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/local-redis/private-redis.js';
import { createKeySpace } from '../src/core/keys.js';
import type { MonitorMessage } from '../src/core/messages.js';
import { snapshotStreams, StreamDiscovery } from '../src/streams/inspector.js';
import { Poller } from '../src/monitor/poller.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const STREAMS = arg('streams', 1000);
const RUNS = arg('runs', 30);
const LEN = arg('len', 30);
const HUGE = arg('huge', 0);
const NOISE = arg('noise', 0);
const POLLER = process.argv.includes('--poller');

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `median ${med.toFixed(1)} ms, min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)} (n=${s.length})`;
}

async function populate(r: Redis, prefix: string): Promise<void> {
  const huge = HUGE > 0 ? 'x'.repeat(HUGE) : null;
  for (let base = 0; base < STREAMS; base += 100) {
    const p = r.pipeline();
    for (let i = base; i < Math.min(STREAMS, base + 100); i++) {
      const key = `${prefix}type.${i}`;
      if (huge) p.xadd(key, '*', 'event', huge);
      for (let n = 0; n < LEN; n++)
        p.xadd(key, '*', 'event', `{"n":${n},"pad":"${'p'.repeat(40)}"}`);
      for (const g of ['g1', 'g2', 'g3']) p.xgroup('CREATE', key, g, '0');
      // g1: 10 delivered to c1, 5 acked → pending 5, lag LEN-10(+1)
      p.xreadgroup('GROUP', 'g1', 'c1', 'COUNT', 10, 'STREAMS', key, '>');
      // g2: 5 + 5 delivered to c1, c2 → pending 10
      p.xreadgroup('GROUP', 'g2', 'c1', 'COUNT', 5, 'STREAMS', key, '>');
      p.xreadgroup('GROUP', 'g2', 'c2', 'COUNT', 5, 'STREAMS', key, '>');
      // g3: everything delivered to three consumers, none acked → lag 0
      p.xreadgroup('GROUP', 'g3', 'c1', 'COUNT', 10, 'STREAMS', key, '>');
      p.xreadgroup('GROUP', 'g3', 'c2', 'COUNT', 10, 'STREAMS', key, '>');
      p.xreadgroup('GROUP', 'g3', 'c3', 'STREAMS', key, '>');
      if (huge) p.xadd(key, '*', 'event', huge); // tail: undelivered to g1, g2 and g3
    }
    const res = await p.exec();
    const err = res?.find(([e]) => e);
    if (err) throw err[0];
    // ack 5 of g1's 10 per stream
    const ack = r.pipeline();
    for (let i = base; i < Math.min(STREAMS, base + 100); i++) {
      const key = `${prefix}type.${i}`;
      ack.call(
        'XACK',
        key,
        'g1',
        ...(await r.xrange(key, '-', '+', 'COUNT', 6))
          .slice(HUGE > 0 ? 1 : 0, (HUGE > 0 ? 1 : 0) + 5)
          .map((e) => e[0]),
      );
    }
    await ack.exec();
  }
}

async function main(): Promise<void> {
  const server = await startRedisServer({
    config: NOISE > 0 ? ['enable-debug-command local'] : [],
  });
  const r = new Redis(server.url);
  try {
    const prefix = 'probe:events:';
    const ks = createKeySpace(prefix);
    const t0 = performance.now();
    await populate(r, prefix);
    if (NOISE > 0) await r.call('DEBUG', 'POPULATE', NOISE, 'noise');
    console.log(
      `redis ${server.version}; ${STREAMS} streams × 3 groups, ${LEN} entries each${HUGE ? `, ${HUGE}-byte head and tail entries` : ''}${NOISE ? `, ${NOISE} unrelated keys` : ''}; populated in ${(performance.now() - t0).toFixed(0)} ms`,
    );

    const client = new Redis(server.url);
    await client.ping();
    const keys = (await new StreamDiscovery(ks, { scanCount: 100_000 }).step(client, true)).keys;
    const times: number[] = [];
    const rts = new Set<number>();
    const bytes: number[] = [];
    let serverUsec = 0;
    // Redis time spent on commands (µs). Commands run inside a script are counted twice (on their
    // own and in EVALSHA), so when scripts ran, only the top-level commands are summed.
    const cmdstat = async () => {
      const lines = [
        ...(await r.info('commandstats')).matchAll(/cmdstat_(\S+?):calls=\d+,usec=(\d+)/g),
      ];
      const scripted = lines.some((m) => m[1] === 'evalsha');
      return lines
        .filter((m) => !scripted || !/^(xinfo|xrange|type|time)/.test(m[1]))
        .reduce((a, m) => a + Number(m[2]), 0);
    };
    for (let k = 0; k < RUNS + 2; k++) {
      const before = client.stream.bytesRead;
      const u0 = await cmdstat();
      const s0 = performance.now();
      const snap = await snapshotStreams(client, ks, keys, { serverInfo: k === 0 });
      const dt = performance.now() - s0;
      const u1 = await cmdstat();
      if (snap.streams.length !== keys.length)
        throw new Error(`snapshot saw ${snap.streams.length} of ${keys.length} streams`);
      if (k < 2) continue; // warm-up (JIT, script load)
      times.push(dt);
      rts.add(snap.roundTrips);
      bytes.push(client.stream.bytesRead - before);
      serverUsec += u1 - u0;
    }
    console.log(
      `snapshotStreams: ${stats(times)}; round trips ${[...rts].join('/')}; received ${(bytes.reduce((a, b) => a + b, 0) / bytes.length / 1024).toFixed(0)} KiB per snapshot; server time (commandstats) ≈ ${(serverUsec / RUNS / 1000).toFixed(1)} ms per snapshot`,
    );
    client.disconnect();

    if (POLLER) {
      const msgs: Extract<MonitorMessage, { type: 'SnapshotReceived' }>[] = [];
      const poller = new Poller({
        createClient: () => new Redis(server.url, { lazyConnect: true }),
        keys: ks,
        emit: (m) => m.type === 'SnapshotReceived' && msgs.push(m),
        refreshMs: 60_000,
      });
      await poller.start();
      let discovering = 1;
      while (msgs.at(-1)!.streams.length < STREAMS) {
        await poller.refreshNow();
        discovering++;
      }
      const from = msgs.length + 1; // one more warm-up
      for (let k = 0; k < RUNS + 1; k++) await poller.refreshNow();
      await poller.close();
      const polled = msgs.slice(from);
      const rt = polled.map((m) => m.roundTrips);
      console.log(
        `Poller refresh (SCAN step + snapshot), after discovery found all streams in ${discovering} refreshes: ${stats(polled.map((m) => m.durationMs))}; round trips ${Math.min(...rt)}–${Math.max(...rt)} (SCAN calls within the 25 ms budget + 1)`,
      );
    }
  } finally {
    r.disconnect();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
