/**
 * Time-based trimming, the compliance path: exact `XTRIM <key> MINID <id>` (no `~`), cut-off
 * from the server's clock (TIME), and never past work a group has not finished. For each group
 * the oldest unfinished entry is the lower of its oldest pending ID and the first ID after its
 * last-delivered ID; the trim stops there and reports how many old entries it kept back.
 *
 * Length capping on publish (trimToLength) uses the same floor, so neither path drops unfinished
 * work except past the explicit hard ceiling, which reports what it dropped.
 *
 * Not atomic with concurrent `XGROUP CREATE … 0` or `SETID` (a group created between the check
 * and the XTRIM is not protected); ordinary reads and acks only move the floor forward.
 */
import { compareStreamIds, nextStreamId } from '../core/stream-id.js';
import { parsePendingSummary, parseTimeReply, parseXinfoGroups } from '../core/parse-info.js';
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
  return parseTimeReply(await ctx.client.time());
}

/** Where each group's unfinished work starts, and the lowest of those (null: no group holds anything back). */
export interface UnfinishedFloor {
  /** Lowest ID some group has not read or acknowledged; entries below it are finished by every group. */
  floor: string | null;
  groups: { group: string; oldestUnfinishedId: string }[];
}

/**
 * For each group the oldest unfinished entry is the lower of its oldest pending ID (XPENDING) and
 * the first ID after its last-delivered ID. One XINFO GROUPS, then one pipeline of XPENDING.
 * A missing key has no groups.
 */
export async function unfinishedFloor(
  ctx: PersistenceContext,
  streamKey: string,
): Promise<UnfinishedFloor> {
  let groupsReply: unknown;
  try {
    groupsReply = await ctx.client.call('XINFO', 'GROUPS', streamKey);
  } catch (err) {
    if (/no such key/i.test(String((err as Error)?.message))) return { floor: null, groups: [] };
    throw err;
  }
  const groups = parseXinfoGroups(groupsReply);
  if (groups.length === 0) return { floor: null, groups: [] };
  const pipeline = ctx.client.pipeline();
  for (const g of groups) pipeline.call('XPENDING', streamKey, g.name);
  const replies = (await pipeline.exec()) ?? [];
  const out: UnfinishedFloor = { floor: null, groups: [] };
  groups.forEach((g, i) => {
    const [err, reply] = replies[i] ?? [null, null];
    if (err) throw err;
    const summary = parsePendingSummary(reply);
    let oldest = nextStreamId(g.lastDeliveredId);
    if (summary.minId) oldest = minId(oldest, summary.minId);
    out.groups.push({ group: g.name, oldestUnfinishedId: oldest });
    out.floor = out.floor === null ? oldest : minId(out.floor, oldest);
  });
  return out;
}

export async function trimByAge(
  ctx: PersistenceContext,
  streamKey: string,
  maxAgeDays: number,
): Promise<TrimReport> {
  if (!Number.isFinite(maxAgeDays) || maxAgeDays < 0)
    throw new RangeError(`maxAgeDays must be a number ≥ 0, got ${maxAgeDays}`);
  try {
    const now = await serverTimeMs(ctx);
    const cutoffId = `${Math.max(0, Math.floor(now - maxAgeDays * DAY_MS))}-0`;
    const report: TrimReport = {
      streamKey,
      serverTimeMs: now,
      cutoffId,
      minId: cutoffId,
      removed: 0,
      keptBack: 0,
      heldBy: [],
    };
    const unfinished = await unfinishedFloor(ctx, streamKey);
    report.heldBy = unfinished.groups.filter(
      (g) => compareStreamIds(g.oldestUnfinishedId, cutoffId) < 0,
    );
    const floor = unfinished.floor === null ? cutoffId : minId(unfinished.floor, cutoffId);
    report.minId = floor;
    report.removed = Number(await ctx.client.call('XTRIM', streamKey, 'MINID', floor));
    if (compareStreamIds(floor, cutoffId) < 0)
      report.keptBack = await countBelow(ctx, streamKey, floor, `(${cutoffId}`);
    return report;
  } catch (err) {
    throw toError(ctx, err);
  }
}

