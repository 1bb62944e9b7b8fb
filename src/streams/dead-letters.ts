/** Reading dead-letter streams (`<prefix>dlq:<type>`), written by recovery.ts's deadLetter(). */
import type { RawFields, SeedEvent } from '../core/types.js';
import { decodeEvent, fieldsFromArray } from '../core/codec.js';
import { toError, type PersistenceContext } from './context.js';

/** One entry of a dead-letter stream: where it came from, why, and the original event. */
export interface DeadLetter {
  /** ID of the dead-letter entry. */
  streamId: string;
  /** Where the entry came from and its ID there. */
  originalStream: string;
  originalId: string;
  group: string;
  consumer: string;
  reason: string;
  /** Deliveries before it was dead-lettered; null when unknown (deleted while pending). */
  deliveryCount: number | null;
  /** True for a tombstone: the entry was deleted from its stream while pending, no copy exists. */
  deleted: boolean;
  /** The original entry decoded, or null (tombstone, or not in the seed format). */
  event: SeedEvent | null;
  /** The original entry's fields (the `dlq_*` fields removed). */
  fields: RawFields;
}

/** The range of getDeadLetters (stream IDs of the dead-letter stream, and a count). */
export interface DeadLetterRange {
  /** XRANGE bounds on the dead-letter stream (`(id` exclusive). Defaults `-` and `+`. */
  start?: string;
  end?: string;
  count?: number;
}

const META = [
  'dlq_original_id',
  'dlq_stream',
  'dlq_group',
  'dlq_consumer',
  'dlq_reason',
  'dlq_delivery_count',
];

export async function readDeadLetters(
  ctx: PersistenceContext,
  dlqKey: string,
  range: DeadLetterRange = {},
): Promise<DeadLetter[]> {
  const args: (string | number)[] = [dlqKey, range.start ?? '-', range.end ?? '+'];
  if (range.count !== undefined) args.push('COUNT', range.count);
  let reply: [string, string[]][];
  try {
    reply = (await ctx.client.call('XRANGE', ...args)) as [string, string[]][];
  } catch (err) {
    throw toError(ctx, err);
  }
  return reply.map(([id, flat]) => {
    // deadLetter() writes the six dlq_* pairs first, then the original's fields (or a tombstone).
    const meta = fieldsFromArray(flat.slice(0, META.length * 2));
    const rest = flat.slice(META.length * 2);
    const deleted = rest.length === 2 && rest[0] === 'dlq_deleted';
    const fields = deleted ? {} : fieldsFromArray(rest);
    const count = meta.dlq_delivery_count;
    return {
      streamId: String(id),
      originalStream: meta.dlq_stream ?? '',
      originalId: meta.dlq_original_id ?? '',
      group: meta.dlq_group ?? '',
      consumer: meta.dlq_consumer ?? '',
      reason: meta.dlq_reason ?? '',
      deliveryCount: count === undefined || count === 'unknown' ? null : Number(count),
      deleted,
      event: deleted ? null : decodeEvent(fields),
      fields,
    };
  });
}
