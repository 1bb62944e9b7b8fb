/**
 * Read-only inspection of the streams under a prefix: incremental SCAN discovery, the snapshot
 * (snapshot.ts, re-exported here: a constant number of round trips however many streams, groups
 * or entries), PEL pages and single entries. Never writes, never uses KEYS.
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { PendingEntry, RawFields } from '../core/types.js';
import type { PendingScan } from '../core/messages.js';
import { parsePendingEntries, parseTimeReply } from '../core/parse-info.js';
import { compareStreamIds } from '../core/stream-id.js';
import { fieldsFromBuffers } from '../core/bytes.js';
import { isClusterClient } from './cluster-client.js';
import { PerNodeDiscovery } from './cluster-inspect.js';

export {
  snapshotStreams,
  type ServerInfo,
  type SnapshotOptions,
  type SnapshotResult,
} from './snapshot.js';

export interface DiscoveryOptions {
  /** SCAN COUNT hint per call (keys examined server-side per call). Default 1000: ~1 ms of server time. */
  scanCount?: number;
  /** Time budget of one step() in ms; the scan resumes at the next step. Default 25. */
  budgetMs?: number;
}

export interface DiscoveryStep {
  /** Every stream key known so far (last complete pass ∪ current pass), sorted. */
  keys: string[];
  roundTrips: number;
  /** True when at least one full SCAN pass has completed. */
  complete: boolean;
}

/**
 * Finds stream keys under a prefix with `SCAN … MATCH … TYPE stream`, a bounded slice per step,
 * so a database with millions of unrelated keys never stalls a refresh. Keys found are
 * remembered; a key absent from a complete pass (or reported gone by a snapshot) is dropped.
 */
export class StreamDiscovery {
  private known = new Set<string>();
  private pass = new Set<string>();
  private cursor = '0';
  private completedPasses = 0;
  private readonly scanCount: number;
  private readonly budgetMs: number;

  constructor(
    private readonly keys: KeySpace,
    options: DiscoveryOptions = {},
  ) {
    this.scanCount = options.scanCount ?? 1000;
    this.budgetMs = options.budgetMs ?? 25;
  }

  /** Cluster only: one discovery per master (each node has its own keyspace and cursor). */
  private perNode: PerNodeDiscovery<StreamDiscovery> | null = null;

  /** Advance the scan; `untilComplete` finishes the current pass whatever it costs (CLI status). */
  async step(client: Redis, untilComplete = false): Promise<DiscoveryStep> {
    if (isClusterClient(client)) {
      this.perNode ??= new PerNodeDiscovery(
        () =>
          new StreamDiscovery(this.keys, { scanCount: this.scanCount, budgetMs: this.budgetMs }),
      );
      return this.perNode.step(client, untilComplete);
    }
    const started = Date.now();
    let roundTrips = 0;
    do {
      const [next, found] = await client.scan(
        this.cursor,
        'MATCH',
        this.keys.scanPattern,
        'COUNT',
        this.scanCount,
        'TYPE',
        'stream',
      );
      roundTrips++;
      for (const k of found) this.pass.add(k);
      this.cursor = next;
      if (next === '0') {
        this.known = this.pass;
        this.pass = new Set();
        this.completedPasses++;
        break;
      }
    } while (untilComplete || Date.now() - started < this.budgetMs);
    return { keys: this.currentKeys(), roundTrips, complete: this.completedPasses > 0 };
  }

  /** A snapshot found the key gone or no longer a stream. */
  forget(key: string): void {
    this.perNode?.forget(key);
    this.known.delete(key);
    this.pass.delete(key);
  }

  currentKeys(): string[] {
    const all = new Set(this.known);
    for (const k of this.pass) all.add(k);
    return [...all].sort();
  }
}

export interface PendingPageOptions {
  /** Entries with IDs greater than this; null starts at the beginning of the PEL. */
  afterId: string | null;
  count: number;
  consumer?: string | null;
  /** Only entries idle at least this long (ms). */
  minIdleMs?: number | null;
}

