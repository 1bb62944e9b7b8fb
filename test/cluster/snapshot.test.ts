/**
 * Snapshots on a 3-master cluster. First: one pipeline per node, so round trips = nodes, not
 * streams (300 streams; the node sockets' writes are counted, not only the snapshot's own figure).
 * Then `--read-from replicas` when the client's slot map names no replica (a cluster whose replicas
 * attach after the client connected, or that has none): the reads that go to masters are
 * reported (snapshot `cluster.replicaReads`, shown by `status` and the status bar), and the
 * client re-reads its slot map every 500 ms until a replica appears, instead of reading from the
 * masters until the next 5 s refresh.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { createKeySpace } from '../../src/core/keys.js';
import {
  startRedisServer,
  freePort,
  type RunningRedis,
} from '../../src/local-redis/private-redis.js';
import { asCluster } from '../../src/streams/cluster-client.js';
import { createRedisClient } from '../../src/streams/connection.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { snapshotStreams } from '../../src/streams/snapshot.js';
import { formatReplicaReads } from '../../src/cli/status-run.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/context.js';

let cluster: RunningCluster;
const extra: RunningRedis[] = [];
beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 0, nodeTimeoutMs: 1000 });
}, 60_000);
afterAll(async () => {
  await Promise.all(extra.map((s) => s.stop()));
  await cluster?.stop();
});

it('300 streams on 3 masters: 3 round trips (one pipeline written per node), not 300', async () => {
  const prefix = 'rt:events:';
  const keys = createKeySpace(prefix, 'spread');
  const p = new EventPersistence({ redisUrl: cluster.url, streamPrefix: prefix, layout: 'spread' });
  await p.connect();
  const types = Array.from({ length: 300 }, (_, i) => `type.n${i}`);
  await p.persistEvents(types.map((eventType, i) => ({ eventType, data: { i } })));
  const streamKeys = [...types.map((t) => keys.typeStream(t)), keys.globalStream];
  const nodesHolding = new Set(
    await Promise.all(streamKeys.map(async (k) => (await cluster.ownerOf(keySlot(k))).port)),
  );
  expect(nodesHolding.size).toBe(3);
  const reader = createRedisClient({ url: cluster.url, cluster: true });
  await reader.connect();
  try {
    await snapshotStreams(reader, keys, streamKeys); // warm: node connections open, script loaded
    const writes = new Map<number, number>();
    const restore: (() => void)[] = [];
    for (const node of asCluster(reader).nodes('all')) {
      const socket = node.stream as unknown as { write: (...a: unknown[]) => boolean };
      const write = socket.write;
      socket.write = (...a: unknown[]) => {
        const port = Number(node.options.port);
        writes.set(port, (writes.get(port) ?? 0) + 1);
        return write.apply(socket, a);
      };
      restore.push(() => (socket.write = write));
    }
    const snap = await snapshotStreams(reader, keys, streamKeys);
    restore.forEach((r) => r());
    expect(snap.streams).toHaveLength(301);
    expect(snap.roundTrips).toBe(3);
    // One write per node for the pipeline, plus one CLUSTER NODES (the topology) on some node.
    const total = [...writes.values()].reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify([...writes])).toBeLessThanOrEqual(3 + 1);
    expect([...writes.keys()].sort()).toEqual([...nodesHolding].sort());
  } finally {
    reader.disconnect();
    await p.disconnect();
  }
}, 60_000);

/** A new cluster-enabled server joined to the cluster as a replica of `masterPort`'s node. */
async function attachReplica(masterPort: number): Promise<RunningRedis> {
  const bus = await freePort();
  const server = await startRedisServer({
    config: [
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      'cluster-node-timeout 1000',
      `cluster-port ${bus}`,
    ],
  });
  extra.push(server);
  const master = cluster.nodes.find((n) => n.port === masterPort)!;
  const m = cluster.nodeClient(master);
  const r = cluster.nodeClient({ ...master, port: server.port, url: server.url });
  try {
    await m.call('CLUSTER', 'MEET', '127.0.0.1', String(server.port), String(bus));
    await waitFor(async () => String(await r.call('CLUSTER', 'NODES')).includes(master.id), 10_000);
    await r.call('CLUSTER', 'REPLICATE', master.id);
    await waitFor(async () => /master_link_status:up/.test(await r.info('replication')), 10_000);
  } finally {
    m.disconnect();
    r.disconnect();
  }
  return server;
}

