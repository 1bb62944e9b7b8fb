/**
 * The snapshot: every stream's length, IDs, groups, lag, pending summary, consumers and the age of
 * the oldest undelivered entry, in a constant number of round trips however many streams, groups or
 * entries. Read-only. Re-exported by inspector.ts.
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { ClusterFacts, GroupSnapshot, StreamSnapshot } from '../core/messages.js';
import {
  parsePendingEntries,
  parsePendingSummary,
  parseXinfoConsumers,
  parseXinfoGroups,
  parseXinfoStream,
  pairsToObject,
  parseTimeReply,
} from '../core/parse-info.js';
import { compareStreamIds, streamIdToMs } from '../core/stream-id.js';
import { parseScriptedStream, SNAPSHOT_SCRIPT, SNAPSHOT_SCRIPT_SHA } from './snapshot-script.js';
import { isClusterClient } from './cluster-client.js';
import { snapshotCluster } from './cluster-inspect.js';

export interface ServerInfo {
  version: string;
  /** null when CONFIG GET is not permitted (ACL, managed Redis). */
  maxmemoryPolicy: string | null;
  /** Redis Cluster only: masters serving slots and replicas, now. */
  cluster?: ClusterFacts;
}

export interface SnapshotResult {
  streams: StreamSnapshot[];
  /** Server clock at snapshot time (ms since epoch, from TIME; the client clock if the ACL refuses TIME). */
  timeMs: number;
  roundTrips: number;
  /** Keys that vanished or changed type since discovery (skipped). */
  missing: string[];
  /** Only when requested (it costs nothing extra: it rides in the first pipeline). */
  server: ServerInfo | null;
  /** Redis Cluster: masters and replicas now (every snapshot, so a failover shows). */
  cluster?: ClusterFacts;
}

type PipelineResult = [Error | null, unknown][];

function isGone(err: Error | null): boolean {
  return err !== null && /no such key|WRONGTYPE/i.test(err.message);
}

/** Run a pipeline; a connection-level failure (every reply failed the same way) is thrown. */
async function run(p: ReturnType<Redis['pipeline']>): Promise<PipelineResult> {
  const res = (await p.exec()) as PipelineResult | null;
  // ioredis's own error for a closed connection (not ours): classifyRedisError words it.
  if (!res) throw new Error('Connection is closed.');
  return res;
}

export interface SnapshotOptions {
  /** Also read INFO server and CONFIG GET maxmemory-policy (same round trip). */
  serverInfo?: boolean;
  /**
   * Use the one-call-per-stream Lua script (default true). When the server refuses it (Redis < 7.0,
   * an ACL without EVALSHA/SCRIPT), the client is remembered and plain commands are used instead.
   */
  script?: boolean;
}

/** Clients whose server refused the snapshot script: they get the plain pipelines from then on. */
const scriptRefused = new WeakSet<Redis>();

/** The server cannot or will not run the script: ACL, scripting disabled or renamed, Redis < 7.0
 *  (no `#!lua` flags), or the script itself failed. Not BUSY (a long script elsewhere: transient). */
function isScriptRefusal(err: Error | null): boolean {
  return (
    err !== null &&
    !/^BUSY/.test(err.message) &&
    /NOPERM|NOSCRIPT|unknown command|script/i.test(err.message)
  );
}

/** Server clock in ms; the client clock when the ACL refuses TIME (a `+@read` monitoring user). */
function parseTime(reply: [Error | null, unknown]): number {
  if (reply[0] && /NOPERM/.test(reply[0].message)) return Date.now();
  if (reply[0]) throw reply[0];
  return parseTimeReply(reply[1]);
}

function queueServerInfo(p: ReturnType<Redis['pipeline']>): void {
  p.info('server').config('GET', 'maxmemory-policy');
}

function readServerInfo(r: PipelineResult, i: number): ServerInfo {
  const [infoErr, info] = r[i];
  if (infoErr && !/NOPERM/.test(infoErr.message)) throw infoErr;
  const [cfgErr, cfg] = r[i + 1];
  return {
    version: (!infoErr && /redis_version:(\S+)/.exec(String(info))?.[1]) || 'unknown',
    maxmemoryPolicy: cfgErr
      ? null
      : ((pairsToObject(cfg)['maxmemory-policy'] as string | undefined) ?? null),
  };
}

function describeKey(
  keySpace: KeySpace,
  key: string,
): Pick<StreamSnapshot, 'key' | 'kind' | 'eventType'> {
  const kind = keySpace.describe(key);
  return {
    key,
    kind: kind.kind,
    eventType: kind.kind === 'type' || kind.kind === 'dead-letter' ? kind.eventType : null,
  };
}

/**
 * Snapshot `keys` in ONE pipelined round trip: TIME, SCRIPT LOAD and one EVALSHA per key (see
 * snapshot-script.ts); where scripts are refused, in two (snapshotByCommands).
 */
export async function snapshotStreams(
  client: Redis,
  keySpace: KeySpace,
  keys: readonly string[],
  options: SnapshotOptions = {},
): Promise<SnapshotResult> {
  // A cluster: one pipeline per node, each through this function on the node's own client.
  if (isClusterClient(client))
    return snapshotCluster(client, keySpace, keys, options, snapshotStreams);
  if (options.script !== false && !scriptRefused.has(client)) {
    const res = await snapshotByScript(client, keySpace, keys, options);
    if (res) return res;
    scriptRefused.add(client);
    const plain = await snapshotByCommands(client, keySpace, keys, options);
    return { ...plain, roundTrips: plain.roundTrips + 1 }; // the refused attempt was one too
  }
  return snapshotByCommands(client, keySpace, keys, options);
}