/** One page of the PEL in ID order (XPENDING extended form); asks for one extra to know hasMore. */
export async function readPendingPage(
  client: Redis,
  key: string,
  group: string,
  o: PendingPageOptions,
): Promise<{ entries: PendingEntry[]; hasMore: boolean }> {
  const args: (string | number)[] = [key, group];
  if (o.minIdleMs && o.minIdleMs > 0) args.push('IDLE', o.minIdleMs);
  args.push(o.afterId ? `(${o.afterId}` : '-', '+', o.count + 1);
  if (o.consumer) args.push(o.consumer);
  const reply = await client.call('XPENDING', ...args);
  const entries = parsePendingEntries(reply);
  const hasMore = entries.length > o.count;
  if (hasMore) entries.length = o.count;
  return { entries, hasMore };
}

export interface MostIdleOptions {
  count: number;
  /** The more idle entries to skip first (earlier pages: page × count). */
  offset?: number;
  consumer?: string | null;
  /** PEL entries examined at most (ID order), so memory and time do not grow with the PEL. Default 50,000. */
  scanLimit?: number;
  /** Entries per XPENDING call. Default 10,000 (~0.4 ms of server time each, measured on 7.0). */
  chunk?: number;
  /** Fallback clock (ms) when TIME fails, to put idle times read at different moments on one scale. */
  now?: () => number;
}

/**
 * A page of the PEL most idle first. XPENDING returns the PEL in ID order only, and the most
 * idle entries can be anywhere in it (a claim or redelivery resets idle), so the PEL is read in
 * chunks, in ID order, keeping only the best `offset + count + 1` entries: memory is bounded by
 * chunk + that, whatever the PEL size. At most `scanLimit` entries are examined; past that the
 * page is the most idle *of the first scanLimit* and `scan.complete` is false (the UI says so).
 * A server-side `XPENDING … IDLE` threshold search was rejected: on a 1,000,000-entry PEL each
 * probe is a full scan (~58 ms of blocked Redis, measured), repeated every refresh.
 */
export async function readPendingMostIdle(
  client: Redis,
  key: string,
  group: string,
  o: MostIdleOptions,
): Promise<{ entries: PendingEntry[]; hasMore: boolean; scan: PendingScan }> {
  const offset = Math.max(0, o.offset ?? 0);
  const limit = Math.max(1, o.scanLimit ?? 50_000);
  const chunk = Math.max(1, o.chunk ?? 10_000);
  const now = o.now ?? Date.now;
  const keep = offset + o.count + 1;
  // deliveredAt = local time of the reply − idle: earlier delivery = more idle, one scale for all chunks.
  let best: { e: PendingEntry; at: number }[] = [];
  const byIdle = (a: { e: PendingEntry; at: number }, b: { e: PendingEntry; at: number }) =>
    a.at - b.at || compareStreamIds(a.e.id, b.e.id);
  let start = '-';
  let examined = 0;
  let complete = false;
  while (examined < limit) {
    const n = Math.min(chunk, limit - examined);
    const args: (string | number)[] = [key, group, start, '+', n];
    if (o.consumer) args.push(o.consumer);
    const { t, pel } = await pendingChunkWithClock(client, args, now);
    const entries = parsePendingEntries(pel);
    examined += entries.length;
    for (const e of entries) best.push({ e, at: t - e.idleMs });
    if (best.length > keep * 2 || entries.length < n) {
      best.sort(byIdle);
      if (best.length > keep) best = best.slice(0, keep);
    }
    if (entries.length < n) {
      complete = true;
      break;
    }
    start = `(${entries[entries.length - 1].id}`;
  }
  best.sort(byIdle);
  const page = best.slice(offset, offset + o.count).map((x) => x.e);
  return {
    entries: page,
    hasMore: best.length > offset + o.count,
    scan: { examined, complete, limit },
  };
}

