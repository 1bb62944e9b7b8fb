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
  const ttlMs = Math.ceil(options.ttlMs);
  const leaseMs = Math.max(1000, Math.ceil(options.leaseMs));
  const mine = `run:${consumer}`;
  for await (const d of deliveries) {
    if (!d.event) {
      yield d;
      continue;
    }
    const key = ctx.keys.idempotencyKey(d.streamKey, ctx.group, d.event.eventId);
    let state: string | null;
    try {
      const took = await ctx.client.set(key, mine, 'PX', leaseMs, 'NX');
      state = took === 'OK' ? mine : await ctx.client.get(key);
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
      continue;
    }
    if (state !== null && state !== mine) {
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
      continue;
    }
    yield {
      ...d,
      async ack() {
        try {
          const results = await ctx.client
            .multi()
            .set(key, DONE, 'PX', ttlMs)
            .xack(d.streamKey, ctx.group, d.messageId)
            .exec();
          if (!results) throw new Error('the done-mark transaction was discarded');
          for (const [err] of results) if (err) throw err;
        } catch (err) {
          throw toError(ctx, err);
        }
      },
    };
  }
}
