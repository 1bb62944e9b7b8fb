/**
 * Starts a private Redis Cluster (tests, benchmarks): `masters` redis-servers plus `replicas`
 * per master, each a private server from startRedisServer (loopback, free port, temp dir, its own
 * free cluster-bus port), joined with `redis-cli --cluster create … --cluster-yes`, ready when
 * every node reports `cluster_state:ok` and knows every other node. Stopped by PID.
 *
 * `tls: true`: every node serves TLS only (`port 0`, `tls-port`, `tls-cluster yes`,
 * `tls-replication yes`) with one throwaway CA and server certificate shared by all nodes (made
 * by openssl, as for a single TLS server); `redis-cli --tls --cacert` joins them. `auth`: the
 * user the harness itself logs in as (redis-cli `--user` + REDISCLI_AUTH, its own clients,
 * `masteruser`/`masterauth` for replicas) when the config locks out the default user.
 */
import { StreamscopeError } from '../core/errors.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis, type RedisOptions } from 'ioredis';
import {
  freePort,
  makeTlsFiles,
  startRedisServer,
  type RunningRedis,
  type TlsFiles,
} from './private-redis.js';

const run = promisify(execFile);

export interface ClusterOptions {
  /** Default 3. */
  masters?: number;
  /** Replicas per master. Default 0 (a failover test wants 1). */
  replicas?: number;
  /** `cluster-node-timeout`, ms: how long a master may be silent before its replica takes over. Default 2000. */
  nodeTimeoutMs?: number;
  /** Extra config lines for every node (ACL users: `user app on >pw …`, `user default off`). */
  config?: string[];
  /** TLS only on every node, client and cluster bus and replication (see the module comment). */
  tls?: boolean;
  /** The user the harness logs in as (needed when the config disables the default user). */
  auth?: { username?: string; password: string };
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
  /** Seed URL: any node is enough (`rediss://` for a TLS cluster). */
  url: string;
  urls: string[];
  /** TLS clusters: the CA that signed every node's certificate (for --tls-ca / NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  tls?: TlsFiles;
  /** A plain (non-cluster) client on one node, for CLUSTER commands. Disconnect it. */
  nodeClient(node: ClusterNode): Redis;
  /** The current masters and which replicas follow them (CLUSTER NODES on a live node). */
  roles(): Promise<{ masters: ClusterNode[]; replicas: ClusterNode[] }>;
  /** The node serving `slot` as master now. */
  ownerOf(slot: number): Promise<ClusterNode>;
  /**
   * Move `slot` to `to` with the real `redis-cli --cluster reshard <node> --cluster-from <owner>
   * --cluster-to <to> --cluster-slots <n> --cluster-yes`. redis-cli moves the source's lowest
   * slots first, so n = the owner's slots up to and including `slot` (pick keys whose slot is
   * near the start of its owner's range to keep n small). Resolves with n and redis-cli's output.
   */
  reshard(slot: number, to: ClusterNode): Promise<{ slots: number; output: string }>;
  /** kill -9 one node (no shutdown, no goodbye to the cluster). */
  kill(node: ClusterNode): void;
  /** Resolves once every live node says cluster_state:ok and agrees on `masters` masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** How the harness reaches a node: TLS options and credentials (the same for every node). */
type Access = Pick<RedisOptions, 'tls' | 'username' | 'password'>;

/** One command to one node on a connection of its own (no retries, no reconnect), as text. */
async function askNode(access: Access, port: number, ...args: string[]): Promise<string> {
  const c = new Redis({
    ...access,
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

const infoOf = (a: Access, port: number, section: string) => askNode(a, port, 'INFO', section);
const clusterInfo = (a: Access, port: number) => askNode(a, port, 'CLUSTER', 'INFO');
const myId = (a: Access, port: number) => askNode(a, port, 'CLUSTER', 'MYID');
const clusterNodesOf = async (a: Access, port: number) =>
  parseNodes(await askNode(a, port, 'CLUSTER', 'NODES'));

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
  const tlsDir = options.tls ? mkdtempSync(join(tmpdir(), 'streamscope-cluster-tls-')) : null;
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  };
  try {
    const tlsFiles = tlsDir ? makeTlsFiles(tlsDir, undefined, true) : undefined;
    const auth = options.auth;
    // The chain is verified against our CA (the host name too: the certificate names 127.0.0.1).
    const access: Access = {
      ...(tlsFiles ? { tls: { ca: readFileSync(tlsFiles.caFile) } } : {}),
      ...(auth?.username ? { username: auth.username } : {}),
      ...(auth ? { password: auth.password } : {}),
    };
    // redis-cli's connection flags; the password goes through REDISCLI_AUTH, not argv.
    const cliFlags = [
      ...(tlsFiles ? ['--tls', '--cacert', tlsFiles.caFile] : []),
      ...(auth?.username ? ['--user', auth.username] : []),
    ];
    const cliEnv = { ...process.env, ...(auth ? { REDISCLI_AUTH: auth.password } : {}) };
    if (!auth) delete cliEnv.REDISCLI_AUTH;
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
            ...(tlsFiles ? ['tls-cluster yes', 'tls-replication yes'] : []),
            ...(auth?.username ? [`masteruser ${auth.username}`] : []),
            ...(auth ? [`masterauth ${auth.password}`] : []),
            ...(options.config ?? []),
          ],
          tls: tlsFiles ? { files: tlsFiles } : undefined,
          auth,
        }),
      );
    }
    await run(
      'redis-cli',
      [
        ...cliFlags,
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: 30000, env: cliEnv },
    );
    const nodes: ClusterNode[] = [];
    for (const s of servers)
      nodes.push({ server: s, port: s.port, url: s.url, id: await myId(access, s.port) });
    const byPort = new Map(nodes.map((n) => [n.port, n]));
    const live = () => nodes.filter((n) => !dead.has(n.port));

    const clusterNodes = async (): Promise<NodeLine[]> => {
      let lastErr: unknown;
      for (const n of live()) {
        try {
          return await clusterNodesOf(access, n.port);
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
      caFile: tlsFiles?.caFile,
      tls: tlsFiles,
      nodeClient(node) {
        const c = new Redis({
          ...access,
          port: node.port,
          host: '127.0.0.1',
          maxRetriesPerRequest: 1,
        });
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
      async reshard(slot, to) {
        const lines = await clusterNodes();
        const owner = lines.find(
          (l) => l.flags.includes('master') && l.slots.some(([a, b]) => slot >= a && slot <= b),
        );
        if (!owner) throw new StreamscopeError('UNREACHABLE', `no master serves slot ${slot}`);
        if (owner.port === to.port) return { slots: 0, output: '' };
        let n = 0;
        for (const [a, b] of owner.slots) if (a <= slot) n += Math.min(b, slot) - a + 1;
        const { stdout } = await run(
          'redis-cli',
          [
            ...cliFlags,
            '--cluster',
            'reshard',
            `127.0.0.1:${to.port}`,
            '--cluster-from',
            owner.id,
            '--cluster-to',
            to.id,
            '--cluster-slots',
            String(n),
            '--cluster-yes',
          ],
          { timeout: 120000, env: cliEnv, maxBuffer: 16 * 1024 * 1024 },
        );
        return { slots: n, output: stdout };
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
            const states = await Promise.all(live().map((n) => clusterInfo(access, n.port)));
            const ok = states.every((s) => /cluster_state:ok/.test(s));
            const sizes = states.map((s) => Number(/cluster_size:(\d+)/.exec(s)?.[1]));
            const known = states.map((s) => Number(/cluster_known_nodes:(\d+)/.exec(s)?.[1]));
            // Every live node agrees: `masters` masters serving slots, every other live node a
            // replica (replicas attach a moment after --cluster create; a failover takes a while).
            const views = await Promise.all(live().map((n) => clusterNodesOf(access, n.port)));
            const agreed = views.every((v) => {
              const up = v.filter((l) => !l.flags.some((f) => f.startsWith('fail')));
              const m = up.filter((l) => l.flags.includes('master') && l.slots.length > 0);
              const r = up.filter((l) => l.flags.includes('slave'));
              return m.length === masters && r.length === live().length - masters;
            });
            // Replicas have their data: a failover test must not kill a master mid-sync.
            const repl = await Promise.all(
              live().map((n) => infoOf(access, n.port, 'replication')),
            );
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