/** Every original node's CLUSTER SLOTS lists a replica at `port`. */
async function listedEverywhere(port: number): Promise<boolean> {
  for (const node of cluster.nodes) {
    const c = cluster.nodeClient(node);
    try {
      const slots = (await c.call('CLUSTER', 'SLOTS')) as unknown[][];
      if (!slots.some((range) => range.slice(3).some((n) => (n as unknown[])[1] === port)))
        return false;
    } finally {
      c.disconnect();
    }
  }
  return true;
}

it('reads on masters are reported, and a replica that attaches later is used within ~1 s, not 5 s', async () => {
  const prefix = 'late:events:';
  const keys = createKeySpace(prefix, 'spread');
  const p = new EventPersistence({ redisUrl: cluster.url, streamPrefix: prefix, layout: 'spread' });
  await p.connect();
  const types = ['asset.discovered', 'asset.processed', 'workflow.failed'];
  for (let i = 0; i < 30; i++) await p.persistEvent({ eventType: types[i % 3], data: { i } });
  const streamKeys = [...types.map((t) => keys.typeStream(t)), keys.globalStream];
  const reader = createRedisClient({ url: cluster.url, cluster: true, readFrom: 'replicas' });
  await reader.connect();
  try {
    // No replica anywhere: every stream read from a master, and said so.
    const before = await snapshotStreams(reader, keys, streamKeys);
    expect(before.streams).toHaveLength(4);
    expect(before.cluster).toEqual({
      masters: 3,
      replicas: 0,
      replicaReads: { replicas: 0, masters: 4 },
    });
    expect(formatReplicaReads(before.cluster!.replicaReads!, 0)).toBe(
      'reads: 4 of 4 streams from masters, the cluster has no replica (--read-from replicas)',
    );

    // Two replicas attach, one after the other (each a fresh chance for the 5 s interval to hit
    // by luck): the reader's slot map names each soon after every node lists it.
    const owners = await Promise.all(
      [keys.globalStream, keys.typeStream(types[0])].map(async (k) => cluster.ownerOf(keySlot(k))),
    );
    const masters = [...new Set(owners.map((o) => o.port))];
    const delays: number[] = [];
    for (const masterPort of masters) {
      const replica = await attachReplica(masterPort);
      await waitFor(() => listedEverywhere(replica.port), 15_000, 50);
      const t0 = Date.now();
      await waitFor(
        () =>
          asCluster(reader)
            .nodes('slave')
            .some((n) => n.options.port === replica.port),
        10_000,
        20,
      );
      delays.push(Date.now() - t0);
    }
    console.log(`read-from replicas: late replicas named by the slot map after ${delays} ms`);
    // The watch re-reads every 500 ms; the plain refresh would take up to 5,000 ms.
    for (const d of delays) expect(d).toBeLessThan(1500);

    // The replicated data is there; the snapshot now reads those slots from the replicas and
    // still reports the rest (the third master has no replica) as read from a master.
    const after = await waitFor(async () => {
      const s = await snapshotStreams(reader, keys, streamKeys);
      return s.streams.every((x) => x.length === (x.key === keys.globalStream ? 30 : 10)) &&
        s.cluster?.replicaReads?.replicas
        ? s
        : undefined;
    }, 10_000);
    // Streams whose master now has a replica.
    const streamOwners = await Promise.all(streamKeys.map((k) => cluster.ownerOf(keySlot(k))));
    const onReplicas = streamOwners.filter((o) => masters.includes(o.port));
    expect(after!.cluster!.replicaReads).toEqual({
      replicas: onReplicas.length,
      masters: 4 - onReplicas.length,
    });
    expect(after!.cluster!.replicas).toBe(masters.length);
  } finally {
    reader.disconnect();
    await p.disconnect();
  }
}, 60_000);
