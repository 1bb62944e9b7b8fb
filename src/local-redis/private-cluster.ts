/**
 * Starts a private Redis Cluster (tests, benchmarks): `masters` redis-servers plus `replicas`
 * per master, each a private server from startRedisServer (loopback, free port, temp dir, its own
 * free cluster-bus port), joined with `redis-cli --cluster create … --cluster-yes`, ready when
 * every node reports `cluster_state:ok` and knows every other node. Stopped by PID.
 */
import { StreamscopeError } from '../core/errors.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RunningRedis } from './private-redis.js';

const run = promisify(execFile);

export interface ClusterOptions {
  /** Default 3. */
  masters?: number;
  /** Replicas per master. Default 0 (a failover test wants 1). */
  replicas?: number;
  /** `cluster-node-timeout`, ms: how long a master may be silent before its replica takes over. Default 2000. */
  nodeTimeoutMs?: number;
  /** Extra config lines for every node. */
  config?: string[];
}

export interface ClusterNode {
  server: RunningRedis;
  port: number;
  url: string;
  /** The node ID (CLUSTER MYID). */
  id: string;
}

export interface RunningCluster {
  nodes: ClusterNode[];
  /** Seed URL: any node is enough. */
  url: string;
  urls: string[];
  /** A plain (non-cluster) client on one node, for CLUSTER commands. Disconnect it. */
  nodeClient(node: ClusterNode): Redis;
  /** The current masters and which replicas follow them (CLUSTER NODES on a live node). */
  roles(): Promise<{ masters: ClusterNode[]; replicas: ClusterNode[] }>;
  /** The node serving `slot` as master now. */
  ownerOf(slot: number): Promise<ClusterNode>;
  /**
   * Move one slot to another master the way `redis-cli --cluster reshard` does (SETSLOT
   * IMPORTING/MIGRATING, MIGRATE key batches, SETSLOT NODE everywhere), `pauseMs` between
   * batches so clients meet the ASK window.
   */
  migrateSlot(
    slot: number,
    to: ClusterNode,
    options?: { batch?: number; pauseMs?: number },
  ): Promise<void>;
  /** kill -9 one node (no shutdown, no goodbye to the cluster). */
  kill(node: ClusterNode): void;
  /** Resolves once every live node says cluster_state:ok and agrees on `masters` masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** One command to one node on a connection of its own (no retries, no reconnect), as text. */
async function askNode(port: number, ...args: string[]): Promise<string> {
  const c = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => {});
  try {
    await c.connect();
    return String(await c.call(args[0], ...args.slice(1)));
  } finally {
    c.disconnect();
  }
}

const infoOf = (port: number, section: string) => askNode(port, 'INFO', section);
const clusterInfo = (port: number) => askNode(port, 'CLUSTER', 'INFO');
const myId = (port: number) => askNode(port, 'CLUSTER', 'MYID');
const clusterNodesOf = async (port: number) => parseNodes(await askNode(port, 'CLUSTER', 'NODES'));

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: [number, number][];
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const port = Number(/:(\d+)/.exec(f[1])?.[1]);
      const slots = f
        .slice(8)
        .filter((s) => /^\d/.test(s))
        .map((s) => {
          const [a, b] = s.split('-').map(Number);
          return [a, b ?? a] as [number, number];
        });
      return { id: f[0], port, flags: f[2].split(','), masterId: f[3], slots };
    });
}