/**
 * One XPENDING chunk and the server's millisecond its idle times were counted from. Idle is
 * counted from the server's clock when XPENDING runs; TIME pipelined on both sides of it reads
 * that clock, and when both fall in the same millisecond XPENDING's did too. Then every chunk's
 * delivery times (that ms − idle) share one exact scale, and entries delivered in the same
 * millisecond keep their ID order across chunks and loads. When the two TIMEs straddle a
 * millisecond (rare: they are microseconds apart) the chunk is read again. A local clock would
 * drift by the round trip, and one TIME alone is off by one when XPENDING runs a ms later: batch
 * mates then reorder between pages.
 */
async function pendingChunkWithClock(
  client: Redis,
  args: (string | number)[],
  now: () => number,
): Promise<{ t: number; pel: unknown }> {
  for (let attempt = 1; ; attempt++) {
    const replies =
      (await client
        .pipeline()
        .time()
        .call('XPENDING', ...args)
        .time()
        .exec()) ?? [];
    const [pelErr, pel] = replies[1] ?? [];
    if (pelErr) throw pelErr;
    const before = clockOf(replies[0]);
    const after = clockOf(replies[2]);
    if (before === null || after === null) return { t: now(), pel };
    if (before === after || attempt >= 5) return { t: after, pel };
  }
}

function clockOf(reply: [Error | null, unknown] | undefined): number | null {
  const [err, time] = reply ?? [];
  return !err && Array.isArray(time) ? parseTimeReply(time) : null;
}

/** One entry, binary-safe (invalid UTF-8 shown as `\xNN`); null when it no longer exists. */
/**
 * The entry of `key` holding the seed event `eventId`, searched within ±`windowMs` of `aroundMs`
 * (a publish writes its type entry and global copy within milliseconds), at most `limit` entries
 * read. Null when not there (trimmed, or published by something else).
 */
export async function findByEventId(
  client: Redis,
  key: string,
  aroundMs: number,
  eventId: string,
  windowMs = 2000,
  limit = 10_000,
): Promise<string | null> {
  const end = `${aroundMs + windowMs}-18446744073709551615`;
  let start = `${Math.max(0, aroundMs - windowMs)}-0`;
  // Pages of 1,000 up to `limit` entries: a burst (the demo seeds 3,000 events at once) puts
  // more than one page in the ±2 s window, and the entry may be past the first.
  for (let seen = 0; seen < limit;) {
    const page = (await client.xrange(key, start, end, 'COUNT', Math.min(1000, limit - seen))) as [
      string,
      string[],
    ][];
    for (const [id, flat] of page) {
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (flat[i] !== 'event') continue;
        // A cheap test first: most entries are not the one.
        if (!flat[i + 1].includes(eventId)) break;
        try {
          if ((JSON.parse(flat[i + 1]) as { event_id?: unknown }).event_id === eventId) return id;
        } catch {
          /* not JSON: not a seed event */
        }
        break;
      }
    }
    if (page.length < Math.min(1000, limit - seen)) return null;
    seen += page.length;
    start = `(${page[page.length - 1][0]}`;
  }
  return null;
}

/** Several entries by ID in one round trip (a pipeline of XRANGE id id); null for each one gone. */
export async function fetchEntries(
  client: Redis,
  key: string,
  ids: readonly string[],
): Promise<({ id: string; fields: RawFields; bytes: number } | null)[]> {
  if (ids.length === 0) return [];
  const pipe = client.pipeline();
  for (const id of ids) pipe.xrangeBuffer(key, id, id, 'COUNT', 1);
  const replies = (await pipe.exec()) ?? [];
  return ids.map((id, i) => {
    const [err, reply] = replies[i] ?? [null, null];
    if (err) throw err;
    const entry = (reply as [Buffer, Buffer[]][] | null)?.[0];
    if (!entry) return null;
    const { fields, bytes } = fieldsFromBuffers(entry[1]);
    return { id, fields, bytes };
  });
}

export async function fetchEntry(
  client: Redis,
  key: string,
  id: string,
): Promise<{ id: string; fields: RawFields; bytes: number } | null> {
  const reply = await client.xrangeBuffer(key, id, id, 'COUNT', 1);
  const entry = reply[0];
  if (!entry) return null;
  const { fields, bytes } = fieldsFromBuffers(entry[1]);
  return { id: entry[0].toString(), fields, bytes };
}
