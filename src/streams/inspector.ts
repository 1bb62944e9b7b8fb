/**
 * Read-only inspection of the streams under a prefix: incremental SCAN discovery, the snapshot
 * (snapshot.ts, re-exported here: a constant number of round trips however many streams, groups
 * or entries), PEL pages and single entries. Never writes, never uses KEYS.
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { PendingEntry, RawFields } from '../core/types.js';
import { parsePendingEntries } from '../core/parse-info.js';
import { fieldsFromBuffers } from '../core/bytes.js';

export { snapshotStreams, type ServerInfo, type SnapshotOptions, type SnapshotResult } from './snapshot.js';

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

  constructor(private readonly keys: KeySpace, options: DiscoveryOptions = {}) {
    this.scanCount = options.scanCount ?? 1000;
    this.budgetMs = options.budgetMs ?? 25;
  }

  /** Advance the scan; `untilComplete` finishes the current pass whatever it costs (CLI status). */
  async step(client: Redis, untilComplete = false): Promise<DiscoveryStep> {
    const started = Date.now();
    let roundTrips = 0;
    do {
      const [next, found] = await client.scan(this.cursor, 'MATCH', this.keys.scanPattern, 'COUNT', this.scanCount, 'TYPE', 'stream');
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
export async function readPendingPage(client: Redis, key: string, group: string, o: PendingPageOptions): Promise<{ entries: PendingEntry[]; hasMore: boolean }> {
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

/** One entry, binary-safe (invalid UTF-8 shown as `\xNN`); null when it no longer exists. */
export async function fetchEntry(client: Redis, key: string, id: string): Promise<{ id: string; fields: RawFields; bytes: number } | null> {
  const reply = await client.xrangeBuffer(key, id, id, 'COUNT', 1);
  const entry = reply[0];
  if (!entry) return null;
  const { fields, bytes } = fieldsFromBuffers(entry[1]);
  return { id: entry[0].toString(), fields, bytes };
}
