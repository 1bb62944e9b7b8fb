/**
 * Batch consume (EventPersistence.consumeEventBatches): the consumeEvents loop (consumer.ts:
 * own PEL first, recovery of idle entries, dead letters, the NOGROUP policy — the same code, not
 * a copy), handed out a batch at a time, with one ack for the whole batch: one XACK per stream,
 * pipelined. Entries of the batch that were already acknowledged one by one (`d.ack()`) or
 * dead-lettered (`batch.deadLetter(d, reason)`) are left out of it.
 */
import type { Delivery } from '../core/types.js';
import { StreamscopeError } from '../core/errors.js';
import { toError, type PersistenceContext } from './context.js';
import { consumeDeliveryBatches, type ConsumeOptions } from './consumer.js';
import { deadLetter } from './recovery.js';
import { isClusterClient } from './cluster-client.js';
import { consumeAcrossSlots } from './consume-slots.js';
import { validatedBatches, type SchemaTable } from './validation.js';
import {
  completeDone,
  idempotentBatches,
  type Completion,
  type IdempotencyRun,
} from './idempotency.js';

/** One batch of consumeEventBatches; `D` is the (typed) delivery. */
export interface EventBatch<D = Delivery> {
  /** In delivery order; each delivery's own ack() still works and takes it out of the batch ack. */
  readonly deliveries: readonly D[];
  /**
   * Acknowledge every delivery of the batch not yet acknowledged or dead-lettered: one XACK per
   * stream (pipelined, one round trip). Resolves to the number Redis acknowledged. Calling it
   * again does nothing (0).
   */
  ack(): Promise<number>;
  /**
   * Move one delivery to its dead-letter stream (`<prefix>dlq:<type>`, with the reason) and
   * acknowledge it, in one MULTI; the batch ack then skips it. Returns the dead-letter entry ID.
   */
  deadLetter(delivery: D, reason: string): Promise<string>;
}

export async function* consumeBatches(
  ctx: PersistenceContext,
  streamKeys: readonly string[],
  consumerName: string,
  options: ConsumeOptions,
  schemas?: SchemaTable,
): AsyncGenerator<EventBatch> {
  // On a cluster, one loop per slot group (never a CROSSSLOT XREADGROUP), batches merged.
  const read = isClusterClient(ctx.client)
    ? consumeAcrossSlots(ctx, streamKeys, consumerName, options, consumeDeliveryBatches)
    : consumeDeliveryBatches(ctx, streamKeys, consumerName, options);
  // With schemas, refused payloads are dead-lettered first (before idempotency holds them).
  const loops = schemas ? validatedBatches(ctx, read, schemas, consumerName) : read;
  if (!options.idempotency) {
    for await (const deliveries of loops) {
      if (options.signal?.aborted) return;
      yield makeBatch(ctx, consumerName, deliveries);
    }
    return;
  }
  // Idempotent: completed event_ids are acked and left out, copies held by another consumer are
  // given back to it; the batch ack writes the done marks and the XACK in one MULTI per stream.
  for await (const admitted of idempotentBatches(ctx, loops, consumerName, {
    ...options.idempotency,
    leaseMs: options.claimIdleMs || 60000,
  })) {
    if (options.signal?.aborted) return;
    yield makeBatch(ctx, consumerName, admitted.deliveries, admitted);
  }
}

function makeBatch(
  ctx: PersistenceContext,
  consumer: string,
  inner: Delivery[],
  idempotency?: { completions: Map<Delivery, Completion>; run: IdempotencyRun },
): EventBatch {
  /** Settled one by one (acknowledged or dead-lettered), or by the batch ack. */
  const settled = new Set<Delivery>();
  // The deliveries are this batch's own (made for this read): their ack() is wrapped in place
  // to record the settling, not copied into new objects — a copy of every delivery was the
  // biggest per-entry cost left in a --cpu-prof of a 100k-entry drain (issue 14).
  for (const d of inner) {
    const ackOne = d.ack;
    d.ack = async () => {
      await ackOne.call(d);
      settled.add(d);
    };
  }
  const deliveries = inner;
  /** What completing a delivery writes (idempotent consumption only). */
  const completionOf = idempotency?.completions ?? new Map<Delivery, Completion>();
  return {
    deliveries,
    async ack() {
      // Idempotent: the done marks and the XACK of a stream's entries go in one MULTI.
      const ackStream = async (key: string, ids: string[]): Promise<number> => {
        // Without idempotency there are no marks: one XACK (not an ids × deliveries scan).
        if (!idempotency) return ctx.client.xack(key, ctx.group, ...ids);
        const idSet = new Set(ids);
        const done = deliveries
          .filter((d) => d.streamKey === key && idSet.has(d.messageId))
          .map((d) => completionOf.get(d))
          .filter((c): c is Completion => c !== undefined);
        if (done.length === 0) return ctx.client.xack(key, ctx.group, ...ids);
        const plain = ids.filter((id) => !done.some((c) => c.messageIds[0] === id));
        const [a, b] = await Promise.all([
          completeDone(ctx, idempotency.run, key, done),
          plain.length > 0 ? ctx.client.xack(key, ctx.group, ...plain) : 0,
        ]);
        return a + b;
      };
      const byStream = new Map<string, string[]>();
      for (const d of deliveries) {
        if (settled.has(d)) continue;
        settled.add(d);
        const ids = byStream.get(d.streamKey);
        if (ids) ids.push(d.messageId);
        else byStream.set(d.streamKey, [d.messageId]);
      }
      if (byStream.size === 0) return 0;
      try {
        const acked = await Promise.all([...byStream].map(([key, ids]) => ackStream(key, ids)));
        return acked.reduce((a, b) => a + b, 0);
      } catch (err) {
        // Not acknowledged: they stay pending and come back (own PEL after a reconnect, or
        // reclaimed after claimIdleMs); a later batch ack may try again.
        for (const d of deliveries)
          if (byStream.get(d.streamKey)?.includes(d.messageId)) settled.delete(d);
        throw toError(ctx, err);
      }
    },
    async deadLetter(delivery, reason) {
      if (!deliveries.includes(delivery))
        throw new StreamscopeError(
          'INVALID_ARGUMENT',
          'batch.deadLetter: that delivery is not part of this batch',
        );
      const id = await deadLetter(ctx, {
        streamKey: delivery.streamKey,
        id: delivery.messageId,
        consumer,
        deliveryCount: delivery.deliveryCount,
        reason,
      });
      settled.add(delivery);
      return id;
    },
  };
}
