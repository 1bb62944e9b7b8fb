/**
 * Deliveries, dead letters and pending recovery (XAUTOCLAIM). The one rule: nothing is
 * acknowledged unless it was handled (the caller's ack()) or dead-lettered in the same MULTI.
 */
import { StreamscopeError } from '../core/errors.js';
import type { Delivery } from '../core/types.js';
import { decodeFields, type DecodeResult } from '../core/codec.js';
import { parseEntry, type RawEntry } from '../core/parse-info.js';
import { toError, type PersistenceContext } from './context.js';
import { idleUpTo } from './consume-until.js';

/** A delivery whose `ack()` acknowledges exactly this stream key + ID, nothing else. */
export function makeDelivery(
  ctx: PersistenceContext,
  streamKey: string,
  entry: RawEntry,
  deliveryCount: number,
  /** The entry already decoded by the caller (who had to know whether it decodes at all). */
  decoded: DecodeResult = decodeFields(entry.fields),
): Delivery {
  // Captured per delivery (not loop variables): REFERENCE §2 defect 2.
  const key = streamKey;
  const id = entry.id;
  // The key's own type only when the entry does not say it (describe() parses the key).
  const kind = decoded.ok ? null : ctx.keys.describe(key);
  return {
    streamKey: key,
    messageId: id,
    eventType: decoded.ok ? decoded.event.eventType : kind?.kind === 'type' ? kind.eventType : '',
    event: decoded.ok ? decoded.event : null,
    fields: entry.fields,
    deliveryCount,
    async ack() {
      try {
        await ctx.client.xack(key, ctx.group, id);
      } catch (err) {
        throw toError(ctx, err);
      }
    },
  };
}

/** The one set of dead-letter reasons (`dlq_reason`), whichever path dead-letters the entry. */
export const DEAD_LETTER_REASON = {
  tooManyDeliveries: (count: number, max: number) =>
    `delivered ${count} times, more than maxDeliveries (${max})`,
  /** `why` is the codec's reason (`no "event" field`, `"event" field is not valid JSON`…). */
  undecodable: (why: string) => `cannot decode: ${why}`,
  deletedWhilePending: 'entry deleted from the stream while pending',
  /** `why` is the schema's message (the `schemas` option). */
  invalidPayload: (why: string) => `invalid payload: ${why}`,
} as const;

/** `<prefix>dlq:<type>` for a type stream, `<prefix>dlq:all` for the global stream. */
export function deadLetterKeyFor(ctx: PersistenceContext, streamKey: string): string {
  return ctx.keys.deadLetterStreamOf(streamKey);
}

export interface DeadLetterInput {
  streamKey: string;
  id: string;
  reason: string;
  /** Null when unknown (entry deleted while pending). */
  deliveryCount: number | null;
  consumer: string;
}

/**
 * Copy the entry (its exact bytes, so binary values survive) into the dead-letter stream with
 * `dlq_*` fields naming the origin, and acknowledge it, in one MULTI. An entry already deleted
 * from its stream leaves a tombstone (`dlq_deleted 1`). Returns the dead-letter entry ID.
 */
export async function deadLetter(ctx: PersistenceContext, input: DeadLetterInput): Promise<string> {
  const dlqKey = deadLetterKeyFor(ctx, input.streamKey);
  try {
    const original = (await ctx.client.xrangeBuffer(input.streamKey, input.id, input.id)) as [
      Buffer,
      Buffer[],
    ][];
    const fields: (string | Buffer)[] = [
      'dlq_original_id',
      input.id,
      'dlq_stream',
      input.streamKey,
      'dlq_group',
      ctx.group,
      'dlq_consumer',
      input.consumer,
      'dlq_reason',
      input.reason,
      'dlq_delivery_count',
      input.deliveryCount === null ? 'unknown' : String(input.deliveryCount),
    ];
    if (original.length > 0) fields.push(...original[0][1]);
    else fields.push('dlq_deleted', '1');
    const results = await ctx.client
      .multi()
      .xadd(dlqKey, '*', ...fields)
      .xack(input.streamKey, ctx.group, input.id)
      .exec();
    if (!results) throw new StreamscopeError('REDIS', 'dead-letter transaction was discarded');
    for (const [err] of results) if (err) throw err;
    ctx.logger(`dead-lettered ${input.streamKey} ${input.id} → ${dlqKey}: ${input.reason}`);
    return String(results[0][1]);
  } catch (err) {
    throw toError(ctx, err);
  }
}

/** True delivery counts of `ids` as they stand now (one XPENDING per ID, one round trip). */
export async function pendingCounts(
  ctx: PersistenceContext,
  streamKey: string,
  consumer: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const pipeline = ctx.client.pipeline();
  for (const id of ids) pipeline.call('XPENDING', streamKey, ctx.group, id, id, 1, consumer);
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([err, reply]) => {
    if (err) throw toError(ctx, err);
    const row = (reply as unknown[][])[0];
    if (row) out.set(String(row[0]), Number(row[3]));
  });
  return out;
}

/**
 * Turn read or claimed entries into deliveries: entries over `maxDeliveries` and entries that
 * do not decode are dead-lettered instead; entries no longer pending for `consumer` (acked
 * meanwhile) are dropped.
 */
