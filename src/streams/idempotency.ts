/**
 * Idempotent handling (`consumeEvents(…, { idempotency: { ttlMs } })`, the seed's "implement
 * idempotent event handlers" done for the user): a delivery whose `event_id` this group already
 * completed within `ttlMs` is acknowledged without being handed out.
 *
 * One string key per (stream, group, event_id) from keys.ts, in the stream's cluster slot:
 *  - `run:<consumer>` (PX = the claim idle time) while a consumer holds the event: a second copy
 *    (a duplicate publish, or the entry reclaimed from a slow consumer) is not handed to another
 *    consumer meanwhile: it is given back to the holder (XCLAIM JUSTID) and stays pending. If
 *    the holder dies, the mark expires when its entry becomes reclaimable. As without
 *    idempotency, `claimIdleMs` must exceed the longest handler: each reclaim counts as a
 *    delivery towards maxDeliveries.
 *  - `done` (PX = ttlMs) once completed: written together with the XACK in one MULTI by the
 *    delivery's ack() — completion means the handler returned and acked, so a crash between the
 *    two cannot leave an acked-but-unmarked or marked-but-pending entry.
 */
import type { Delivery } from '../core/types.js';
import { StreamscopeError } from '../core/errors.js';
import { toError, type PersistenceContext } from './context.js';

export interface IdempotencyOptions {
  /** How long a completed event_id is remembered, ms (> 0). */
  ttlMs: number;
}

export function validateIdempotency(options: IdempotencyOptions | undefined): void {
  if (options === undefined) return;
  const ttl = options?.ttlMs;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `consumeEvents option idempotency.ttlMs must be a number of ms > 0, got ${String(ttl)}`,
    );
  }
}

const DONE = 'done';

export interface IdempotencyRun {
  ttlMs: number;
  leaseMs: number;
  /** The value a held event's key carries: `run:<consumer>`. */
  mine: string;
}

export function idempotencyRun(
  consumer: string,
  options: IdempotencyOptions & { leaseMs: number },
): IdempotencyRun {
  return {
    ttlMs: Math.ceil(options.ttlMs),
    leaseMs: Math.max(1000, Math.ceil(options.leaseMs)),
    mine: `run:${consumer}`,
  };
}

/**
 * Decide one delivery: its done-mark key when it is to be handed out (this consumer now holds
 * the event), null when it was settled here (completed already: acked; held by another
 * consumer: given back to it). Undecodable deliveries never reach this (they are dead-lettered).
 */
export async function admit(
  ctx: PersistenceContext,
  d: Delivery,
  run: IdempotencyRun,
): Promise<string | null> {
  if (!d.event) return null;
  const key = ctx.keys.idempotencyKey(d.streamKey, ctx.group, d.event.eventId);
  let state: string | null;
  try {
    const took = await ctx.client.set(key, run.mine, 'PX', run.leaseMs, 'NX');
    state = took === 'OK' ? run.mine : await ctx.client.get(key);
  } catch (err) {
    throw toError(ctx, err);
  }
  if (state === DONE) {
    // Already completed by this group: acknowledge the copy, never hand it out.
    try {
      await ctx.client.xack(d.streamKey, ctx.group, d.messageId);
    } catch (err) {
      throw toError(ctx, err);
    }
    return null;
  }
  if (state !== null && state !== run.mine) {
    // Another consumer is handling this event_id: give this copy to it (XCLAIM JUSTID: the
    // delivery count is not raised, the idle time restarts) and move on. It is acked when that
    // consumer completes (the same entry) or looked at again when reclaimed (a duplicate).
    try {
      await ctx.client.call(
        'XCLAIM',
        d.streamKey,
        ctx.group,
        state.slice(4),
        0,
        d.messageId,
        'JUSTID',
      );
    } catch (err) {
      throw toError(ctx, err);
    }
    return null;
  }
  return key;
}

