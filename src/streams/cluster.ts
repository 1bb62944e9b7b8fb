/**
 * Redis Cluster awareness for the library and the CLI: detect a cluster at connect, describe its
 * topology ("cluster: 3 masters, 3 replicas"), and route work that must go to one node (SCAN,
 * pipelines of many keys) to the node that serves each key's slot.
 */
import type { Redis } from 'ioredis';
import { keySlot } from '../core/hash-slot.js';
import { prefixIsHashTagged, type KeyLayout } from '../core/keys.js';
import { StreamscopeError, classifyRedisError, redactUrl } from '../core/errors.js';
import {
  connectChecked,
  resolveTarget,
  createBlockingClient,
  createRedisClient,
  type ConnectionOptions,
  type ServerCheck,
} from './connection.js';
import { asCluster, isClusterClient, type ReadFrom } from './cluster-client.js';

export { isClusterClient, asCluster, type ReadFrom } from './cluster-client.js';

export interface ClusterTopology {
  masters: number;
  replicas: number;
}

export interface ConnectedClient {
  client: Redis;
  server: ServerCheck;
  /** The options with `cluster` decided: pass them to every further client (blocking readers). */
  options: ConnectionOptions;
}

/**
 * A connected, checked client for `options`: a Cluster client when `cluster` is true, when
 * several seed URLs are given, or (cluster undefined) when the server says `redis_mode:cluster`.
 * `kind: 'blocking'` builds a client for XREAD/XREADGROUP BLOCK.
 */
export async function connectAuto(
  options: ConnectionOptions,
  kind: 'commands' | 'blocking' = 'commands',
): Promise<ConnectedClient> {
  const make = (o: ConnectionOptions) =>
    kind === 'blocking' ? createBlockingClient(o) : createRedisClient(o);
  const forced = options.cluster ?? ((options.seedUrls?.length ?? 0) > 0 ? true : undefined);
  if (forced === true) {
    const o = { ...options, cluster: true };
    const client = make(o);
    try {
      return { client, server: await connectChecked(client, o), options: o };
    } catch (err) {
      client.disconnect();
      throw (await diagnoseSeeds(options)) ?? err;
    }
  }
  const plain = make({ ...options, cluster: false });
  let server: ServerCheck;
  try {
    server = await connectChecked(plain, options);
  } catch (err) {
    plain.disconnect();
    throw err;
  }
  if (server.mode !== 'cluster' || forced === false) {
    return { client: plain, server, options: { ...options, cluster: false } };
  }
  plain.disconnect();
  return connectAuto({ ...options, cluster: true }, kind);
}

/**
 * The seed URLs of `options` (`url` first), each with the shared user name the client logs in
 * as (the shared password is passed as an option and wins), and as a message shows it (redacted).
 */
function seedTargets(options: ConnectionOptions): { url: string; display: string }[] {
  const target = resolveTarget(options);
  return [target.url, ...(options.seedUrls ?? [])].map((given) => {
    const u = new URL(given);
    if (target.username !== undefined && !u.username)
      u.username = encodeURIComponent(target.username);
    return { url: u.toString(), display: redactUrl(u.toString()) };
  });
}

/**
 * A forced Cluster client that could not connect says only "None of startup nodes is available"
 * (the nodes' own errors go to 'node error'). Ask each seed, in order, as a plain client with the
 * same user, password and TLS options, and say what the first useful one answered: a seed that is
 * not a cluster node, a wrong password, a missing permission (CLUSTER SLOTS: the slot map), a TLS
 * failure, each naming that seed; when none answered, every seed with why. Null when a seed
 * answers as a healthy cluster node (the client's own error stands).
 */
