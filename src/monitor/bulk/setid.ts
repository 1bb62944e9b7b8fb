/**
 * Group repositioning with a preview: resolve the target to a concrete ID, count the entries the
 * group will receive again (moving back) or skip (moving forward), compute ENTRIESREAD when it
 * can be known exactly, so lag stays known (Redis ≥ 7.0), then XGROUP SETID. The PEL is not
 * touched: pending entries stay pending with their owners. Undo moves it back to the recorded
 * position and entries-read.
 */
import { StreamscopeError } from '../../core/errors.js';
import {
  parseTimeReply,
  parseXinfoGroups,
  parseXinfoStream,
  type XinfoStream,
} from '../../core/parse-info.js';
import type { SetIdTarget } from '../../core/setid-target.js';
import { compareStreamIds, previousStreamId } from '../../core/stream-id.js';
import type { GroupInfo } from '../../core/types.js';
import { toBulkError, type BulkContext } from './context.js';

/** Entries counted at most for the preview (XRANGE pages of 10,000). */
export const SETID_COUNT_CAP = 1_000_000;

export interface GroupPosition {
  lastDeliveredId: string;
  /** Null: Redis cannot tell (after deletions or an arbitrary SETID), or Redis < 7.0. */
  entriesRead: number | null;
}

export interface SetIdPlan {
  stream: string;
  group: string;
  from: GroupPosition;
  to: GroupPosition;
  direction: 'back' | 'forward' | 'none';
  /** Entries delivered again (back) or skipped (forward); capped at SETID_COUNT_CAP. */
  entries: number;
  capped: boolean;
  /** Pending entries of the group: unaffected by the move. */
  pending: number;
}

async function groupsOf(ctx: BulkContext, stream: string): Promise<GroupInfo[]> {
  return parseXinfoGroups(await ctx.client.call('XINFO', 'GROUPS', stream));
}

function findGroup(groups: GroupInfo[], name: string, stream: string): GroupInfo {
  const g = groups.find((x) => x.name === name);
  if (!g) {
    const names = groups.map((x) => x.name).join(', ') || 'none';
    throw new StreamscopeError('NOGROUP', `no group "${name}" on ${stream} (groups: ${names})`);
  }
  return g;
}

/** Entries with lo < id ≤ hi, counted with XRANGE pages up to SETID_COUNT_CAP. */
async function countRange(ctx: BulkContext, stream: string, lo: string, hi: string) {
  let n = 0;
  let start = `(${lo}`;
  const page = 10_000;
  while (n < SETID_COUNT_CAP) {
    const rows = (await ctx.client.call('XRANGE', stream, start, hi, 'COUNT', page)) as [
      string,
      unknown,
    ][];
    n += rows.length;
    if (rows.length < page) return { n, capped: false };
    start = `(${rows[rows.length - 1][0]}`;
  }
  return { n, capped: true };
}

async function resolveTarget(
  ctx: BulkContext,
  info: XinfoStream,
  groups: GroupInfo[],
  target: SetIdTarget,
  stream: string,
): Promise<{ id: string; entriesRead: number | null | undefined }> {
  switch (target.kind) {
    case 'start':
      // Everything still in the stream is ahead: lag = length.
      return {
        id: '0-0',
        entriesRead: info.entriesAdded === null ? null : info.entriesAdded - info.length,
      };
    case 'end':
      return { id: info.lastGeneratedId, entriesRead: info.entriesAdded };
    case 'group': {
      const other = findGroup(groups, target.name, stream);
      return { id: other.lastDeliveredId, entriesRead: other.entriesRead };
    }
    case 'id':
      if (compareStreamIds(target.id, info.lastGeneratedId) > 0)
        throw new StreamscopeError(
          'INVALID_ARGUMENT',
          `setid: ${target.id} is after the last entry of ${stream} (${info.lastGeneratedId}); use $ for the end`,
        );
      return { id: target.id, entriesRead: undefined };
    case 'time':
    case 'ago': {
      let ms = target.kind === 'time' ? target.ms : 0;
      if (target.kind === 'ago') {
        ms = parseTimeReply(await ctx.client.call('TIME')) - target.ms;
      }
      // The position just before the first ID of that millisecond: entries from then on come again.
      const bound = previousStreamId(`${Math.max(0, Math.floor(ms))}-0`) ?? '0-0';
      const last = info.lastGeneratedId;
      const upTo = compareStreamIds(bound, last) > 0 ? last : bound;
      // The same position named by the entry it lands after (the last one before that time,
      // else the start): the preview and the journal then show an ID a person can look up, not
      // `<ms>-18446744073709551615`. Nothing lies between the two, so the same entries come again.
      const [before] = (await ctx.client.call('XREVRANGE', stream, upTo, '-', 'COUNT', 1)) as [
        string,
        unknown,
      ][];
      return { id: before ? String(before[0]) : '0-0', entriesRead: undefined };
    }
  }
}

