/**
 * Redis Cluster test targets: a private cluster per test file (src/local-redis/private-cluster.ts)
 * and the three library targets the acceptance suite runs on: a single node, the cluster in the
 * hash-tag layout (braced prefix, one slot) and the cluster in the spread layout (unbraced).
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { KeyLayout } from '../../src/core/keys.js';
import { startCluster, type RunningCluster } from '../../src/local-redis/private-cluster.js';
import { redisUrl, uniquePrefix } from './context.js';
import { keySlot } from '../../src/core/hash-slot.js';

export { startCluster, type RunningCluster };

export interface LibraryTarget {
  name: string;
  cluster: boolean;
  layout: KeyLayout;
  url(): string;
  prefix(): string;
  /** A plain client (a Cluster client on the cluster) for arranging and checking. Disconnect it. */
  raw(): Redis;
}

/** The three targets; `cluster()` is the file's running cluster (started in beforeAll). */
export function libraryTargets(cluster: () => RunningCluster): LibraryTarget[] {
  const tag = () => randomBytes(4).toString('hex');
  const clusterRaw = () => {
    const c = new Cluster(
      cluster()
        .urls.slice(0, 1)
        .map((u) => ({ host: '127.0.0.1', port: Number(new URL(u).port) })),
      {
        redisOptions: { protocol: 2 },
      },
    );
    c.on('error', () => {});
    return c as unknown as Redis;
  };
  return [
    {
      name: 'single node',
      cluster: false,
      layout: 'hash-tag',
      url: redisUrl,
      prefix: () => uniquePrefix(),
      raw: () => {
        const c = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
        c.on('error', () => {});
        return c;
      },
    },
    {
      name: 'cluster, hash-tag layout',
      cluster: true,
      layout: 'hash-tag',
      url: () => cluster().url,
      prefix: () => `{t${tag()}}:events:`,
      raw: clusterRaw,
    },
    {
      name: 'cluster, spread layout',
      cluster: true,
      layout: 'spread',
      url: () => cluster().url,
      prefix: () => `t${tag()}:events:`,
      raw: clusterRaw,
    },
  ];
}

/**
 * `redis-cli --cluster reshard` moves the source's lowest slots first (cluster.reshard moves all of
 * the owner's slots up to the one wanted): a prefix `<base><n>:events:` whose keys `<prefix><s>`
 * (each suffix) all sit within `maxSlots` of the start of their owner's slots now, so a reshard of
 * each moves few empty slots besides it and stays quick.
 */
export async function cheapReshardPrefix(
  cluster: RunningCluster,
  base: string,
  suffixes: readonly string[],
  maxSlots = 40,
): Promise<string> {
  const c = cluster.nodeClient(cluster.nodes[0]);
  let owners: [number, number, number][];
  try {
    const slots = (await c.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    owners = slots.map(([a, b, [, port]]) => [a, b, port]);
  } finally {
    c.disconnect();
  }
  const cost = (slot: number) => {
    const port = owners.find(([a, b]) => slot >= a && slot <= b)?.[2];
    let n = 0;
    for (const [a, b, p] of owners) if (p === port && a <= slot) n += Math.min(b, slot) - a + 1;
    return n;
  };
  for (let i = 0; i < 1_000_000; i++) {
    const prefix = `${base}${i}:events:`;
    if (suffixes.every((s) => cost(keySlot(`${prefix}${s}`)) <= maxSlots)) return prefix;
  }
  throw new Error(`no prefix ${base}<n>:events: puts ${suffixes.join(', ')} near a range start`);
}