export async function triage(
  ctx: PersistenceContext,
  streamKey: string,
  consumer: string,
  entries: readonly RawEntry[],
  counts: Map<string, number>,
): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (const entry of entries) {
    const count = counts.get(entry.id);
    if (count === undefined) continue;
    if (count > ctx.maxDeliveries) {
      await deadLetter(ctx, {
        streamKey,
        id: entry.id,
        consumer,
        deliveryCount: count,
        reason: DEAD_LETTER_REASON.tooManyDeliveries(count, ctx.maxDeliveries),
      });
      continue;
    }
    const decoded = decodeFields(entry.fields);
    if (!decoded.ok) {
      await deadLetter(ctx, {
        streamKey,
        id: entry.id,
        consumer,
        deliveryCount: count,
        reason: DEAD_LETTER_REASON.undecodable(decoded.reason),
      });
      continue;
    }
    out.push(makeDelivery(ctx, streamKey, entry, count, decoded));
  }
  return out;
}

export interface ClaimOptions {
  /** Only entries idle at least this long, ms. */
  minIdleMs: number;
  /** Stop after this many deliveries; default: the whole PEL. */
  limit?: number;
  /** Entries per XAUTOCLAIM round trip. Default 100. */
  batch?: number;
  /**
   * Only entries with an ID ≤ this one (a full stream ID): XPENDING IDLE + XCLAIM instead of
   * XAUTOCLAIM, which has no end ID (consumeEvents' `until`).
   */
  until?: string;
}

/**
 * Claim idle pending entries for `consumer` with XAUTOCLAIM, carrying the cursor until it comes
 * back as `0-0`, so the whole PEL is examined, not the first page. Entries deleted while pending
 * (the reply's third element, Redis ≥ 7.0) are recorded as dead-letter tombstones.
 */
export async function claimIdle(
  ctx: PersistenceContext,
  streamKey: string,
  consumer: string,
  options: ClaimOptions,
): Promise<Delivery[]> {
  if (options.until !== undefined) return claimIdleUpTo(ctx, streamKey, consumer, options);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const batch = options.batch ?? 100;
  const out: Delivery[] = [];
  let cursor = '0-0';
  do {
    const count = Math.max(1, Math.min(batch, limit - out.length));
    let reply: unknown[];
    try {
      reply = (await ctx.client.call(
        'XAUTOCLAIM',
        streamKey,
        ctx.group,
        consumer,
        Math.max(0, Math.floor(options.minIdleMs)),
        cursor,
        'COUNT',
        count,
      )) as unknown[];
    } catch (err) {
      throw toError(ctx, err);
    }
    cursor = String(reply[0]);
    const entries = ((reply[1] as unknown[]) ?? [])
      .map(parseEntry)
      .filter((e): e is RawEntry => e !== null);
    const deleted = ((reply[2] as unknown[] | undefined) ?? []).map(String);
    out.push(...(await settleClaimed(ctx, streamKey, consumer, entries, deleted)));
  } while (cursor !== '0-0' && out.length < limit);
  return out;
}

/**
 * Claimed or re-read pending entries → deliveries (triage); IDs deleted while pending →
 * dead-letter tombstones.
 */
export async function settleClaimed(
  ctx: PersistenceContext,
  streamKey: string,
  consumer: string,
  entries: RawEntry[],
  deleted: readonly string[],
): Promise<Delivery[]> {
  for (const id of deleted) {
    await deadLetter(ctx, {
      streamKey,
      id,
      consumer,
      deliveryCount: null,
      reason: DEAD_LETTER_REASON.deletedWhilePending,
    });
  }
  const counts = await pendingCounts(
    ctx,
    streamKey,
    consumer,
    entries.map((e) => e.id),
  );
  return triage(ctx, streamKey, consumer, entries, counts);
}

/**
 * claimIdle bounded by `until`: the idle IDs ≤ until (XPENDING IDLE), then XCLAIM with the same
 * min-idle (so an entry another consumer took meanwhile stays theirs). An ID XCLAIM did not return
 * and that is gone from the stream was deleted while pending: a dead-letter tombstone, as above.
 */
async function claimIdleUpTo(
  ctx: PersistenceContext,
  streamKey: string,
  consumer: string,
  options: ClaimOptions,
): Promise<Delivery[]> {
  const until = options.until!;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const batch = options.batch ?? 100;
  const minIdleMs = Math.max(0, Math.floor(options.minIdleMs));
  const out: Delivery[] = [];
  let cursor = '0-0';
  while (out.length < limit) {
    const count = Math.max(1, Math.min(batch, limit - out.length));
    let entries: RawEntry[];
    let ids: string[];
    const deleted: string[] = [];
    try {
      ids = await idleUpTo(ctx, streamKey, cursor, until, minIdleMs, count);
      if (ids.length === 0) break;
      const reply = (await ctx.client.call(
        'XCLAIM',
        streamKey,
        ctx.group,
        consumer,
        minIdleMs,
        ...ids,
      )) as unknown[];
      entries = reply.map(parseEntry).filter((e): e is RawEntry => e !== null);
      const claimed = new Set(entries.map((e) => e.id));
      for (const id of ids) {
        if (claimed.has(id)) continue;
        // Not claimed: taken by another consumer meanwhile, or gone from the stream.
        if (((await ctx.client.xrange(streamKey, id, id)) as unknown[]).length === 0)
          deleted.push(id);
      }
    } catch (err) {
      throw toError(ctx, err);
    }
    cursor = ids[ids.length - 1];
    out.push(...(await settleClaimed(ctx, streamKey, consumer, entries, deleted)));
    if (ids.length < count) break;
  }
  return out;
}
