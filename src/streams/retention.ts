/**
 * Time-based trimming, the compliance path: exact `XTRIM <key> MINID <id>` (no `~`), cut-off
 * from the server's clock (TIME), and never past work a group has not finished. For each group
 * the oldest unfinished entry is the lower of its oldest pending ID and the first ID after its
 * last-delivered ID; the trim stops there and reports how many old entries it kept back.
 *
 * Not atomic with concurrent `XGROUP CREATE … 0` or `SETID` (a group created between the check
 * and the XTRIM is not protected); ordinary reads and acks only move the floor forward.
 */
import { compareStreamIds, nextStreamId } from '../core/stream-id.js';
import { parsePendingSummary, parseXinfoGroups } from '../core/parse-info.js';
import { toError, type PersistenceContext } from './context.js';

const DAY_MS = 86_400_000;

export interface TrimReport {
  streamKey: string;
  /** Server time used, ms since the epoch. */
  serverTimeMs: number;
  /** Entries with IDs below this are older than maxAgeDays. */
  cutoffId: string;
  /** The MINID actually sent: the cut-off, or lower to keep unfinished work. */
  minId: string;
  removed: number;
  /** Entries old enough to go but kept because a group has not read or acknowledged them (or a later one). */
  keptBack: number;
  /** Groups that held the trim back, with their oldest unfinished entry. */
  heldBy: { group: string; oldestUnfinishedId: string }[];
}

function minId(a: string, b: string): string {
  return compareStreamIds(a, b) <= 0 ? a : b;
}

export async function serverTimeMs(ctx: PersistenceContext): Promise<number> {
  const [sec, usec] = (await ctx.client.time()) as [string | number, string | number];
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}

export async function trimByAge(ctx: PersistenceContext, streamKey: string, maxAgeDays: number): Promise<TrimReport> {
  if (!Number.isFinite(maxAgeDays) || maxAgeDays < 0) throw new RangeError(`maxAgeDays must be a number ≥ 0, got ${maxAgeDays}`);
  try {
    const now = await serverTimeMs(ctx);
    const cutoffId = `${Math.max(0, Math.floor(now - maxAgeDays * DAY_MS))}-0`;
    const report: TrimReport = { streamKey, serverTimeMs: now, cutoffId, minId: cutoffId, removed: 0, keptBack: 0, heldBy: [] };
    let groupsReply: unknown;
    try {
      groupsReply = await ctx.client.call('XINFO', 'GROUPS', streamKey);
    } catch (err) {
      if (/no such key/i.test(String((err as Error)?.message))) return report;
      throw err;
    }
    let floor = cutoffId;
    for (const g of parseXinfoGroups(groupsReply)) {
      const summary = parsePendingSummary(await ctx.client.call('XPENDING', streamKey, g.name));
      let oldest = nextStreamId(g.lastDeliveredId);
      if (summary.minId) oldest = minId(oldest, summary.minId);
      if (compareStreamIds(oldest, cutoffId) < 0) report.heldBy.push({ group: g.name, oldestUnfinishedId: oldest });
      floor = minId(floor, oldest);
    }
    report.minId = floor;
    report.removed = Number(await ctx.client.call('XTRIM', streamKey, 'MINID', floor));
    if (compareStreamIds(floor, cutoffId) < 0) report.keptBack = await countBelow(ctx, streamKey, floor, cutoffId);
    return report;
  } catch (err) {
    throw toError(ctx, err);
  }
}

/** Entries with from ≤ ID < to, counted in pages of 1000 (IDs only matter; values are dropped). */
async function countBelow(ctx: PersistenceContext, key: string, from: string, to: string): Promise<number> {
  let n = 0;
  let start = from;
  for (;;) {
    const page = (await ctx.client.call('XRANGE', key, start, `(${to}`, 'COUNT', 1000)) as [string, unknown][];
    n += page.length;
    if (page.length < 1000) return n;
    start = `(${page[page.length - 1][0]}`;
  }
}
