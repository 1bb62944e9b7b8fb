/**
 * The `until` option of consumeEvents / consumeEventBatches (consumer.ts): a consumer that stops
 * at a stream ID. Redis cannot stop a group at an ID — `XREADGROUP … >` hands out whatever comes
 * next — so the loop never reads blindly past `until`:
 *  - new entries: the group's last-delivered ID (XINFO GROUPS), then `XRANGE (<last> <until>
 *    COUNT n` counts what is left of the range, and `XREADGROUP COUNT <that many> … >` reads just
 *    those; when nothing is left, a plain `XREAD BLOCK` (no group: it moves nothing) waits for
 *    the next entry, and an entry after `until` means no entry ≤ until can ever be added;
 *  - own pending entries: `XPENDING … (<after> <until> n <consumer>` first, so the PEL read
 *    (which bumps delivery counts) covers only IDs ≤ until;
 *  - idle entries: `XPENDING IDLE … - <until>` + `XCLAIM` instead of XAUTOCLAIM (which has no
 *    end ID), so nothing after `until` is taken from another consumer.
 * A read can still fetch entries after `until` when another consumer of the same group reads
 * between the count and the read; those are never handed out and stay pending for this consumer.
 */
import type { Redis } from 'ioredis';
import { StreamscopeError } from '../core/errors.js';
import { parseEntry, parseXinfoGroups, type RawEntry } from '../core/parse-info.js';
import { compareStreamIds, isStreamId, MAX_SEQ } from '../core/stream-id.js';
import { toError, type PersistenceContext } from './context.js';
import { streamsOfReadReply } from './connection.js';

/**
 * The `until` option as a full ID: `<ms>-<seq>`, or `<ms>` for the whole millisecond (its last
 * ID, as an XRANGE end reads it). Throws INVALID_ARGUMENT for anything else.
 */
export function untilId(value: unknown): string {
  if (typeof value !== 'string' || !isStreamId(value))
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `consumeEvents option until must be a stream ID (1764201600123-0, or 1764201600123 for that whole millisecond), got ${JSON.stringify(value)}`,
    );
  return value.includes('-') ? value : `${value}-${MAX_SEQ}`;
}

/** `(id` for an exclusive XRANGE/XPENDING start (`-` for the start of the stream). */
const after = (id: string) => (id === '0' || id === '0-0' ? '-' : `(${id}`);

/** The group's last-delivered ID on `key`; NOGROUP when the stream or the group is gone. */
async function lastDelivered(ctx: PersistenceContext, key: string): Promise<string> {
  let reply: unknown;
  try {
    reply = await ctx.client.call('XINFO', 'GROUPS', key);
  } catch (err) {
    if (/no such key/i.test(String((err as Error)?.message)))
      throw new StreamscopeError('NOGROUP', `stream or consumer group missing: ${key} is gone`);
    throw toError(ctx, err);
  }
  const g = parseXinfoGroups(reply as unknown[]).find((x) => x.name === ctx.group);
  if (!g)
    throw new StreamscopeError(
      'NOGROUP',
      `stream or consumer group missing: ${ctx.group} on ${key}`,
    );
  return g.lastDeliveredId;
}

/** One non-blocking `XREADGROUP … COUNT n STREAMS key id` (`>`: new entries; else own PEL after id). */
export async function readGroupOnce(
  ctx: PersistenceContext,
  consumer: string,
  count: number,
  key: string,
  id: string,
): Promise<unknown[]> {
  const reply = await ctx.client.call(
    'XREADGROUP',
    'GROUP',
    ctx.group,
    consumer,
    'COUNT',
    count,
    'STREAMS',
    key,
    id,
  );
  return streamsOfReadReply(reply)[0]?.[1] ?? [];
}

/** What one bounded read of new entries of one stream gave. */
export interface BoundedRead {
  /** New entries ≤ until, in ID order (deleted ones are already skipped by Redis). */
  entries: RawEntry[];
  /** True when nothing ≤ until is left unread by the group on this stream, ever. */
  finished: boolean;
  /** The group's last-delivered ID before the read (where a wait for new entries starts). */
  lastDeliveredId: string;
}

/**
 * Read the group's next new entries of `key` that are ≤ until (at most `count`), never blocking.
 * Entries after `until` that a racing consumer of the same group made this read fetch are left
 * pending, not returned.
 */
export async function readNewUpTo(
  ctx: PersistenceContext,
  key: string,
  consumer: string,
  until: string,
  count: number,
): Promise<BoundedRead> {
  const last = await lastDelivered(ctx, key);
  if (compareStreamIds(last, until) >= 0)
    return { entries: [], finished: true, lastDeliveredId: last };
  const left = (await ctx.client.call('XRANGE', key, after(last), until, 'COUNT', count)) as [
    string,
    unknown,
  ][];
  if (left.length === 0) return { entries: [], finished: false, lastDeliveredId: last };
  const raw = await readGroupOnce(ctx, consumer, left.length, key, '>');
  const entries: RawEntry[] = [];
  let finished = false;
  for (const entry of raw.map(parseEntry)) {
    if (entry === null) continue;
    if (compareStreamIds(entry.id, until) > 0) finished = true;
    else entries.push(entry);
  }
  return { entries, finished, lastDeliveredId: last };
}

