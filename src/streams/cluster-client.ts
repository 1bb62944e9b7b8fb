/**
 * The ioredis Cluster client behind `cluster: true` (see connection.ts). It answers the same
 * commands as a standalone client, so it travels through the code typed as `Redis`; code that
 * must know (per-node SCAN, per-node pipelines, slot grouping) asks isClusterClient(). ioredis
 * follows MOVED and ASK itself, retries TRYAGAIN / CLUSTERDOWN and a connection closed by a dead
 * master (retryDelayOnFailover × maxRedirections, ~6 s: long enough for a replica promotion with
 * a short cluster-node-timeout), and refreshes the slot map every few seconds.
 */
import { Cluster, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis';

export type ReadFrom = 'masters' | 'replicas';

export interface ClusterClientPolicy {
  /** The first connection attempt fails at once (library, CLI); later losses are retried. */
  failFast: boolean;
  readFrom: ReadFrom;
  /** Reconnect delay after `times` failed attempts, ms. */
  retry: (times: number) => number;
}

/** ioredis marks both kinds of client; a Cluster says `isCluster: true`. */
export function isClusterClient(client: Redis): boolean {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** The Cluster behind a client typed as Redis (only after isClusterClient said so). */
export function asCluster(client: Redis): Cluster {
  return client as unknown as Cluster;
}

function seedNode(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port) || 6379 };
}

/** Served slots whose entry in the client's slot map names no replica (reads go to the master). */
export function slotsWithoutReplica(cluster: Cluster): number {
  let n = 0;
  for (const owners of cluster.slots) if (owners && owners.length < 2) n++;
  return n;
}

/** How often (ms) and how long after the first miss (ms) a replica-less slot map is re-read. */
const REPLICA_REFRESH_MS = 500;
const REPLICA_REFRESH_FOR_MS = 30_000;

/**
 * readFrom 'replicas' with a slot map that names no replica for some slot sends those reads to
 * the master (ioredis falls back silently). A map read before the replicas were attached, or from
 * a node that still hides a replica at offset 0, would stay so until the next 5 s refresh: re-read
 * it every 500 ms instead, for up to 30 s after the first miss (a cluster that really has no
 * replica then costs 60 CLUSTER SLOTS, and the snapshot reports which streams read from masters).
 */
function watchReplicas(cluster: Cluster): void {
  let missSince: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    if (timer || cluster.status === 'end' || cluster.status === 'close') return;
    if (slotsWithoutReplica(cluster) === 0) {
      missSince = null;
      return;
    }
    missSince ??= Date.now();
    if (Date.now() - missSince > REPLICA_REFRESH_FOR_MS) return;
    timer = setTimeout(() => {
      timer = null;
      if (cluster.status === 'ready') cluster.refreshSlotsCache();
    }, REPLICA_REFRESH_MS);
    timer.unref();
  };
  cluster.on('ready', check);
  cluster.on('refresh', check);
  cluster.on('end', () => {
    if (timer) clearTimeout(timer);
    timer = null;
  });
}

/** Node addresses seen by Cluster clients, per seed list (see newClusterClient). */
const knownNodes = new Map<string, Set<string>>();

export function newClusterClient(
  seedUrls: readonly string[],
  nodeOptions: RedisOptions,
  policy: ClusterClientPolicy,
): Redis {
  // A node's own reconnects and queue belong to the Cluster (it replaces dead nodes from the slot
  // map); lazyConnect is the Cluster's, not the node's.
  const {
    retryStrategy: _retry,
    enableOfflineQueue: _queue,
    lazyConnect: _lazy,
    ...redisOptions
  } = nodeOptions;
  void _retry;
  void _queue;
  void _lazy;
  let everReady = false;
  const options: ClusterOptions = {
    lazyConnect: true,
    redisOptions: redisOptions as ClusterOptions['redisOptions'],
    enableOfflineQueue: !policy.failFast,
    // CLUSTER INFO must say cluster_state:ok before the client is ready.
    enableReadyCheck: true,
    scaleReads: policy.readFrom === 'replicas' ? 'slave' : 'master',
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    maxRedirections: 32,
    slotsRefreshTimeout: 2000,
    // A failover or reshard elsewhere shows up in the slot map within 5 s even without a MOVED.
    slotsRefreshInterval: 5000,
    clusterRetryStrategy: (times) => (policy.failFast && !everReady ? null : policy.retry(times)),
  };
  // Seeds first, then every node an earlier client of the same seeds saw: a client made after
  // the seed node died (a loop reconnecting after a failover) still finds the cluster.
  const seeds = seedUrls.map(seedNode);
  const seedKey = seeds.map((n) => `${n.host}:${n.port}`).join(',');
  const known = [...(knownNodes.get(seedKey) ?? [])]
    .filter((k) => !seeds.some((n) => `${n.host}:${n.port}` === k))
    .map((k) => ({
      host: k.slice(0, k.lastIndexOf(':')),
      port: Number(k.slice(k.lastIndexOf(':') + 1)),
    }));
  const cluster = new Cluster([...seeds, ...known], options);
  const remember = () => {
    const set = knownNodes.get(seedKey) ?? new Set<string>();
    for (const n of cluster.nodes('all')) set.add(`${n.options.host}:${n.options.port}`);
    // Bounded: a long-lived process on a cluster that keeps changing.
    while (set.size > 64) set.delete(set.values().next().value as string);
    knownNodes.set(seedKey, set);
  };
  cluster.on('ready', () => {
    everReady = true;
    remember();
  });
  cluster.on('refresh', remember);
  if (policy.readFrom === 'replicas') watchReplicas(cluster);
  // Errors surface through commands; an unhandled 'error' event would crash the process.
  cluster.on('error', () => {});
  cluster.on('node error', () => {});
  return cluster as unknown as Redis;
}
