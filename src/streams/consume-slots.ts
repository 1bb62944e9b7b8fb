/**
 * consumeEvents on a Redis Cluster: XREADGROUP over several streams must stay in one hash slot
 * (CROSSSLOT otherwise), so the stream keys are grouped by slot and each group gets a consume
 * loop of its own (consumer.ts: own pending entries, claims, new entries), each with its own
 * blocking connection to the node serving that slot. The loops' deliveries are merged in arrival
 * order. In the hash-tag layout every key shares one slot: one loop, exactly as on one node.
 * Acks, claims and dead-letter copies stay single-slot (the DLQ shares the type stream's slot).
 */
import type { Delivery } from '../core/types.js';
import { groupBySlot } from '../core/hash-slot.js';
import type { PersistenceContext } from './context.js';
import type { ConsumeOptions } from './consumer.js';

/** A consume loop over keys of one slot: deliveries one by one, or batches of them. */
type ConsumeLoop<T> = (
  ctx: PersistenceContext,
  streamKeys: readonly string[],
  consumerName: string,
  options: ConsumeOptions,
) => AsyncGenerator<T>;

export async function* consumeAcrossSlots<T = Delivery>(
  ctx: PersistenceContext,
  streamKeys: readonly string[],
  consumerName: string,
  options: ConsumeOptions,
  consume: ConsumeLoop<T>,
): AsyncGenerator<T> {
  const groups = groupBySlot(streamKeys);
  if (groups.length === 1) {
    yield* consume(ctx, groups[0], consumerName, options);
    return;
  }
  const loops = groups.map((keys) => consume(ctx, keys, consumerName, options));
  type Next = { i: number; r: IteratorResult<T> };
  const pending = new Map<number, Promise<Next>>();
  const pull = (i: number) =>
    pending.set(
      i,
      loops[i].next().then((r) => ({ i, r })),
    );
  loops.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      pending.delete(i);
      if (r.done) continue;
      yield r.value;
      // Only now ask that loop for more: no delivery waits unhandled in a buffer here.
      pull(i);
    }
  } finally {
    for (const p of pending.values()) p.catch(() => {});
    await Promise.allSettled(loops.map((l) => l.return(undefined)));
  }
}
