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
