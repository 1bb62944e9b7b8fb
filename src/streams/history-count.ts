/**
 * How many entries a history range holds, for the view's title: exact by XRANGE counting up to
 * `limit` entries (default 1,000,000), else the counted part plus an estimate of the rest, marked
 * estimated (`~`). Counted in pages between which the event loop is free and `cancelled()` is
 * asked, so a 1M count neither blocks the UI nor outlives the range it was for.
 *
 * The pages are counted on the server when it runs scripts (a read-only script: XRANGE of up to
 * 10,000 entries, only the count and the last ID come back, so payloads are never shipped); else
 * (an ACL without EVAL, a server that refuses scripts) by plain XRANGE pages of 1,000.
 * A range that covers the whole stream is XLEN, at once. With an archive, entries before the
 * stream's first entry are counted in the day files (streams/archive-files.ts).
 */
import type { Redis } from 'ioredis';
import { compareStreamIds, streamIdToMs } from '../core/stream-id.js';
import { dayOfStreamId } from '../core/replay-range.js';
import { dayOfFile, listDayFiles, readArchiveFile } from './archive-files.js';

export const EXACT_COUNT_LIMIT = 1_000_000;

export interface RangeCount {
  /** Entries counted so far (with `estimated`: counted + the estimate of the rest). */
  count: number;
  estimated: boolean;
  done: boolean;
  /** The range's first and last entry (its span), null when it is empty. */
  firstId: string | null;
  lastId: string | null;
}

export interface RangeCountOptions {
  limit?: number;
  archiveDir?: string;
  /** Called after each page with the count so far (done: false). */
  onProgress?: (c: RangeCount) => void;
  /** Asked between pages: true stops the count (the result then says done: false). */
  cancelled?: () => boolean;
}

// Returns {n, lastId}: the entries of one page and the last one's ID (nil when none).
const COUNT_SCRIPT = `#!lua flags=no-writes
local r = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
if #r == 0 then return {0, false} end
return {#r, r[#r][1]}`;

const SCRIPT_PAGE = 10_000;
const PLAIN_PAGE = 1_000;

type Page = { n: number; lastId: string | null };

async function pageOf(
  client: Redis,
  key: string,
  start: string,
  end: string,
  useScript: { on: boolean },
): Promise<Page> {
  if (useScript.on) {
    try {
      const [n, lastId] = (await client.eval(COUNT_SCRIPT, 1, key, start, end, SCRIPT_PAGE)) as [
        number,
        string | null,
      ];
      return { n: Number(n), lastId: lastId || null };
    } catch (err) {
      // NOPERM, scripts disabled, an old server: count by plain XRANGE from now on.
      if (/WRONGTYPE/.test(String(err))) throw err;
      useScript.on = false;
    }
  }
  const r = (await client.xrange(key, start, end, 'COUNT', PLAIN_PAGE)) as [string, string[]][];
  return { n: r.length, lastId: r.length ? r[r.length - 1][0] : null };
}

const min = (a: string, b: string) => (compareStreamIds(a, b) <= 0 ? a : b);

/** Archived entries of [from, to] older than the stream's first entry `firstLive`. */
async function countArchived(
  dir: string,
  key: string,
  from: string,
  to: string,
  firstLive: string | null,
  cancelled: () => boolean,
): Promise<{ n: number; firstId: string | null; lastId: string | null }> {
  const out = { n: 0, firstId: null as string | null, lastId: null as string | null };
  const end = firstLive === null ? to : min(to, firstLive);
  const fromDay = dayOfStreamId(from);
  const toDay = dayOfStreamId(end);
  for (const file of await listDayFiles(dir, key)) {
    const day = dayOfFile(file) ?? '';
    if (day < fromDay || day > toDay) continue;
    for await (const e of readArchiveFile(file)) {
      if (firstLive !== null && compareStreamIds(e.id, firstLive) >= 0) return out;
      if (compareStreamIds(e.id, to) > 0) return out;
      if (compareStreamIds(e.id, from) < 0) continue;
      out.n++;
      out.firstId ??= e.id;
      out.lastId = e.id;
      if (out.n % 10_000 === 0 && cancelled()) return out;
    }
  }
  return out;
}

/** Count the entries of `key` from `from` to `to` (inclusive stream IDs). */
export async function countHistoryRange(
  client: Redis,
  key: string,
  from: string,
  to: string,
  o: RangeCountOptions = {},
): Promise<RangeCount> {
  const limit = o.limit ?? EXACT_COUNT_LIMIT;
  const cancelled = o.cancelled ?? (() => false);
  const [first, last, streamFirst, streamLast, len] = await Promise.all([
    client.xrange(key, from, to, 'COUNT', 1) as Promise<[string, unknown][]>,
    client.xrevrange(key, to, from, 'COUNT', 1) as Promise<[string, unknown][]>,
    client.xrange(key, '-', '+', 'COUNT', 1) as Promise<[string, unknown][]>,
    client.xrevrange(key, '+', '-', 'COUNT', 1) as Promise<[string, unknown][]>,
    client.xlen(key),
  ]);
  const firstLive = streamFirst[0]?.[0] ?? null;
  const archived = o.archiveDir
    ? await countArchived(o.archiveDir, key, from, to, firstLive, cancelled)
    : { n: 0, firstId: null, lastId: null };
  const firstId = archived.firstId ?? first[0]?.[0] ?? null;
  const lastId = last[0]?.[0] ?? archived.lastId;
  const result = (count: number, done: boolean, estimated = false): RangeCount => ({
    count: archived.n + count,
    estimated,
    done,
    firstId,
    lastId,
  });
  if (first.length === 0) return result(0, true);
  // The whole stream (or more): its length, exactly.
  if (compareStreamIds(from, firstLive!) <= 0 && compareStreamIds(to, streamLast[0][0]) >= 0)
    return result(len, true);
  const useScript = { on: true };
  let counted = 0;
  let start = from;
  for (;;) {
    if (cancelled()) return result(counted, false);
    const p = await pageOf(client, key, start, to, useScript);
    counted += p.n;
    if (p.lastId === null || p.lastId === last[0][0]) return result(counted, true);
    start = `(${p.lastId}`;
    if (archived.n + counted >= limit) {
      // Past the limit: the rest at the rate counted so far (entries per ms of ID time), at
      // most what the stream still holds.
      const firstMs = streamIdToMs(first[0][0]);
      const atMs = streamIdToMs(p.lastId);
      const rest =
        atMs > firstMs ? (counted * (streamIdToMs(last[0][0]) - atMs)) / (atMs - firstMs) : 0;
      return result(counted + Math.round(Math.min(rest, Math.max(0, len - counted))), true, true);
    }
    o.onProgress?.(result(counted, false));
  }
}