async function diagnoseSeeds(options: ConnectionOptions): Promise<StreamscopeError | null> {
  const { password } = resolveTarget(options);
  const unreachable: StreamscopeError[] = [];
  for (const { url, display } of seedTargets(options)) {
    const o: ConnectionOptions = { ...options, url, password, seedUrls: undefined, cluster: false };
    const probe = createRedisClient({ ...o, connectionName: 'streamscope-probe' });
    try {
      const { mode } = await connectChecked(probe, o);
      if (mode !== 'cluster')
        return new StreamscopeError(
          'INVALID_ARGUMENT',
          `${display} is not a Redis Cluster node (redis_mode:${mode}): drop --cluster and the extra --url seeds to use it as a single server.`,
        );
      try {
        await probe.call('CLUSTER', 'SLOTS');
      } catch (err) {
        return classifyRedisError(err, display, [password]);
      }
      return null;
    } catch (err) {
      const e = classifyRedisError(err, display, [password], { connecting: true });
      if (e.code !== 'UNREACHABLE' && e.code !== 'TIMEOUT') return e;
      unreachable.push(e);
    } finally {
      probe.disconnect();
    }
  }
  if (unreachable.length < 2) return unreachable[0] ?? null;
  return new StreamscopeError(
    'UNREACHABLE',
    `no Redis Cluster seed answered: ${unreachable.map((e) => e.message).join(' — ')}`,
  );
}

/**
 * Is the server at `options.url` a cluster node? For loops that connect lazily (the monitor):
 * null when it cannot be reached now (the caller then starts as a single node; `--cluster`
 * forces a Cluster client).
 */
export async function detectCluster(options: ConnectionOptions): Promise<boolean | null> {
  if (options.cluster !== undefined) return options.cluster;
  if ((options.seedUrls?.length ?? 0) > 0) return true;
  const probe = createRedisClient({
    ...options,
    cluster: false,
    connectionName: 'streamscope-probe',
  });
  try {
    return (await connectChecked(probe, options)).mode === 'cluster';
  } catch {
    return null;
  } finally {
    probe.disconnect();
  }
}

/** Masters serving slots and replicas, as the cluster sees them now (CLUSTER NODES). */
export async function clusterTopology(client: Redis): Promise<ClusterTopology | null> {
  if (!isClusterClient(client)) return null;
  try {
    const text = String(await client.call('CLUSTER', 'NODES'));
    let masters = 0;
    let replicas = 0;
    for (const line of text.split('\n')) {
      const f = line.trim().split(' ');
      if (f.length < 8) continue;
      const flags = f[2].split(',');
      if (flags.some((x) => x.startsWith('fail') || x === 'handshake' || x === 'noaddr')) continue;
      if (flags.includes('master') && f.length > 8) masters++;
      else if (flags.includes('slave')) replicas++;
    }
    return { masters, replicas };
  } catch {
    // ACL without CLUSTER NODES: what the client's slot map knows.
    const c = asCluster(client);
    return { masters: c.nodes('master').length, replicas: c.nodes('slave').length };
  }
}

export function describeTopology(t: ClusterTopology): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return `cluster: ${plural(t.masters, 'master')}, ${plural(t.replicas, 'replica')}`;
}

function nodeKey(r: Redis): string {
  return `${r.options.host ?? '127.0.0.1'}:${r.options.port ?? 6379}`;
}

/**
 * `keys` grouped by the node that serves their slot (a replica of it for `readFrom: 'replicas'`
 * when there is one), from the client's slot map. Each group can go into one node pipeline.
 */
export function keysByNode(
  client: Redis,
  keys: readonly string[],
  readFrom: ReadFrom = 'masters',
): Map<Redis, string[]> {
  const cluster = asCluster(client);
  const byKey = new Map(cluster.nodes('all').map((r) => [nodeKey(r), r]));
  const masters = cluster.nodes('master');
  const out = new Map<Redis, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const owners = (cluster.slots[slot] ?? []).map((k) => byKey.get(k)).filter(Boolean) as Redis[];
    const replicas = owners.slice(1);
    const node =
      (readFrom === 'replicas' && replicas.length > 0
        ? replicas[slot % replicas.length]
        : owners[0]) ?? masters[slot % Math.max(1, masters.length)];
    if (!node) continue;
    const list = out.get(node);
    if (list) list.push(key);
    else out.set(node, [key]);
  }
  return out;
}

/** The master nodes (each a plain client of the Cluster's pool; not to be closed by callers). */
export function masterNodes(client: Redis): Redis[] {
  return asCluster(client).nodes('master');
}

export { nodeKey };

/**
 * On a cluster in the hash-tag layout every key must share the prefix's slot: a prefix without
 * `{tag}` is refused with the fix. Not checked on a single node (every key is on it anyway).
 */