/** Entries lost to the hard ceiling: removed although some group had not read or acknowledged them. */
export interface TrimLoss {
  streamKey: string;
  /** Length before the trim, and the ceiling it was over. */
  length: number;
  hardMaxLen: number;
  /** Entries removed in all, and how many of them some group had not finished. */
  removed: number;
  lost: number;
  /** The groups that had not finished them, with their oldest unfinished entry (now gone). */
  groups: { group: string; oldestUnfinishedId: string }[];
}

export interface LengthTrimResult {
  /** Entries removed (finished ones, plus any lost to the ceiling). */
  removed: number;
  /** Set when the hard ceiling removed unfinished entries. */
  loss: TrimLoss | null;
}

/**
 * Cap a stream near `maxLen` without removing work a group has not finished:
 * `XTRIM <key> MINID ~ <floor> LIMIT <length − maxLen>` removes only whole nodes below the oldest
 * unfinished entry (MINID) and never more than would bring the stream under maxLen (LIMIT), i.e.
 * the cut is the lower of the length cut-off and the oldest unfinished entry. With no group
 * holding anything, it is `XTRIM MAXLEN ~ maxLen`. If the stream is still longer than
 * `hardMaxLen` (a dead or far-behind group), its oldest entries are trimmed anyway, exactly down
 * to `hardMaxLen` (not to maxLen: a group a few hundred entries behind keeps them), and the
 * entries that were unfinished are returned as a loss for the caller to report.
 *
 * Not atomic with a concurrent `XGROUP CREATE … 0` or a backwards `SETID` (such a group is not
 * protected by this round); reads and acks only move the floor forward, so they are safe.
 */
export async function trimToLength(
  ctx: PersistenceContext,
  streamKey: string,
  maxLen: number,
  hardMaxLen: number,
): Promise<LengthTrimResult> {
  const length = Number(await ctx.client.xlen(streamKey));
  if (length <= maxLen) return { removed: 0, loss: null };
  const { floor, groups } = await unfinishedFloor(ctx, streamKey);
  const limit = length - maxLen;
  const removed = Number(
    floor === null
      ? await ctx.client.call('XTRIM', streamKey, 'MAXLEN', '~', maxLen, 'LIMIT', limit)
      : await ctx.client.call('XTRIM', streamKey, 'MINID', '~', floor, 'LIMIT', limit),
  );
  const left = length - removed;
  if (left <= hardMaxLen || floor === null) return { removed, loss: null };
  // Over the ceiling: entries below the floor that `~` left behind are finished; the rest of what
  // goes is lost. Exact (no `~`) so the cut stops at the ceiling, never below it.
  const finished = await countBelow(ctx, streamKey, '-', `(${floor}`);
  const forced = Number(await ctx.client.call('XTRIM', streamKey, 'MAXLEN', hardMaxLen));
  const lost = Math.max(0, forced - finished);
  const firstLeft =
    ((await ctx.client.call('XRANGE', streamKey, '-', '+', 'COUNT', 1)) as [string][])[0]?.[0] ??
    null;
  const held = groups.filter(
    (g) => firstLeft === null || compareStreamIds(g.oldestUnfinishedId, firstLeft) < 0,
  );
  return {
    removed: removed + forced,
    loss:
      lost > 0
        ? { streamKey, length, hardMaxLen, removed: removed + forced, lost, groups: held }
        : null,
  };
}

/** Entries from `from` to `end` (an XRANGE bound: `(id` is exclusive), counted in pages of 1000. */
async function countBelow(
  ctx: PersistenceContext,
  key: string,
  from: string,
  end: string,
): Promise<number> {
  let n = 0;
  let start = from;
  for (;;) {
    const page = (await ctx.client.call('XRANGE', key, start, end, 'COUNT', 1000)) as [
      string,
      unknown,
    ][];
    n += page.length;
    if (page.length < 1000) return n;
    start = `(${page[page.length - 1][0]}`;
  }
}
