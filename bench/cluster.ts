/**
 * Redis Cluster figures (issue 12), each against a baseline measured in the same run:
 *  - publish throughput in the spread layout, 3 producer processes (bench/lib/cluster-producer.ts,
 *    persistEvents of 100 events, 12 types), on a 1-master cluster (all 16,384 slots on one node)
 *    vs a 3-master cluster; events/s over the same window, with the CPU of every redis-server and
 *    producer over that window (/proc/<pid>/stat) — on a 2-core machine shared with other work the
 *    CPU figures say whether the masters or the producers were the limit;
 *  - snapshot cost of 1,000 streams × 3 groups spread over 3 masters (snapshotStreams on a Cluster
 *    client: one pipeline per node) vs the same 1,000 streams on one plain node: ms and round trips.
 * Run: npx tsx bench/cluster.ts [--runs N] [--window-ms MS]   (private servers; prints Markdown)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { Cluster, Redis } from 'ioredis';
import { startCluster, type RunningCluster } from '../src/local-redis/private-cluster.js';
import { startRedisServer, freePort, type RunningRedis } from '../src/local-redis/private-redis.js';
import { createKeySpace } from '../src/core/keys.js';
import { createRedisClient } from '../src/streams/connection.js';
import { snapshotStreams } from '../src/streams/snapshot.js';
import { cpuSeconds, runQueueWaitSeconds } from './lib/proc.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 3);
const WINDOW_MS = arg('--window-ms', 8000);
const PRODUCERS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

interface Target {
  name: string;
  url: string;
  servers: RunningRedis[];
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** One redis-server in cluster mode serving every slot (redis-cli --cluster create needs 3). */
async function oneMasterCluster(): Promise<Target> {
  const server = await startRedisServer({
    config: [
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      `cluster-port ${await freePort()}`,
      // A node that never met another does not know its own address (CLUSTER SLOTS says "").
      'cluster-announce-ip 127.0.0.1',
    ],
  });
  const c = new Redis({ port: server.port, host: '127.0.0.1' });
  await c.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383);
  for (let i = 0; !/cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO'))); i++) {
    if (i > 200) throw new Error('1-master cluster never became ok');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name: '1 master',
    url: server.url,
    servers: [server],
    flush: async () => void (await c.flushall()),
    stop: async () => {
      c.disconnect();
      await server.stop();
    },
  };
}

function threeMasters(cluster: RunningCluster): Target {
  return {
    name: '3 masters',
    url: cluster.url,
    servers: cluster.nodes.map((n) => n.server),
    flush: async () => {
      for (const n of cluster.nodes) {
        const c = cluster.nodeClient(n);
        await c.flushall();
        c.disconnect();
      }
    },
    stop: () => cluster.stop(),
  };
}

interface PublishRun {
  eventsPerSec: number;
  errors: number;
  serverCpu: number[]; // % of one core each
  producerCpu: number[];
  /** % of the window the producers' threads were runnable but waiting for a CPU (summed). */
  producerWait: number[];
}

function startProducer(url: string, prefix: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/cluster-producer.ts', url, prefix],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
}

async function publishRun(t: Target, run: number): Promise<PublishRun> {
  const prefix = `b${run}:events:`;
  const kids = Array.from({ length: PRODUCERS }, () => startProducer(t.url, prefix));
  const lines = kids.map((k) => createInterface({ input: k.stdout! })[Symbol.asyncIterator]());
  // Each says "ready" once connected; then one window for all of them.
  for (const l of lines) {
    const first = await l.next();
    if (String(first.value) !== 'ready') throw new Error(`producer: ${String(first.value)}`);
  }
  const start = Date.now() + 300;
  const end = start + WINDOW_MS;
  for (const k of kids) k.stdin!.write(`${start} ${end}\n`);
  const pids = [...t.servers.map((s) => s.pid), ...kids.map((k) => k.pid!)];
  await new Promise((r) => setTimeout(r, start - Date.now()));
  const cpu0 = pids.map((p) => cpuSeconds(p) ?? 0);
  const wait0 = kids.map((k) => runQueueWaitSeconds(k.pid!) ?? 0);
  await new Promise((r) => setTimeout(r, end - Date.now()));
  const cpu1 = pids.map((p) => cpuSeconds(p) ?? 0);
  const wait1 = kids.map((k) => runQueueWaitSeconds(k.pid!) ?? 0);
  const results = await Promise.all(
    lines.map(async (l) => JSON.parse(String((await l.next()).value)) as Record<string, number>),
  );
  await Promise.all(kids.map((k) => new Promise((r) => k.once('exit', r))));
  await t.flush();
  const pct = (i: number) => ((cpu1[i] - cpu0[i]) / (WINDOW_MS / 1000)) * 100;
  const ns = t.servers.length;
  return {
    eventsPerSec: results.reduce((n, r) => n + r.inWindow, 0) / (WINDOW_MS / 1000),
    errors: results.reduce((n, r) => n + r.errors, 0),
    serverCpu: t.servers.map((_, i) => pct(i)),
    producerCpu: kids.map((_, i) => pct(ns + i)),
    producerWait: kids.map((_, i) => ((wait1[i] - wait0[i]) / (WINDOW_MS / 1000)) * 100),
  };
}