export function checkLayout(client: Redis, prefix: string, layout: KeyLayout): void {
  if (!isClusterClient(client)) return;
  const problem = clusterLayoutProblem(prefix, layout);
  if (problem) throw new StreamscopeError('INVALID_ARGUMENT', problem);
}

/** checkLayout's reason (on a cluster), or null when the prefix and layout fit a cluster. */
export function clusterLayoutProblem(prefix: string, layout: KeyLayout): string | null {
  if (layout !== 'hash-tag' || prefixIsHashTagged(prefix)) return null;
  const braced = prefix.replace(/^([^:]+)/, '{$1}');
  return (
    `the prefix "${prefix}" has no hash tag, so on a Redis Cluster its streams land on different slots and a publish cannot be one MULTI. ` +
    `Use a braced prefix such as "${braced}" (layout hash-tag: one slot, atomic publish), or layout "spread" (--layout spread: streams spread over the masters, publish in two ordered steps, not atomic).`
  );
}

export interface SlotTransaction {
  xadd(key: string, ...args: (string | Buffer)[]): SlotTransaction;
  /** Replies in call order. */
  exec(): Promise<[Error | null, unknown][]>;
}

/**
 * XADDs that would be one MULTI on a single node: on a cluster, one MULTI per hash slot, run in
 * the order the slots first appear (a type stream before the global stream), so nothing is ever
 * CROSSSLOT. Atomic per slot only: in the spread layout a type-stream copy and its global copy are
 * two transactions.
 */
export function slotTransaction(client: Redis): SlotTransaction {
  const calls: { slot: number; key: string; args: (string | Buffer)[] }[] = [];
  const cluster = isClusterClient(client);
  const tx: SlotTransaction = {
    xadd(key, ...args) {
      calls.push({ slot: cluster ? keySlot(key) : 0, key, args });
      return tx;
    },
    async exec() {
      const out: [Error | null, unknown][] = new Array(calls.length);
      const slots = [...new Set(calls.map((c) => c.slot))];
      for (const slot of slots) {
        const multi = client.multi();
        const idx: number[] = [];
        calls.forEach((c, i) => {
          if (c.slot !== slot) return;
          multi.xadd(c.key, ...(c.args as [string, ...string[]]));
          idx.push(i);
        });
        const res = (await multi.exec()) ?? [];
        if (res.length !== idx.length)
          throw new StreamscopeError('REDIS', 'the transaction was discarded');
        res.forEach((r, k) => (out[idx[k]] = r as [Error | null, unknown]));
      }
      return out;
    },
  };
  return tx;
}

/** Which seed a connected Cluster client reached, and which seeds did not answer. */
export interface SeedStatus {
  /** The first seed that is a node of the cluster (redacted), else the first seed. */
  display: string;
  /** Seeds (redacted) that are not in the cluster's node list and do not answer a PING now. */
  unreachable: string[];
}

/**
 * For `status` with several `--url`s: name the seed that answered rather than the first one
 * given, and the ones that did not. A seed missing from the client's node list (it announces
 * other addresses, or it is down) is asked directly, so a host-name alias is not called dead.
 */
export async function seedStatus(client: Redis, options: ConnectionOptions): Promise<SeedStatus> {
  const target = resolveTarget(options);
  const first = target.display;
  const seeds = seedTargets(options);
  if (!isClusterClient(client) || seeds.length < 2) return { display: first, unreachable: [] };
  const known = new Set(asCluster(client).nodes('all').map(nodeKey));
  let display: string | null = null;
  const unreachable: string[] = [];
  for (const { url, display: shown } of seeds) {
    const u = new URL(url);
    if (known.has(`${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || 6379}`)) {
      display ??= shown;
      continue;
    }
    const o: ConnectionOptions = {
      ...options,
      url,
      password: target.password,
      seedUrls: undefined,
      cluster: false,
      connectTimeoutMs: Math.min(options.connectTimeoutMs ?? 5000, 2000),
    };
    const probe = createRedisClient({ ...o, connectionName: 'streamscope-probe' });
    try {
      await connectChecked(probe, o);
      display ??= shown;
    } catch {
      unreachable.push(shown);
    } finally {
      probe.disconnect();
    }
  }
  return { display: display ?? first, unreachable };
}
