/**
 * The inspector on a Redis Cluster: discovery is a SCAN on every master (each node has its own
 * keyspace and cursor), merged; a snapshot is one pipeline per node (round trips = nodes, not
 * streams), run in parallel. A key met mid-migration (MOVED/ASK from its old node) is read once
 * more through the Cluster client, which follows the redirect.
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { StreamSnapshot } from '../core/messages.js';
import { clusterTopology, keysByNode, masterNodes, nodeKey, type ReadFrom } from './cluster.js';
import { asCluster } from './cluster-client.js';
import { parseScriptedStream, SNAPSHOT_SCRIPT } from './snapshot-script.js';
import type { SnapshotOptions, SnapshotResult } from './snapshot.js';

/** A node-local snapshot: `snapshotStreams` on one node's own client. */
export type NodeSnapshot = (
  node: Redis,
  keySpace: KeySpace,
  keys: readonly string[],
  options: SnapshotOptions,
) => Promise<SnapshotResult>;

const isRedirect = (err: unknown) => /^(MOVED|ASK) /.test(String((err as Error)?.message));

/** A Cluster client made with `readFrom: 'replicas'` reads snapshots from replicas too. */
function readFromOf(client: Redis): ReadFrom {
  return asCluster(client).options.scaleReads === 'slave' ? 'replicas' : 'masters';
}

export async function snapshotCluster(
  client: Redis,
  keySpace: KeySpace,
  keys: readonly string[],
  options: SnapshotOptions,
  snapshotNode: NodeSnapshot,
): Promise<SnapshotResult> {
  const readFrom = readFromOf(client);
  const groups = [...keysByNode(client, keys, readFrom)];
  const nodeOptions = { ...options, serverInfo: false };
  const [topology, serverSnap, ...parts] = await Promise.all([
    // Every snapshot: a failover shows within one refresh.
    clusterTopology(client),
    // Server facts (version, maxmemory-policy) from one master, in a pipeline of its own.
    options.serverInfo
      ? snapshotNode(masterNodes(client)[0] ?? groups[0]?.[0], keySpace, [], options)
      : Promise.resolve(null),
    ...groups.map(([node, nodeKeys]) =>
      snapshotOneNode(client, node, keySpace, nodeKeys, nodeOptions, snapshotNode),
    ),
  ]);
  const byKey = new Map<string, StreamSnapshot>();
  const missing: string[] = [];
  let roundTrips = serverSnap?.roundTrips ?? 0;
  let timeMs = 0;
  for (const p of parts) {
    for (const s of p.streams) byKey.set(s.key, s);
    missing.push(...p.missing);
    roundTrips += p.roundTrips;
    timeMs = Math.max(timeMs, p.timeMs);
  }
  const cluster = topology
    ? readFrom === 'replicas'
      ? { ...topology, replicaReads: replicaReadsOf(client, groups) }
      : topology
    : undefined;
  const server = serverSnap?.server ? { ...serverSnap.server, cluster } : null;
  return {
    streams: keys.map((k) => byKey.get(k)).filter((s): s is StreamSnapshot => s !== undefined),
    timeMs: timeMs || serverSnap?.timeMs || Date.now(),
    roundTrips,
    missing,
    server,
    cluster,
  };
}

/** Streams read from a replica and from a master (no replica of their slot in the slot map). */
function replicaReadsOf(
  client: Redis,
  groups: readonly [Redis, string[]][],
): { replicas: number; masters: number } {
  const replicas = new Set(asCluster(client).nodes('slave'));
  const out = { replicas: 0, masters: 0 };
  for (const [node, keys] of groups)
    out[replicas.has(node) ? 'replicas' : 'masters'] += keys.length;
  return out;
}

/** One node's keys; on a redirect, key by key, the redirected ones through the Cluster client. */
async function snapshotOneNode(
  client: Redis,
  node: Redis,
  keySpace: KeySpace,
  keys: string[],
  options: SnapshotOptions,
  snapshotNode: NodeSnapshot,
): Promise<SnapshotResult> {
  try {
    return await snapshotNode(node, keySpace, keys, options);
  } catch (err) {
    if (!isRedirect(err)) throw err;
  }
  // The slot map is stale (a reshard or failover): refresh it for the next snapshot.
  asCluster(client).refreshSlotsCache();
  const out: SnapshotResult = {
    streams: [],
    timeMs: Date.now(),
    roundTrips: 1,
    missing: [],
    server: null,
  };
  await Promise.all(
    keys.map(async (key) => {
      try {
        const r = await snapshotNode(node, keySpace, [key], options);
        out.streams.push(...r.streams);
        out.missing.push(...r.missing);
        out.timeMs = r.timeMs;
      } catch (err) {
        if (!isRedirect(err)) throw err;
        // EVAL (not EVALSHA: the new owner may not have the script yet), redirect followed.
        const reply = await asCluster(client).eval(SNAPSHOT_SCRIPT, 1, key);
        const s = parseScriptedStream(reply, Date.now());
        if (!s) out.missing.push(key);
        else {
          const kind = keySpace.describe(key);
          out.streams.push({
            key,
            kind: kind.kind,
            eventType: kind.kind === 'type' || kind.kind === 'dead-letter' ? kind.eventType : null,
            ...s,
          });
        }
      }
    }),
  );
  out.roundTrips += keys.length;
  return out;
}

/**
 * Per-master discovery state, keyed by node address; a node that is no longer a master (failed
 * over, removed) is forgotten, a new one starts its own pass.
 */
export class PerNodeDiscovery<
  D extends {
    step(
      c: Redis,
      untilComplete?: boolean,
    ): Promise<{ keys: string[]; roundTrips: number; complete: boolean }>;
    forget(k: string): void;
  },
> {
  private readonly nodes = new Map<string, D>();

  constructor(private readonly make: () => D) {}

  async step(
    client: Redis,
    untilComplete: boolean,
  ): Promise<{ keys: string[]; roundTrips: number; complete: boolean }> {
    const masters = masterNodes(client);
    const live = new Set(masters.map(nodeKey));
    for (const k of [...this.nodes.keys()]) if (!live.has(k)) this.nodes.delete(k);
    const steps = await Promise.all(
      masters.map((m) => {
        let d = this.nodes.get(nodeKey(m));
        if (!d) this.nodes.set(nodeKey(m), (d = this.make()));
        return d.step(m, untilComplete);
      }),
    );
    const keys = new Set<string>();
    for (const s of steps) for (const k of s.keys) keys.add(k);
    return {
      keys: [...keys].sort(),
      roundTrips: steps.reduce((n, s) => n + s.roundTrips, 0),
      complete: steps.length > 0 && steps.every((s) => s.complete),
    };
  }

  forget(key: string): void {
    for (const d of this.nodes.values()) d.forget(key);
  }
}