export async function planSetId(
  ctx: BulkContext,
  stream: string,
  group: string,
  target: SetIdTarget,
): Promise<SetIdPlan> {
  try {
    const info = parseXinfoStream(await ctx.client.call('XINFO', 'STREAM', stream));
    const groups = await groupsOf(ctx, stream);
    const g = findGroup(groups, group, stream);
    const from = { lastDeliveredId: g.lastDeliveredId, entriesRead: g.entriesRead };
    const to = await resolveTarget(ctx, info, groups, target, stream);
    const cmp = compareStreamIds(to.id, from.lastDeliveredId);
    const direction = cmp < 0 ? 'back' : cmp > 0 ? 'forward' : 'none';
    const [lo, hi] = cmp < 0 ? [to.id, from.lastDeliveredId] : [from.lastDeliveredId, to.id];
    const counted = cmp === 0 ? { n: 0, capped: false } : await countRange(ctx, stream, lo, hi);
    let entriesRead = to.entriesRead;
    if (entriesRead === undefined) {
      // Exact only from a known count with no deletion inside the moved range.
      const noDeletion =
        info.maxDeletedEntryId === null ||
        compareStreamIds(info.maxDeletedEntryId, lo) <= 0 ||
        info.maxDeletedEntryId === '0-0';
      entriesRead =
        from.entriesRead !== null && noDeletion && !counted.capped
          ? from.entriesRead + (cmp < 0 ? -counted.n : counted.n)
          : null;
    }
    return {
      stream,
      group,
      from,
      to: { lastDeliveredId: to.id, entriesRead },
      direction,
      entries: counted.n,
      capped: counted.capped,
      pending: g.pending,
    };
  } catch (err) {
    throw toBulkError(ctx, err);
  }
}

/** XGROUP SETID to the position (with ENTRIESREAD when known). */
export async function applyPosition(
  ctx: BulkContext,
  stream: string,
  group: string,
  to: GroupPosition,
): Promise<void> {
  const args: (string | number)[] = ['SETID', stream, group, to.lastDeliveredId];
  if (to.entriesRead !== null) args.push('ENTRIESREAD', to.entriesRead);
  try {
    await ctx.client.call('XGROUP', ...args);
  } catch (err) {
    throw toBulkError(ctx, err);
  }
}

export function describeSetIdPlan(p: SetIdPlan): { summary: string; details: string[] } {
  const n = `${p.capped ? 'more than ' : ''}${p.entries.toLocaleString('en-US')} ${p.entries === 1 && !p.capped ? 'entry' : 'entries'}`;
  const effect =
    p.direction === 'back'
      ? `${n} will be delivered again`
      : p.direction === 'forward'
        ? `${n} will be skipped (never delivered to this group)`
        : 'the group is already there: nothing changes';
  const er = (v: number | null) => (v === null ? 'unknown' : String(v));
  return {
    summary: `setid ${p.group} on ${p.stream}: ${p.from.lastDeliveredId} → ${p.to.lastDeliveredId}: ${effect}`,
    details: [
      `entries-read ${er(p.from.entriesRead)} → ${er(p.to.entriesRead)}${p.to.entriesRead === null ? ' (lag shows unknown until the group reaches the end)' : ''}`,
      `pending entries are unaffected (${p.pending} stay pending with their consumers)`,
    ],
  };
}