/** 1,000 streams (one entry, 3 groups each) under `prefix`, through an auto-pipelining client. */
async function seedStreams(client: Redis, prefix: string): Promise<string[]> {
  const keys = Array.from({ length: 1000 }, (_, i) => `${prefix}s${String(i).padStart(4, '0')}`);
  await Promise.all(keys.map((k) => client.xadd(k, '*', 'event', '{"n": 1}')));
  await Promise.all(
    keys.flatMap((k) => ['g1', 'g2', 'g3'].map((g) => client.xgroup('CREATE', k, g, '0'))),
  );
  return keys;
}

async function main() {
  const startedAt = new Date().toISOString();
  const loadStart = load();
  const one = await oneMasterCluster();
  const three = threeMasters(await startCluster({ masters: 3 }));
  const runs: Record<string, PublishRun[]> = { '1 master': [], '3 masters': [] };
  try {
    for (let r = 0; r < RUNS; r++) {
      // Alternate the order so drift in the machine's load hits both alike.
      for (const t of r % 2 === 0 ? [one, three] : [three, one])
        runs[t.name].push(await publishRun(t, r));
    }

    // Snapshot: 1,000 streams over 3 masters vs on one plain node.
    const plain = await startRedisServer();
    const prefix = 'snap:events:';
    const keySpace = createKeySpace(prefix, 'spread');
    const seedCluster = new Cluster([{ host: '127.0.0.1', port: three.servers[0].port }], {
      enableAutoPipelining: true,
    });
    const seedPlain = new Redis({
      port: plain.port,
      host: '127.0.0.1',
      enableAutoPipelining: true,
    });
    const keys = await seedStreams(seedCluster as unknown as Redis, prefix);
    await seedStreams(seedPlain, prefix);
    seedCluster.disconnect();
    seedPlain.disconnect();
    const cc = createRedisClient({ url: three.url, cluster: true });
    const pc = createRedisClient({ url: plain.url, cluster: false });
    await Promise.all([cc.connect(), pc.connect()]);
    const snap: Record<
      string,
      { ms: number[]; roundTrips: number; streams: number; nodes: number }
    > = {};
    // A first snapshot each, not timed (script load, slot map).
    await snapshotStreams(cc, keySpace, keys);
    await snapshotStreams(pc, keySpace, keys);
    for (let r = 0; r < 5; r++)
      for (const [name, c] of (r % 2 === 0
        ? [
            ['3 masters (cluster)', cc],
            ['1 plain node', pc],
          ]
        : [
            ['1 plain node', pc],
            ['3 masters (cluster)', cc],
          ]) as [string, Redis][]) {
        const t0 = performance.now();
        const res = await snapshotStreams(c, keySpace, keys);
        const ms = performance.now() - t0;
        const s = (snap[name] ??= { ms: [], roundTrips: 0, streams: 0, nodes: 0 });
        s.ms.push(ms);
        s.roundTrips = res.roundTrips;
        s.streams = res.streams.length;
        s.nodes = name.startsWith('3') ? 3 : 1;
      }
    cc.disconnect();
    pc.disconnect();
    await plain.stop();

    const rate = (name: string) => median(runs[name].map((x) => x.eventsPerSec));
    const cpuCol = (xs: number[][]) =>
      xs[0].map((_, i) => `${Math.round(median(xs.map((x) => x[i])))}%`).join(' + ');
    const out: string[] = [];
    out.push(
      `## Redis Cluster (issue 12): \`npx tsx bench/cluster.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
      '',
      `Measured ${startedAt} on ${cpus().length} cores shared with other sessions; load average ${loadStart} at the start, ${load()} at the end. ` +
        `Private servers (loopback, no persistence). Publish: ${PRODUCERS} producer processes, spread layout, ${RUNS} windows of ${WINDOW_MS / 1000} s per target, alternating order; medians.`,
      '',
      '| publish (spread, 3 producers) | events/s (median) | runs | redis-server CPU (median, % of a core) | producer CPU | producer run-queue wait | errors |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const name of ['1 master', '3 masters']) {
      const rs = runs[name];
      out.push(
        `| ${name} | ${fmt(rate(name))} | ${rs.map((x) => fmt(x.eventsPerSec)).join(', ')} | ${cpuCol(rs.map((x) => x.serverCpu))} | ${cpuCol(rs.map((x) => x.producerCpu))} | ${cpuCol(rs.map((x) => x.producerWait))} | ${rs.reduce((n, x) => n + x.errors, 0)} |`,
      );
    }
    out.push(
      '',
      `Ratio 3 masters / 1 master: **${(rate('3 masters') / rate('1 master')).toFixed(2)}×** (goal ≥ 2× where the machine allows).`,
      '',
      '| snapshot, 1,000 streams × 3 groups | ms (median of 5) | runs | round trips | streams |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const [name, s] of Object.entries(snap))
      out.push(
        `| ${name} | ${median(s.ms).toFixed(1)} | ${s.ms.map((x) => x.toFixed(0)).join(', ')} | ${s.roundTrips} | ${s.streams} |`,
      );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await one.stop();
    await three.stop();
  }
}

await main();