/**
 * Complete entries of one stream: every done mark and one XACK of all their IDs, in one MULTI
 * (the marks share the stream's hash tag, so this is one slot on a cluster too). Resolves to
 * the number Redis acknowledged.
 */
export async function completeDone(
  ctx: PersistenceContext,
  run: IdempotencyRun,
  streamKey: string,
  done: readonly Completion[],
): Promise<number> {
  try {
    const multi = ctx.client.multi();
    for (const d of done) multi.set(d.doneKey, DONE, 'PX', run.ttlMs);
    multi.xack(streamKey, ctx.group, ...done.flatMap((d) => d.messageIds));
    const results = await multi.exec();
    if (!results) throw new StreamscopeError('REDIS', 'the done-mark transaction was discarded');
    for (const [err] of results) if (err) throw err;
    return Number(results[results.length - 1][1]);
  } catch (err) {
    throw toError(ctx, err);
  }
}

/** What completing one admitted delivery writes: its mark, and the entry IDs to acknowledge. */
export interface Completion {
  doneKey: string;
  /** The delivery's own entry, then copies of the same event_id that came in the same batch. */
  messageIds: string[];
}

/** An admitted delivery whose ack() writes the done mark and the XACK in one MULTI. */
function completing(
  ctx: PersistenceContext,
  run: IdempotencyRun,
  d: Delivery,
  completion: Completion,
): Delivery {
  return {
    ...d,
    async ack() {
      await completeDone(ctx, run, d.streamKey, [completion]);
    },
  };
}

/**
 * Wrap a delivery stream: skip (ack) completed event_ids, hold back copies another consumer is
 * working on, and make ack() mark the event done in the same MULTI as the XACK.
 */
export async function* idempotent(
  ctx: PersistenceContext,
  deliveries: AsyncIterable<Delivery>,
  consumer: string,
  options: IdempotencyOptions & { leaseMs: number },
): AsyncGenerator<Delivery> {
  const run = idempotencyRun(consumer, options);
  for await (const d of deliveries) {
    if (!d.event) {
      yield d;
      continue;
    }
    const doneKey = await admit(ctx, d, run);
    if (doneKey !== null) yield completing(ctx, run, d, { doneKey, messageIds: [d.messageId] });
  }
}

/**
 * The same for batches (consumeEventBatches): each batch keeps the deliveries admitted (an
 * emptied batch is dropped). Admission is per batch, before any handler runs, so a second copy
 * of an event_id in the same batch is not handed out: it rides along with the first and is
 * acknowledged when that one completes (or stays pending, to be reclaimed, if it never does).
 * Each delivery's ack() completes it alone; `completions` lets the batch ack complete them
 * per stream in one MULTI (batch-consumer.ts).
 */
export async function* idempotentBatches(
  ctx: PersistenceContext,
  batches: AsyncIterable<Delivery[]>,
  consumer: string,
  options: IdempotencyOptions & { leaseMs: number },
): AsyncGenerator<{
  deliveries: Delivery[];
  completions: Map<Delivery, Completion>;
  run: IdempotencyRun;
}> {
  const run = idempotencyRun(consumer, options);
  for await (const batch of batches) {
    const deliveries: Delivery[] = [];
    const completions = new Map<Delivery, Completion>();
    const byKey = new Map<string, Completion>();
    for (const d of batch) {
      if (!d.event) {
        deliveries.push(d);
        continue;
      }
      const doneKey = await admit(ctx, d, run);
      if (doneKey === null) continue;
      const first = byKey.get(doneKey);
      if (first) {
        first.messageIds.push(d.messageId);
        continue;
      }
      const completion = { doneKey, messageIds: [d.messageId] };
      byKey.set(doneKey, completion);
      const c = completing(ctx, run, d, completion);
      completions.set(c, completion);
      deliveries.push(c);
    }
    if (deliveries.length > 0) yield { deliveries, completions, run };
  }
}