/** Null when the server refused the script (the caller falls back to plain commands). */
async function snapshotByScript(
  client: Redis,
  keySpace: KeySpace,
  keys: readonly string[],
  options: SnapshotOptions,
): Promise<SnapshotResult | null> {
  const p = client.pipeline().time();
  if (options.serverInfo) queueServerInfo(p);
  p.script('LOAD', SNAPSHOT_SCRIPT);
  // One key per call: no CROSSSLOT on a cluster node, an error stays with its key, and the server
  // is held ~35 µs at a time. Batching 20–100 keys per call measured no faster (client and server).
  for (const key of keys) p.evalsha(SNAPSHOT_SCRIPT_SHA, 1, key);
  const r = await run(p);
  const timeMs = parseTime(r[0]);
  let i = 1;
  const server = options.serverInfo ? readServerInfo(r, i) : null;
  if (options.serverInfo) i += 2;
  const [loadErr] = r[i++];
  if (isScriptRefusal(loadErr)) return null;
  if (loadErr) throw loadErr;
  const streams: StreamSnapshot[] = [];
  const missing: string[] = [];
  for (const key of keys) {
    const [err, reply] = r[i++];
    if (isScriptRefusal(err)) return null;
    if (err) throw err;
    const s = parseScriptedStream(reply, timeMs);
    if (!s)
      missing.push(key); // gone, or no longer a stream
    else streams.push({ ...describeKey(keySpace, key), ...s });
  }
  return { streams, timeMs, roundTrips: 1, missing, server };
}

/**
 * Snapshot `keys` in two pipelined round trips: (1) TIME, XINFO STREAM and XINFO GROUPS per key;
 * (2) per group, only what it needs: XINFO CONSUMERS (consumers > 0), XPENDING summary
 * (pending > 0) and `XRANGE key (lastDelivered + COUNT 1` (something undelivered).
 */
async function snapshotByCommands(
  client: Redis,
  keySpace: KeySpace,
  keys: readonly string[],
  options: SnapshotOptions,
): Promise<SnapshotResult> {
  const p1 = client.pipeline().time();
  if (options.serverInfo) queueServerInfo(p1);
  for (const key of keys) p1.xinfo('STREAM', key).xinfo('GROUPS', key);
  const r1 = await run(p1);
  const timeMs = parseTime(r1[0]);
  let i = 1;
  const server = options.serverInfo ? readServerInfo(r1, i) : null;
  if (options.serverInfo) i += 2;

  const streams: StreamSnapshot[] = [];
  const missing: string[] = [];
  for (const key of keys) {
    const [sErr, sRep] = r1[i++];
    const [gErr, gRep] = r1[i++];
    if (isGone(sErr) || isGone(gErr)) {
      missing.push(key);
      continue;
    }
    if (sErr) throw sErr;
    if (gErr) throw gErr;
    const info = parseXinfoStream(sRep);
    const firstEntryId =
      info.length === 0 ? null : (info.firstEntry?.id ?? info.recordedFirstEntryId);
    streams.push({
      ...describeKey(keySpace, key),
      length: info.length,
      lastGeneratedId: info.lastGeneratedId,
      firstEntryId,
      entriesAdded: info.entriesAdded,
      maxDeletedEntryId: info.maxDeletedEntryId === '0-0' ? null : info.maxDeletedEntryId,
      groups: parseXinfoGroups(gRep).map((g) => ({
        ...g,
        consumerList: [],
        oldestPendingId: null,
        oldestPendingDeliveries: null,
        oldestUndeliveredAgeMs: null,
      })),
    });
  }

  // Second round trip: one task per reply, applied in order.
  const p2 = client.pipeline();
  const apply: ((err: Error | null, reply: unknown) => void)[] = [];
  const dropped = new Set<GroupSnapshot>();
  const tolerate = (g: GroupSnapshot, err: Error | null): boolean => {
    if (!err) return true;
    // Group destroyed or stream deleted since the first round trip: leave it out this time.
    if (/NOGROUP|no such key|WRONGTYPE/i.test(err.message)) dropped.add(g);
    else throw err;
    return false;
  };
  for (const s of streams) {
    for (const g of s.groups) {
      if (g.consumers > 0) {
        p2.xinfo('CONSUMERS', s.key, g.name);
        apply.push((err, rep) => {
          if (tolerate(g, err)) g.consumerList = parseXinfoConsumers(rep);
        });
      }
      if (g.pending > 0) {
        p2.xpending(s.key, g.name);
        apply.push((err, rep) => {
          if (tolerate(g, err)) g.oldestPendingId = parsePendingSummary(rep).minId;
        });
        p2.xpending(s.key, g.name, '-', '+', 1);
        apply.push((err, rep) => {
          if (tolerate(g, err))
            g.oldestPendingDeliveries = parsePendingEntries(rep)[0]?.deliveries ?? null;
        });
      }
      if (s.length > 0 && compareStreamIds(g.lastDeliveredId, s.lastGeneratedId) < 0) {
        p2.xrange(s.key, `(${g.lastDeliveredId}`, '+', 'COUNT', 1);
        apply.push((err, rep) => {
          if (!tolerate(g, err)) return;
          const first = (rep as [string, unknown][])[0];
          if (first) g.oldestUndeliveredAgeMs = Math.max(0, timeMs - streamIdToMs(first[0]));
        });
      }
    }
  }
  let roundTrips = 1;
  if (apply.length > 0) {
    const r2 = await run(p2);
    roundTrips++;
    r2.forEach(([err, rep], k) => apply[k](err, rep));
    if (dropped.size > 0)
      for (const s of streams) s.groups = s.groups.filter((g) => !dropped.has(g));
  }
  return { streams, timeMs, roundTrips, missing, server };
}