export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const total = masters * (1 + replicas);
  const nodeTimeout = options.nodeTimeoutMs ?? 2000;
  const servers: RunningRedis[] = [];
  const dead = new Set<number>();
  const stopAll = () => Promise.all(servers.map((s) => s.stop().catch(() => {})));
  try {
    for (let i = 0; i < total; i++) {
      servers.push(
        await startRedisServer({
          config: [
            'cluster-enabled yes',
            'cluster-config-file nodes.conf', // relative to the server's own temp dir
            `cluster-node-timeout ${nodeTimeout}`,
            `cluster-port ${await freePort()}`,
            // A test cluster with a master down must keep serving the other masters' slots.
            'cluster-require-full-coverage no',
            // A replica may always take over (the default refuses one that lost its master for
            // longer than 10 × node-timeout, which a loaded test machine reaches easily).
            'cluster-replica-validity-factor 0',
            ...(options.config ?? []),
          ],
        }),
      );
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: 30000 },
    );
    const nodes: ClusterNode[] = [];
    for (const s of servers)
      nodes.push({ server: s, port: s.port, url: s.url, id: await myId(s.port) });
    const byPort = new Map(nodes.map((n) => [n.port, n]));
    const live = () => nodes.filter((n) => !dead.has(n.port));

    const clusterNodes = async (): Promise<NodeLine[]> => {
      let lastErr: unknown;
      for (const n of live()) {
        try {
          return await clusterNodesOf(n.port);
        } catch (err) {
          lastErr = err;
        }
      }
      throw new StreamscopeError('UNREACHABLE', `no cluster node answered: ${String(lastErr)}`);
    };

    const cluster: RunningCluster = {
      nodes,
      url: nodes[0].url,
      urls: nodes.map((n) => n.url),
      nodeClient(node) {
        const c = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
        c.on('error', () => {});
        return c;
      },
      async roles() {
        const lines = (await clusterNodes()).filter(
          (l) => !l.flags.includes('fail') && byPort.has(l.port),
        );
        const pick = (l: NodeLine) => byPort.get(l.port)!;
        return {
          masters: lines.filter((l) => l.flags.includes('master') && !dead.has(l.port)).map(pick),
          replicas: lines.filter((l) => l.flags.includes('slave') && !dead.has(l.port)).map(pick),
        };
      },
      async ownerOf(slot) {
        const lines = await clusterNodes();
        const owner = lines.find(
          (l) => l.flags.includes('master') && l.slots.some(([a, b]) => slot >= a && slot <= b),
        );
        if (!owner) throw new StreamscopeError('UNREACHABLE', `no master serves slot ${slot}`);
        return byPort.get(owner.port)!;
      },
      async migrateSlot(slot, to, o = {}) {
        const from = await cluster.ownerOf(slot);
        if (from.port === to.port) return;
        const src = cluster.nodeClient(from);
        const dst = cluster.nodeClient(to);
        try {
          await dst.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id);
          await src.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
          for (;;) {
            const keys = (await src.call(
              'CLUSTER',
              'GETKEYSINSLOT',
              slot,
              o.batch ?? 1,
            )) as string[];
            if (keys.length === 0) break;
            await src.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
            if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
          }
          // The new owner first, then the old one, then everyone (as redis-cli does).
          await dst.call('CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
          await src.call('CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
          for (const n of live()) {
            if (n.port === from.port || n.port === to.port) continue;
            const c = cluster.nodeClient(n);
            await c.call('CLUSTER', 'SETSLOT', slot, 'NODE', to.id).catch(() => {});
            c.disconnect();
          }
        } finally {
          src.disconnect();
          dst.disconnect();
        }
      },
      kill(node) {
        dead.add(node.port);
        process.kill(node.server.pid, 'SIGKILL');
      },
      async waitHealthy(timeoutMs = 20000) {
        const deadline = Date.now() + timeoutMs;
        let last = '';
        for (;;) {
          try {
            const states = await Promise.all(live().map((n) => clusterInfo(n.port)));
            const ok = states.every((s) => /cluster_state:ok/.test(s));
            const sizes = states.map((s) => Number(/cluster_size:(\d+)/.exec(s)?.[1]));
            const known = states.map((s) => Number(/cluster_known_nodes:(\d+)/.exec(s)?.[1]));
            // Every live node agrees: `masters` masters serving slots, every other live node a
            // replica (replicas attach a moment after --cluster create; a failover takes a while).
            const views = await Promise.all(live().map((n) => clusterNodesOf(n.port)));
            const agreed = views.every((v) => {
              const up = v.filter((l) => !l.flags.some((f) => f.startsWith('fail')));
              const m = up.filter((l) => l.flags.includes('master') && l.slots.length > 0);
              const r = up.filter((l) => l.flags.includes('slave'));
              return m.length === masters && r.length === live().length - masters;
            });
            // Replicas have their data: a failover test must not kill a master mid-sync.
            const repl = await Promise.all(live().map((n) => infoOf(n.port, 'replication')));
            const synced = repl.every(
              (r) => !/role:slave/.test(r) || /master_link_status:up/.test(r),
            );
            if (
              ok &&
              agreed &&
              synced &&
              sizes.every((n) => n === masters) &&
              known.every((n) => n >= live().length)
            )
              return;
            last = states.map((s) => /cluster_state:\S+/.exec(s)?.[0]).join(' ');
          } catch (err) {
            last = String(err);
          }
          if (Date.now() > deadline)
            throw new StreamscopeError(
              'UNREACHABLE',
              `cluster not healthy after ${timeoutMs} ms: ${last}`,
            );
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      stop: async () => {
        await stopAll();
      },
    };
    await cluster.waitHealthy();
    return cluster;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
