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

export function newClusterClient(
  seedUrls: readonly string[],
  nodeOptions: RedisOptions,
  policy: ClusterClientPolicy,
): Redis {
  const first = new URL(seedUrls[0]);
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
  if (first.username) redisOptions.username = decodeURIComponent(first.username);
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
  const cluster = new Cluster(seedUrls.map(seedNode), options);
  cluster.on('ready', () => {
    everReady = true;
  });
  // Errors surface through commands; an unhandled 'error' event would crash the process.
  cluster.on('error', () => {});
  cluster.on('node error', () => {});
  return cluster as unknown as Redis;
}
