/**
 * Slow topology test (npm run test:cluster): the real monitor (dist/cli/main.js) in tmux, pointed
 * at ONE node of a 3-master cluster with a replica each (spread layout). It shows the streams of
 * every master and the live events; while the global stream's slot migrates (the tail's stream)
 * and while a master is killed (kill -9) and its replica promoted, it keeps drawing (the status
 * bar is on every frame sampled), and afterwards it shows events published after the change and
 * the new topology. Before that, on the same cluster: `--read-from replicas` (readFrom) really
 * sends snapshots and the tail to replicas (INFO commandstats of each node).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { cheapReshardPrefix, startCluster, type RunningCluster } from '../helpers/cluster.js';
import { sleep, waitFor } from '../helpers/context.js';
import { createKeySpace } from '../../src/core/keys.js';
import { createRedisClient } from '../../src/streams/connection.js';
import { snapshotStreams } from '../../src/streams/snapshot.js';
import { monitorEventsFromRedis } from '../../src/bus/monitor-events.js';
import { MAIN, Terminal, hasTmux } from '../helpers/terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Picked in the e2e: the global stream a few slots from its owner's first (redis-cli reshard).
let PREFIX = 'tm:events:';

let cluster: RunningCluster;
let term: Terminal | null = null;
let producer: EventPersistence | null = null;
let producing = false;
let loop: Promise<void> = Promise.resolve();
let published = 0;

/** The highest `seq-<n>` on the screen (the live pane previews each event's data). */
function maxSeq(screen: string): number {
  let max = -1;
  for (const m of screen.matchAll(/seq-(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

// One cluster for the file: the replica reads first, then the e2e (which kills a master).
beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
}, 180_000);
afterAll(async () => {
  producing = false;
  await loop;
  await producer?.disconnect();
  term?.kill();
  await cluster?.stop();
});

/** `cmdstat_<name>` calls per node since the last CONFIG RESETSTAT, split by role. */
async function callsByRole(name: string): Promise<{ masters: number; replicas: number }> {
  const { masters, replicas } = await cluster.roles();
  const calls = async (nodes: typeof masters) => {
    let n = 0;
    for (const node of nodes) {
      const c = cluster.nodeClient(node);
      const info = await c.info('commandstats');
      c.disconnect();
      n += Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    }
    return n;
  };
  return { masters: await calls(masters), replicas: await calls(replicas) };
}

describe('--read-from replicas (readFrom)', () => {
  it('snapshots and the tail read from replicas; the masters serve none of those reads', async () => {
    const prefix = 'rf:events:';
    const keys = createKeySpace(prefix, 'spread');
    const p = new EventPersistence({
      redisUrl: cluster.url,
      streamPrefix: prefix,
      layout: 'spread',
    });
    await p.connect();
    const types = ['asset.discovered', 'asset.processed', 'workflow.failed'];
    for (let i = 0; i < 30; i++) await p.persistEvent({ eventType: types[i % 3], data: { i } });
    const streamKeys = [...types.map((t) => keys.typeStream(t)), keys.globalStream];
    // CLUSTER SLOTS lists a replica only once it has replicated something (Redis hides one at
    // offset 0): the client's slot map (refreshed every 5 s) has none before that.
    // Every node's view, not one: the reader asks whichever node it reaches first, and a node
    // that still hides the replica gives it a map without one — then readFrom 'replicas' reads
    // from the masters until the next refresh.
    for (const node of cluster.nodes) {
      const probe = cluster.nodeClient(node);
      await waitFor(async () => {
        const slots = (await probe.call('CLUSTER', 'SLOTS')) as unknown[][];
        return slots.every((range) => range.length >= 4);
      }, 20_000);
      probe.disconnect();
    }
    const reader = createRedisClient({ url: cluster.url, cluster: true, readFrom: 'replicas' });
    await reader.connect();
    try {
      // The replicas have caught up (asynchronous replication): then count from zero.
      await waitFor(async () => {
        const s = await snapshotStreams(reader, keys, streamKeys);
        return (
          s.streams.length === 4 &&
          s.streams.every((x) => x.length === (x.key === keys.globalStream ? 30 : 10))
        );
      }, 20_000);
      for (const n of cluster.nodes) {
        const c = cluster.nodeClient(n);
        await c.call('CONFIG', 'RESETSTAT');
        c.disconnect();
      }
      const snap = await snapshotStreams(reader, keys, streamKeys);
      expect(snap.streams).toHaveLength(4);
      // The snapshot's reads: its script per key, or — on a node client where SCRIPT LOAD went
      // elsewhere and EVALSHA met NOSCRIPT — the plain XINFO commands it falls back to. Count
      // every form, so the test checks where the reads go, not which form they took.
      const forms = ['evalsha', 'eval', 'xinfo\\|stream', 'xinfo\\|groups'];
      const byForm = await Promise.all(forms.map((f) => callsByRole(f)));
      const evalsha = {
        masters: byForm.reduce((n, c) => n + c.masters, 0),
        replicas: byForm.reduce((n, c) => n + c.replicas, 0),
      };
      expect(evalsha.replicas, JSON.stringify({ forms, byForm })).toBeGreaterThanOrEqual(4);
      expect(evalsha.masters).toBe(0);

      const lines: string[] = [];
      const stop = new AbortController();
      const tail = monitorEventsFromRedis(undefined, {
        redisUrl: cluster.url,
        streamPrefix: prefix,
        readFrom: 'replicas',
        json: true,
        signal: stop.signal,
        blockMs: 100,
        output: (l) => void lines.push(l),
        logger: () => {},
      });
      await waitFor(
        async () => {
          await p.persistEvent({ eventType: types[0], data: { tail: true } });
          return lines.length > 0;
        },
        20_000,
        300,
      );
      stop.abort();
      await tail;
      const xread = await callsByRole('xread');
      console.log(
        `read-from replicas: evalsha ${JSON.stringify(evalsha)}, xread ${JSON.stringify(xread)}`,
      );
      expect(xread.replicas).toBeGreaterThan(0);
      expect(xread.masters).toBe(0);
    } finally {
      reader.disconnect();
      await p.disconnect();
    }
  }, 60_000);
});

describe.skipIf(!hasTmux)('the monitor on a Redis Cluster (tmux)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN))
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  }, 180_000);

  it('streams from all masters, live events; keeps drawing through a reshard and a failover', async () => {
    // The global stream near the start of its owner's slots: the reshard below runs the real
    // `redis-cli --cluster reshard`, which moves the owner's lowest slots first.
    PREFIX = await cheapReshardPrefix(cluster, 'tm', ['all']);
    // One type stream on each master (the spread layout hashes each stream on its name).
    const owners = new Map<number, string>();
    for (let i = 0; owners.size < 3 && i < 200; i++) {
      const t = `kind${i}.seen`;
      const port = (await cluster.ownerOf(keySlot(`${PREFIX}${t}`))).port;
      if (!owners.has(port)) owners.set(port, t);
    }
    const types = [...owners.values()];
    expect(types).toHaveLength(3);
    producer = new EventPersistence({
      redisUrl: cluster.url,
      streamPrefix: PREFIX,
      layout: 'spread',
      logger: () => {},
    });
    await producer.connect();
    producing = true;
    const p = producer;
    // A steady trickle; a publish that fails (the failover window) is tried again.
    loop = (async () => {
      while (producing) {
        const n = published;
        try {
          await p.persistEvent({ eventType: types[n % 3], data: { seq: `seq-${n}` } });
          published++;
        } catch {
          await sleep(200);
        }
        await sleep(40);
      }
    })();

    term = new Terminal(160, 45);
    // One node is enough: a master that does not serve the global stream yet. The reshard moves
    // the global stream to it and the failover kills it, so the node the monitor was given is
    // gone and every client the loops make afterwards must find the cluster without it.
    const globalSlot = keySlot(`${PREFIX}all`);
    const firstOwner = await cluster.ownerOf(globalSlot);
    const node = (await cluster.roles()).masters.find((m) => m.port !== firstOwner.port)!;
    term.start(['--url', node.url, '--prefix', PREFIX, '--layout', 'spread']);
    await term.waitFor(
      (s) => s.includes('● connected') && s.includes('cluster: 3 masters, 3 replicas'),
      'connected to the cluster',
      30_000,
    );
    term.keys('2');
    await term.waitFor(
      // The global stream's row: `all` (the prefix is in the header) or the whole key.
      (s) =>
        types.every((t) => s.includes(t)) && new RegExp(`^[\\s›]*(${PREFIX})?all\\s`, 'm').test(s),
      'the streams of all three masters',
      20_000,
    );
    term.keys('1');
    await term.waitFor((s) => maxSeq(s) >= 0, 'live events', 20_000);

    /** While `change` runs: every sampled frame still has the status bar; then newer events. */
    const survives = async (what: string, change: () => Promise<void>, timeoutMs: number) => {
      let frames = 0;
      let blank = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          const s = term!.screen();
          frames++;
          if (!/[●◌✖] /.test(s)) blank++;
          await sleep(200);
        }
      })();
      await change();
      const after = published;
      await term!.waitFor(
        (s) => maxSeq(s) >= after + 2,
        `events published after the ${what}`,
        timeoutMs,
      );
      running = false;
      await sampler;
      console.log(
        `monitor e2e: ${what}: ${frames} frames sampled, ${blank} without a status bar; events shown again past seq ${after}`,
      );
      expect(blank).toBe(0);
    };

    // A reshard: the global stream's slot (the live tail reads it) moves to another master, by
    // `redis-cli --cluster reshard --cluster-from <owner> --cluster-to <node> --cluster-slots <n>`.
    await survives(
      'reshard',
      async () => {
        const to = node;
        const { slots } = await cluster.reshard(globalSlot, to);
        console.log(`monitor e2e: redis-cli --cluster reshard moved ${slots} slots`);
        expect((await cluster.ownerOf(globalSlot)).port).toBe(to.port);
      },
      30_000,
    );

    // A failover: kill -9 the master that now serves the global stream; its replica takes over.
    await survives(
      'failover',
      async () => {
        const victim = await cluster.ownerOf(globalSlot);
        expect(victim.port).toBe(node.port);
        cluster.kill(victim);
        await cluster.waitHealthy(60_000);
        expect((await cluster.ownerOf(globalSlot)).port).not.toBe(victim.port);
      },
      60_000,
    );
    // The status bar shows the new topology (the dead master is no longer counted).
    await term.waitFor(
      (s) => s.includes('cluster: 3 masters, 2 replicas') && s.includes('● connected'),
      'the topology after the failover',
      30_000,
    );
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit', 10_000);
  }, 300_000);
});