/**
 * Wait (XREAD BLOCK on `blocking`, no group) until one of the streams gets an entry after its
 * group's last-delivered ID. Returns the keys that now hold an entry after `until` (finished:
 * stream IDs only grow), an empty set on a timeout or when the new entry is still in the range.
 */
export async function waitForNew(
  blocking: Redis,
  from: ReadonlyMap<string, string>,
  until: string,
  blockMs: number,
): Promise<{ finished: Set<string>; reply: unknown }> {
  const keys = [...from.keys()];
  const reply = await blocking.call(
    'XREAD',
    'COUNT',
    1,
    'BLOCK',
    blockMs,
    'STREAMS',
    ...keys,
    ...keys.map((k) => from.get(k)!),
  );
  const finished = new Set<string>();
  for (const [key, raw] of streamsOfReadReply(reply)) {
    const first = (raw[0] as unknown[] | undefined)?.[0];
    if (first !== undefined && compareStreamIds(String(first), until) > 0) finished.add(key);
  }
  return { finished, reply };
}

/**
 * How many of this consumer's pending entries of `key` after `afterId` are ≤ until (at most
 * `count`): the COUNT of the next own-PEL read, so it never re-reads (and re-counts) a later one.
 */
export async function ownPendingUpTo(
  ctx: PersistenceContext,
  key: string,
  consumer: string,
  afterId: string,
  until: string,
  count: number,
): Promise<number> {
  const rows = (await ctx.client.call(
    'XPENDING',
    key,
    ctx.group,
    after(afterId),
    until,
    count,
    consumer,
  )) as unknown[];
  return rows.length;
}

/** True while some consumer of the group still has an entry ≤ until of `key` pending. */
export async function rangePending(
  ctx: PersistenceContext,
  key: string,
  until: string,
): Promise<boolean> {
  const rows = (await ctx.client.call('XPENDING', key, ctx.group, '-', until, 1)) as unknown[];
  return rows.length > 0;
}

/**
 * The IDs ≤ until of `key` pending for at least `minIdleMs` (any consumer), from `afterId` on,
 * at most `count`: what a bounded claim sweep passes to XCLAIM.
 */
export async function idleUpTo(
  ctx: PersistenceContext,
  key: string,
  afterId: string,
  until: string,
  minIdleMs: number,
  count: number,
): Promise<string[]> {
  const rows = (await ctx.client.call(
    'XPENDING',
    key,
    ctx.group,
    'IDLE',
    Math.max(0, Math.floor(minIdleMs)),
    after(afterId),
    until,
    count,
  )) as unknown[][];
  return rows.map((r) => String(r[0]));
}

/** What one step of the bounded loop did (consumer.ts runs it in place of `XREADGROUP … >`). */
export interface BoundedStep {
  /** New entries ≤ until, per stream, to hand out. */
  entries: [string, RawEntry[]][];
  /** The group has finished the range of every stream: the iterator ends. */
  done: boolean;
  /** Everything is read, but some of the range is still pending: sleep, let claims run. */
  idle: boolean;
  /** True when the step blocked in XREAD (its `reply` is for the caller's watchdog check). */
  waited: boolean;
  reply: unknown;
}

/**
 * One step: read each unfinished stream up to `until`; when nothing was there, wait once for a new
 * entry (XREAD BLOCK); when every stream is finished, done unless the range is still pending
 * somewhere and `waitForPending` (claims are on, so the loop will redeliver it).
 */
export async function boundedStep(
  ctx: PersistenceContext,
  blocking: Redis,
  keys: readonly string[],
  consumer: string,
  o: {
    until: string;
    count: number;
    blockMs: number;
    finished: Set<string>;
    waitForPending: boolean;
  },
): Promise<BoundedStep> {
  const step: BoundedStep = { entries: [], done: false, idle: false, waited: false, reply: null };
  const from = new Map<string, string>();
  for (const key of keys) {
    if (o.finished.has(key)) continue;
    const r = await readNewUpTo(ctx, key, consumer, o.until, o.count);
    if (r.finished) o.finished.add(key);
    if (r.entries.length > 0) step.entries.push([key, r.entries]);
    else if (!r.finished) from.set(key, r.lastDeliveredId);
  }
  if (step.entries.length > 0) return step;
  if (from.size > 0) {
    const w = await waitForNew(blocking, from, o.until, o.blockMs);
    for (const key of w.finished) o.finished.add(key);
    return { ...step, waited: true, reply: w.reply };
  }
  if (o.waitForPending)
    for (const key of keys)
      if (await rangePending(ctx, key, o.until)) return { ...step, idle: true };
  return { ...step, done: true };
}
